// Runs the suite with node's own test runner (through tsx for TypeScript) and ends with a plain
// `N passed, N failed, N skipped` line that CI reads. Usage: node scripts/test.mjs [dir|file ...]
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, mkdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const targets = args.length ? args : ['test', 'bench'];

function collect(path, out) {
  const st = statSync(path);
  if (st.isFile()) {
    if (/\.test\.(ts|mts|js|mjs)$/.test(path)) out.push(path);
    return out;
  }
  for (const name of readdirSync(path).sort()) {
    if (name === 'node_modules' || name === 'fixtures' || name.startsWith('.')) continue;
    collect(join(path, name), out);
  }
  return out;
}

const files = targets.flatMap((t) => collect(join(root, t), [])).map((f) => relative(root, f));
if (files.length === 0) {
  console.error('no test files found in', targets.join(' '));
  process.exit(1);
}
// Type-check and build first: the CLI tests run the real bin from dist/, as a fresh clone does.
if (!process.env.KRAKEND_CONNECT_SKIP_BUILD) {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.log('0 passed, 1 failed, 0 skipped');
    process.exit(1);
  }
}
mkdirSync(join(root, 'test-results'), { recursive: true });
const tap = join(root, 'test-results', 'tap.txt');
const r = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-timeout=120000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, KRAKEND_CONNECT_TEST: '1' } },
);
let pass = 0;
let fail = 0;
let skip = 0;
try {
  const text = readFileSync(tap, 'utf8');
  // The last summary block is the run's total (nested suites print their own).
  const num = (k) => Number([...text.matchAll(new RegExp(`^# ${k} (\\d+)$`, 'gm'))].at(-1)?.[1] ?? 0);
  pass = num('pass');
  fail = num('fail') + num('cancelled');
  skip = num('skipped') + num('todo');
} catch {
  fail = 1;
}
console.log(`${pass} passed, ${fail} failed, ${skip} skipped`);
process.exit(r.status === 0 && fail === 0 ? 0 : 1);
