import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeGatewayConfigs } from './lib/configs.js';
import { cpuTimeMs } from './lib/cpu.js';
import { load } from './lib/load.js';
import type { RunningServer } from './lib/process.js';
import { startBackend, startServer, type ServerContext, type ServerKind } from './lib/servers.js';

/**
 * The gateway beside its floor, with the machine's drift taken out: both servers run at once and
 * the load alternates between them in short slices, so each pair of slices saw the same machine.
 * Prints each server's median CPU µs per request and req/s, and the median of the per-pair
 * ratios (docs/performance.md, "Side by side").
 *
 *   npm run bench:pair -- [--path /small|/merge|/json] [--slices N] [--seconds S]
 */
const { values } = parseArgs({
  options: {
    path: { type: 'string', default: '/small' },
    slices: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '2' },
  },
  strict: true,
});
const FLOORS: Record<string, ServerKind> = { '/small': 'undici-floor', '/big': 'undici-floor', '/merge': 'merge-floor' };
const path = values.path;
const floorKind = FLOORS[path];
const slices = Math.max(1, Number(values.slices));
const seconds = Math.max(1, Number(values.seconds));

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'kc-pair-'));
const backend = await startBackend(root, dir);
const ctx: ServerContext = { root, dir, backendUrl: backend.url, configs: writeGatewayConfigs(dir, backend.url) };

interface Side {
  name: string;
  server: RunningServer;
  us: number[];
  rps: number[];
}
const sides: Side[] = [];
try {
  sides.push({ name: 'gateway', server: await startServer('gateway', ctx, 'pair-gateway'), us: [], rps: [] });
  if (floorKind) {
    const name = floorKind === 'merge-floor' ? 'bare undici merge' : 'bare undici proxy';
    sides.push({ name, server: await startServer(floorKind, ctx, `pair-${floorKind}`), us: [], rps: [] });
  } else {
    console.log(`no floor for ${path}: the gateway alone`);
  }
  const options = { connections: 32, duration: seconds, warmup: 0 };
  for (const s of sides) await load(`${s.server.url}${path}`, { ...options, duration: 2 });
  for (let i = 0; i < slices; i++) {
    for (const s of i % 2 === 0 ? sides : [...sides].reverse()) {
      const r = await load(`${s.server.url}${path}`, options, () => cpuTimeMs(s.server.pid));
      if (r.errors > 0) throw new Error(`${s.name}: ${r.errors} errors in slice ${i + 1}`);
      s.us.push(r.cpuUsPerReq ?? Number.NaN);
      s.rps.push(r.rps);
    }
  }
} finally {
  for (const s of sides) await s.server.stop();
  await backend.stop();
  rmSync(dir, { recursive: true, force: true });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
console.log(`${path}, ${slices} slices of ${seconds} s each, alternating:`);
for (const s of sides) {
  console.log(`  ${s.name.padEnd(18)} CPU ${median(s.us).toFixed(0).padStart(4)} µs/req   ${Math.round(median(s.rps))} req/s`);
}
if (sides.length === 2) {
  const [gw, floor] = sides as [Side, Side];
  const cpu = median(gw.us.map((u, i) => u / floor.us[i]!));
  const rps = median(gw.rps.map((r, i) => r / floor.rps[i]!));
  console.log(`  gateway ÷ floor: CPU per request ${cpu.toFixed(2)}×, req/s ${rps.toFixed(2)}× (medians of the pairs)`);
}
