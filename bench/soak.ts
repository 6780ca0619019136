// npm run soak [-- --duration 60 --rate 40 --reload-every 3] — issue 9's soak, bounded:
// the CLI (`run -w`, in its own process) takes a steady mix of good traffic, backend faults,
// client aborts and hostile requests while its config and plugin are rewritten (valid, and now
// and then invalid) under it. Prints requests served, outcomes by kind, reloads, and the
// gateway's RSS and open file descriptors at the start and the end; writes
// bench/results/soak.json. Figures, not assertions (DECISIONS.md 22); exit 1 only when the
// gateway died, hung a request, or could not stop.
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSoakBackend } from './soak/backends.js';
import { save, soakConfig, soakPlugin } from './soak/config.js';
import { mib, openFds, rssMiB, sampleRss, startCli } from './soak/proc.js';
import { closeAgent, KINDS, picker, run, type Result } from './soak/traffic.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    rate: { type: 'string', default: '40' },
    'reload-every': { type: 'string', default: '3' },
  },
});
const durationS = Number(values.duration);
const rate = Number(values.rate);
const reloadEveryS = Number(values['reload-every']);

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const dir = await mkdtemp(join(tmpdir(), 'kc-soak-'));
await mkdir(join(dir, 'plugins'));
const backend = await startSoakBackend();
const refusedPort = await closedPort();
const configFile = join(dir, 'krakend.json');
const pluginFile = join(dir, 'plugins', 'marker.mjs');
let version = 0;
const configText = (): string =>
  JSON.stringify(soakConfig(backend.url, refusedPort, version), null, 2);
await save(configFile, configText());
await save(pluginFile, soakPlugin(version));

const cliArgs = ['-c', configFile, '-w', '--log-level', 'info'];
const gw = await startCli(root, cliArgs, join(dir, 'gateway.log'));
// The gateway never outlives the soak, however the soak ends.
process.once('exit', () => gw.child.kill('SIGKILL'));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
console.log(`soak: ${durationS} s at ${rate} req/s, a reload every ${reloadEveryS} s`);
console.log(`gateway: ${gw.runner} (pid ${gw.pid}), ${cpus().length} CPUs, ${process.version}`);

const results: Result[] = [];
const pending = new Set<Promise<void>>();
const next = picker();
let running = true;
const fire = (): void => {
  const p = run(next(), gw.url).then((r) => void results.push(r));
  pending.add(p);
  void p.finally(() => pending.delete(p));
};

// Warm-up: a few seconds of traffic before the starting figures.
const ticker = setInterval(() => running && fire(), 1000 / rate);
await sleep(3000);
const start = { rss: rssMiB(gw.pid), fds: openFds(gw.pid), at: performance.now() };
const peak = sampleRss(gw.pid, 200);
// A reading every tenth of the run shows whether memory levels off or keeps climbing.
const series: { s: number; rss: number; fds: number }[] = [];
const every = Math.max(1, durationS / 10) * 1000;
const seriesTimer = setInterval(() => {
  if (gw.child.exitCode !== null) return;
  const s = Math.round((performance.now() - start.at) / 1000);
  series.push({ s, rss: Math.round(rssMiB(gw.pid) * 10) / 10, fds: openFds(gw.pid) });
}, every);

// Reloads: config edits, plugin edits, and every fourth one an invalid save fixed a second later.
const reloads = { config: 0, plugin: 0, invalid: 0 };
const stopReloads = new AbortController();
const pause = (ms: number) =>
  sleep(ms, undefined, { signal: stopReloads.signal }).then(
    () => true,
    () => false,
  );
const reloading = (async () => {
  for (let i = 1; running; i++) {
    if (!(await pause(reloadEveryS * 1000))) break;
    version++;
    if (i % 4 === 0) {
      await save(configFile, '{ "version": 3, "endpoints": [ ');
      reloads.invalid++;
      await sleep(1000);
      await save(configFile, configText());
    } else if (i % 2 === 0) {
      await save(pluginFile, soakPlugin(version));
      reloads.plugin++;
    } else {
      await save(configFile, configText());
      reloads.config++;
    }
  }
})();

