// npm run bench:reload — the hot-reload figures of issue 6, measured, not asserted:
//   1. save-to-served latency (p95) of 20 config edits and 20 plugin edits, saved the ways
//      editors save, polled every 2 ms until the new content answers;
//   2. failed requests on an unchanged endpoint under steady load while 20 reloads happen;
//   3. RSS growth over 500 plugin reloads (gc() before each reading).
// The gateway runs in a child process (bench/reload-child.ts, `--expose-gc`) so the client and
// backend here do not count in its memory; results go to bench/results/reload.json.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { machine } from './lib/report.js';
import type { FromChild, ToChild } from './reload-child.js';

const SELF = fileURLToPath(import.meta.url);
const CHILD = join(dirname(SELF), 'reload-child.ts');

/** The part of autocannon (no bundled types) this bench uses. */
interface LoadResult {
  requests: { total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  mismatches: number;
  resets: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  expectBody: string;
}) => { stop(): void; on(event: 'done', listener: (result: LoadResult) => void): void };
const TARGETS = { latencyP95Ms: 200, failedRequests: 0, rssGrowthMB: 20 };

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The ways editors save (test/integration/reload/edit.ts has the full set). */
const SAVES = [
  (file: string, text: string) => writeFile(file, text),
  async (file: string, text: string) => {
    await writeFile(`${file}.tmp-bench`, text);
    await rename(`${file}.tmp-bench`, file);
  },
  async (file: string, text: string) => {
    await writeFile(`${file}___jb_tmp___`, text);
    await rename(file, `${file}___jb_old___`);
    await rename(`${file}___jb_tmp___`, file);
    await rm(`${file}___jb_old___`);
  },
];

/** A handler plugin answering `/ver`; with `ballast` each loaded version holds ~1 MiB. */
const plugin = (version: string, ballast = false) => `
const ballast = ${ballast ? 'new Array(131072).fill(0).map((_, i) => i + 0.5)' : '[0]'};
type Handler = (req: any, res: any) => void;
export const HandlerRegisterer = {
  RegisterHandlers(register: (name: string, f: unknown) => void) {
    register('ver', (_ctx: unknown, _extra: unknown, next: Handler): Handler => (req, res) => {
      if (req.url !== '/ver') return next(req, res);
      res.end('${version}' + (ballast.length > 0 ? '' : '!'));
    });
  },
};
`;

const config = (backend: string, extra: string[]) => JSON.stringify({
  version: 3,
  host: [backend],
  plugin: { pattern: '.so', folder: './plugins/' },
  extra_config: { 'plugin/http-server': { name: ['ver'] } },
  endpoints: ['a', ...extra].map((n) => ({ endpoint: `/${n}`, backend: [{ url_pattern: '/a' }] })),
}, null, 2);

class Child {
  readonly messages: FromChild[] = [];
  private waiters: ((m: FromChild) => void)[] = [];
  private constructor(readonly proc: ChildProcess) {
    proc.on('message', (m: FromChild) => {
      this.messages.push(m);
      for (const w of this.waiters.splice(0)) w(m);
    });
  }

