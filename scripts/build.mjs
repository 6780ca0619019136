// Build the package into dist/ with tsc, then bundle the CLI. Runs in `prepare`, so `npm ci` in a
// fresh clone leaves the bin and every export runnable without global tools.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleCli } from './bundle-cli.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  // Installed as a dependency without devDependencies: dist/ ships prebuilt.
  process.exit(0);
}
// No clean step: tsc overwrites in place, so a build never leaves a window without dist/
// (tests and other processes may be running the bin meanwhile).
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);

// The bin (`dist/src/cli.js`) is replaced by one esbuild bundle of the CLI and the packages it
// loads at start: resolving and compiling ~150 project modules and pino's, connect's,
// find-my-way's and commander's files one by one was about 40 % of start-up (docs/performance.md).
// The library entry points (`dist/src/index.js`, the adapters) stay tsc's separate modules.
await bundleCli(root, join(root, 'dist', 'src', 'cli.js'));