await sleep(durationS * 1000);
running = false;
clearInterval(ticker);
stopReloads.abort();
await reloading;
await Promise.all(pending);
const measured = results.length;
await sleep(2000); // let sockets to the client and the backends settle before the end figures
const alive = gw.child.exitCode === null;
const end = alive
  ? { rss: rssMiB(gw.pid), fds: openFds(gw.pid) }
  : { rss: NaN, fds: NaN };
const peakRss = peak.stop();
clearInterval(seriesTimer);
closeAgent();
const stopped = await gw.stop('SIGTERM');
const log = gw.log();
await backend.close();

// Outcomes by kind.
const byKind = new Map<string, Record<string, number>>();
for (const r of results) {
  const row = byKind.get(r.kind) ?? { ok: 0, unexpected: 0, error: 0, hung: 0 };
  row[r.outcome]! += 1;
  byKind.set(r.kind, row);
}
const details = new Map<string, number>();
for (const r of results) {
  const key = `${r.kind}: ${r.detail}`;
  if (r.outcome !== 'ok') details.set(key, (details.get(key) ?? 0) + 1);
}
const lines = log.split('\n').filter(Boolean);
const level = (n: number) => lines.filter((l) => l.includes(`"level":${n}`)).length;
const reloadOk = lines.filter((l) => /\[SERVICE: Reload\].*→ generation/.test(l)).length;
const reloadFailed = lines.filter((l) => /"level":50.*\[SERVICE: Reload\]/.test(l)).length;
const crashes = lines.filter((l) => /uncaughtException|unhandledRejection|FATAL/i.test(l)).length;
const total = (k: Result['outcome']) => results.filter((r) => r.outcome === k).length;

console.log('');
console.log('| kind | share | ok | unexpected | error | hung |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [kind, { weight }] of Object.entries(KINDS)) {
  const row = byKind.get(kind) ?? { ok: 0, unexpected: 0, error: 0, hung: 0 };
  const cells = [kind, `${weight} %`, row.ok, row.unexpected, row.error, row.hung];
  console.log(`| ${cells.join(' | ')} |`);
}
console.log('');
if (details.size > 0) {
  console.log('not as expected:');
  for (const [d, n] of details) console.log(`  ${n} × ${d}`);
}
const seconds = (performance.now() - start.at) / 1000;
const summary = {
  durationS,
  rate,
  requests: measured,
  ok: total('ok'),
  unexpected: total('unexpected'),
  errors: total('error'),
  hung: total('hung'),
  reloads: { ...reloads, okLogged: reloadOk, failedLogged: reloadFailed },
  gatewayLog: { warn: level(40), error: level(50), crashes },
  rssMiB: { start: start.rss, end: end.rss, peak: peakRss },
  series,
  fds: { start: start.fds, end: end.fds },
  alive,
  stop: stopped,
  runner: gw.runner,
  node: process.version,
};
console.log(
  `requests: ${measured} in ${seconds.toFixed(0)} s — ${summary.ok} as expected, ` +
    `${summary.unexpected} unexpected, ${summary.errors} errors, ${summary.hung} hung`,
);
console.log(
  `reloads: ${reloads.config} config + ${reloads.plugin} plugin + ` +
    `${reloads.invalid} invalid saves; ` +
    `log: ${reloadOk} reload lines, ${reloadFailed} reload errors, ${crashes} crashes`,
);
console.log(
  `gateway RSS: ${mib(start.rss)} → ${mib(end.rss)} (peak ${mib(peakRss)}); ` +
    `open fds: ${start.fds} → ${end.fds}`,
);
console.log(`RSS and fds over time: ${series.map((p) => `${p.s}s ${p.rss}/${p.fds}`).join(', ')}`);
console.log(`alive at the end: ${alive}; SIGTERM → exit ${stopped.code} in ${stopped.ms} ms`);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'soak.json'), `${JSON.stringify(summary, null, 2)}\n`);
await rm(dir, { recursive: true, force: true });
process.exitCode = !alive || summary.hung > 0 || stopped.code !== 0 ? 1 : 0;