  static async start(configFile: string, watch: boolean): Promise<{ child: Child; port: number }> {
    const proc = fork(CHILD, [], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      env: { ...process.env, KC_RELOAD_BENCH: JSON.stringify({ config: configFile, watch }) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const child = new Child(proc);
    const m = await child.next('listening', 30_000);
    return { child, port: (m as { port: number }).port };
  }

  next(type: FromChild['type'], ms = 10_000): Promise<FromChild> {
    return new Promise((resolve, reject) => {
      const fail = () => reject(new Error(`no '${type}' from the gateway in ${ms} ms`));
      const timer = setTimeout(fail, ms);
      const wait = (m: FromChild) => {
        if (m.type !== type) return void this.waiters.push(wait);
        clearTimeout(timer);
        resolve(m);
      };
      this.waiters.push(wait);
    });
  }

  send(m: ToChild): void {
    this.proc.send(m);
  }

  async stop(): Promise<void> {
    const exited = once(this.proc, 'exit');
    this.proc.disconnect();
    await Promise.race([exited, delay(5000).then(() => this.proc.kill('SIGKILL'))]);
  }
}

/** Polls `path` every 2 ms until `done` holds; the time since `start` in ms. */
async function servedAfter(
  pool: Pool,
  path: string,
  done: (status: number, body: string) => boolean,
  start: number,
): Promise<number> {
  for (;;) {
    const res = await pool.request({ path, method: 'GET' });
    const body = await res.body.text();
    const ms = performance.now() - start;
    if (done(res.statusCode, body)) return ms;
    if (ms > 10_000) throw new Error(`${path} not served 10 s after the save`);
    await delay(2);
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const summary = (xs: number[]) => ({
  samples: xs.length,
  p50: Math.round(pct(xs, 50) * 10) / 10,
  p95: Math.round(pct(xs, 95) * 10) / 10,
  max: Math.round(Math.max(...xs) * 10) / 10,
});

async function startBackend(): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function folder(backend: string, pluginText: string) {
  const dir = await mkdtemp(join(tmpdir(), 'kc-bench-reload-'));
  await mkdir(join(dir, 'plugins'));
  await writeFile(join(dir, 'plugins', 'ver.ts'), pluginText);
  await writeFile(join(dir, 'krakend.json'), config(backend, []));
  return { dir, configFile: join(dir, 'krakend.json'), pluginFile: join(dir, 'plugins', 'ver.ts') };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      samples: { type: 'string', default: '20' },
      'load-reloads': { type: 'string', default: '20' },
      'memory-reloads': { type: 'string', default: '500' },
    },
  });
  const samples = Number(values.samples);
  const loadReloads = Number(values['load-reloads']);
  const memoryReloads = Number(values['memory-reloads']);
  const backend = await startBackend();

  // 1 + 2: a watching gateway; saves spaced like a person's (300 ms), not like a save storm.
  const live = await folder(backend.url, plugin('v0'));
  const { child, port } = await Child.start(live.configFile, true);
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 1 });
  const configMs: number[] = [];
  const pluginMs: number[] = [];
  for (let i = -3; i < samples; i++) {
    const save = SAVES[(i + 3) % SAVES.length]!;
    await delay(300);
    let start = performance.now();
    await save(live.configFile, config(backend.url, [`c${i + 3}`]));
    const c = await servedAfter(pool, `/c${i + 3}`, (s) => s === 200, start);
    await delay(300);
    start = performance.now();
    await save(live.pluginFile, plugin(`v${i + 4}`));
    const p = await servedAfter(pool, '/ver', (_s, b) => b === `v${i + 4}`, start);
    if (i >= 0) configMs.push(c), pluginMs.push(p); // the first three warm up
  }

  await delay(300); // the last save's `reload` event trails its first served request
  const before = child.messages.length;
  const load = autocannon({
    url: `http://127.0.0.1:${port}/a`,
    connections: 8,
    duration: 600,
    expectBody: '{"ok":true}',
  });
  const loadDone = new Promise<LoadResult>((resolve) => load.on('done', resolve));
  await delay(500);
  for (let i = 0; i < loadReloads; i++) {
    const reloaded = child.next('reload');
    if (i % 2) await SAVES[i % SAVES.length]!(live.pluginFile, plugin(`load${i}`));
    else await SAVES[i % SAVES.length]!(live.configFile, config(backend.url, [`l${i}`]));
    await reloaded;
    await delay(150);
  }
  await delay(500);
  load.stop();
  const result = await loadDone;
  const reloadsDuringLoad = child.messages
    .slice(before)
    .filter((m) => m.type === 'reload' && m.ok).length;
  const { errors, timeouts, non2xx, mismatches, resets } = result;
  const failed = errors + timeouts + non2xx + mismatches + resets;
  await pool.close();
  await child.stop();

  // 3: memory, over reloads asked for directly (no watcher: the figure is about re-evaluation).
  const mem = await folder(backend.url, plugin('m0', true));
  const m = await Child.start(mem.configFile, false);
  const reloadTo = async (version: string) => {
    await writeFile(mem.pluginFile, plugin(version, true));
    m.child.send({ type: 'reload', file: mem.pluginFile });
    const r = (await m.child.next('reloaded', 30_000)) as { ok: boolean; error?: string };
    if (!r.ok) throw new Error(`reload failed: ${r.error}`);
  };
  for (let i = 0; i < 20; i++) await reloadTo(`warm${i}`);
  m.child.send({ type: 'memory' });
  const memBefore = (await m.child.next('memory')) as { rss: number; heapUsed: number };
  const t0 = performance.now();
  for (let i = 1; i <= memoryReloads; i++) await reloadTo(`m${i}`);
  const perReloadMs = (performance.now() - t0) / memoryReloads;
  m.child.send({ type: 'memory' });
  const memAfter = (await m.child.next('memory')) as { rss: number; heapUsed: number };
  const lastServed = await fetch(`http://127.0.0.1:${m.port}/ver`).then((r) => r.text());
  await m.child.stop();
  backend.server.closeAllConnections();
  backend.server.close();
  await rm(live.dir, { recursive: true, force: true });
  await rm(mem.dir, { recursive: true, force: true });

  const MB = 1024 * 1024;
  const figures = {
    date: new Date().toISOString(),
    machine: machine(),
    saveToServed: { configEditMs: summary(configMs), pluginEditMs: summary(pluginMs) },
    underLoad: {
      reloads: reloadsDuringLoad,
      requests: result.requests.total,
      failed,
      detail: { errors, timeouts, non2xx, mismatches, resets },
    },
    memory: {
      reloads: memoryReloads,
      rssBeforeMB: +(memBefore.rss / MB).toFixed(1),
      rssAfterMB: +(memAfter.rss / MB).toFixed(1),
      rssGrowthMB: +((memAfter.rss - memBefore.rss) / MB).toFixed(1),
      heapGrowthMB: +((memAfter.heapUsed - memBefore.heapUsed) / MB).toFixed(1),
      msPerReload: +perReloadMs.toFixed(1),
      lastVersionServed: lastServed === `m${memoryReloads}`,
    },
    targets: TARGETS,
  };
  const pass = {
    config: figures.saveToServed.configEditMs.p95 < TARGETS.latencyP95Ms,
    plugin: figures.saveToServed.pluginEditMs.p95 < TARGETS.latencyP95Ms,
    load: failed === TARGETS.failedRequests && reloadsDuringLoad >= loadReloads,
    memory: figures.memory.rssGrowthMB < TARGETS.rssGrowthMB && figures.memory.lastVersionServed,
  };
  const mark = (ok: boolean) => (ok ? 'ok  ' : 'MISS');
  const latency = (what: string, x: ReturnType<typeof summary>, ok: boolean) =>
    `${mark(ok)} save-to-served, ${what} edit:  p95 ${x.p95} ms  (p50 ${x.p50}, max ${x.max}, ` +
    `${x.samples} saves; target < ${TARGETS.latencyP95Ms} ms)`;
  const m2 = figures.memory;
  console.log(
    [
      '',
      `hot reload (${figures.machine.node}, ${figures.machine.cores} cores)`,
      latency('config', figures.saveToServed.configEditMs, pass.config),
      latency('plugin', figures.saveToServed.pluginEditMs, pass.plugin),
      `${mark(pass.load)} failed requests under load:   ${failed} of ${result.requests.total} ` +
        `on /a during ${reloadsDuringLoad} reloads (target 0)`,
      `${mark(pass.memory)} RSS growth, ${memoryReloads} plugin reloads: ${m2.rssGrowthMB} MB  ` +
        `(${m2.rssBeforeMB} → ${m2.rssAfterMB} MB, heap ${m2.heapGrowthMB} MB, ` +
        `${m2.msPerReload} ms per reload; target < ${TARGETS.rssGrowthMB} MB)`,
      '',
    ].join('\n'),
  );
  const out = join(dirname(SELF), 'results', 'reload.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ ...figures, pass }, null, 2)}\n`);
  console.log(`written to bench/results/reload.json`);
}

await main();
