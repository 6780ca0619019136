import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stopChild } from './process.js';

export interface StartupResult {
  config: string;
  /** How the CLI was run: the built bin (as users run it) or from source through tsx. */
  runner: string;
  /** Process start to the `listening on` line, ms, one per run. */
  runs: number[];
  median: number;
  min: number;
}

/** The 46-backend corpus config of the performance issue, when `../shared` is beside the repo. */
export function corpusConfig(root: string): string | undefined {
  const dir = join(root, '..', 'shared', 'corpus', 'krakend-configs');
  if (!existsSync(dir)) return undefined;
  const name = readdirSync(dir).find((f) => f.startsWith('002-') && f.endsWith('.json'));
  return name ? join(dir, name) : undefined;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * The built bin when it is newer than every source file; else the sources bundled by esbuild as
 * `npm run build` makes the bin (`scripts/bundle-cli.mjs`), into a git-ignored folder
 * (`.tmp/bench-dist`, never `dist/`, which other work may be using), so start-up is always
 * measured on the bundled bin as users run it; tsx only if that bundle cannot be made.
 */
export function cliCommand(root: string, compile = true): { args: string[]; runner: string } {
  const bin = join(root, 'dist', 'src', 'cli.js');
  const newest = newestMtime(join(root, 'src'));
  if (existsSync(bin) && statSync(bin).mtimeMs >= newest) return { args: [bin], runner: 'node dist/src/cli.js' };
  const built = join(root, '.tmp', 'bench-dist', 'src', 'cli.js');
  if (compile && (!existsSync(built) || statSync(built).mtimeMs < newest)) {
    // The bundle reads the TypeScript sources itself: no tsc pass is needed first.
    const bundler = pathToFileURL(join(root, 'scripts', 'bundle-cli.mjs')).href;
    spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `import { bundleCli } from ${JSON.stringify(bundler)}; await bundleCli(${JSON.stringify(root)}, ${JSON.stringify(built)});`],
      { cwd: root, stdio: 'ignore' },
    );
  }
  if (existsSync(built) && statSync(built).mtimeMs >= newest) {
    return { args: [built], runner: 'node .tmp/bench-dist/src/cli.js (src bundled by esbuild)' };
  }
  return {
    args: ['--import', 'tsx', join(root, 'src', 'cli.ts')],
    runner: `node --import tsx src/cli.ts (${compile ? 'bundle failed' : 'not bundled'})`,
  };
}

/** Time from spawning `krakend-connect run -c <config> -p 0` to its `listening on` line. */
export async function measureStartup(
  root: string,
  config: string,
  runs: number,
  compile = true,
): Promise<StartupResult> {
  const { args, runner } = cliCommand(root, compile);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await startOnce(root, [...args, 'run', '-c', config, '-p', '0']));
  const sorted = [...times].sort((a, b) => a - b);
  return { config, runner, runs: times, median: sorted[Math.floor(sorted.length / 2)], min: sorted[0] };
}

async function startOnce(root: string, args: string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening on" line within 20 s:\n${text}`)), 20_000);
      const onData = (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if (text.includes('listening on http://')) {
          clearTimeout(timer);
          resolve(Math.round((performance.now() - started) * 10) / 10);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the CLI exited with ${code} before listening:\n${text}`));
      });
    });
  } finally {
    child.stdout.resume();
    child.stderr.resume();
    await stopChild(child);
  }
}
