import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeGatewayConfigs } from './lib/configs.js';
import { pairedSlices, type PairedResult } from './lib/paired.js';
import type { RunningServer } from './lib/process.js';
import { startBackend, startServer, type ServerContext, type ServerKind } from './lib/servers.js';

/**
 * The gateway beside its floor, with the machine's drift taken out: both servers run at once and
 * the load alternates between them in short slices, so each pair of slices saw the same machine
 * (bench/lib/paired.ts). Prints each server's median CPU µs per request and req/s, and the
 * median of the per-pair ratios (docs/performance.md, "Side by side").
 *
 * `--floor required` pairs the gateway with bench/servers/required-floor.ts instead of the bare
 * floor: a hand-written server doing only the work the gateway must do on that path.
 *
 *   npm run bench:pair -- [--path /small|/merge|/json] [--floor bare|required] [--slices N] [--seconds S]
 */
const { values } = parseArgs({
  options: {
    path: { type: 'string', default: '/small' },
    slices: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '2' },
    floor: { type: 'string', default: 'bare' },
  },
  strict: true,
});
const FLOORS: Record<string, ServerKind> = { '/small': 'undici-floor', '/big': 'undici-floor', '/merge': 'merge-floor' };
const REQUIRED: Record<string, ServerKind> = { '/small': 'required-floor', '/merge': 'required-floor' };
const FLOOR_NAMES: Partial<Record<ServerKind, string>> = {
  'undici-floor': 'bare undici proxy',
  'merge-floor': 'bare undici merge',
  'required-floor': 'required floor',
};
const path = values.path;
if (values.floor !== 'bare' && values.floor !== 'required') {
  console.error(`--floor must be bare or required, not ${values.floor}`);
  process.exit(2);
}
const floorKind = (values.floor === 'required' ? REQUIRED : FLOORS)[path];
const slices = Math.max(1, Number(values.slices));
const seconds = Math.max(1, Number(values.seconds));

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'kc-pair-'));
const backend = await startBackend(root, dir);
const ctx: ServerContext = { root, dir, backendUrl: backend.url, configs: writeGatewayConfigs(dir, backend.url) };

let result: PairedResult | undefined;
const running: RunningServer[] = [];
try {
  const gateway = await startServer('gateway', ctx, 'pair-gateway');
  running.push(gateway);
  if (floorKind) {
    const floor = await startServer(floorKind, ctx, `pair-${floorKind}`);
    running.push(floor);
    const name = FLOOR_NAMES[floorKind] ?? floorKind;
    result = await pairedSlices({ name, server: floor, path }, { name: 'gateway', server: gateway, path }, { slices, seconds, connections: 32 });
  } else {
    console.log(`no floor for ${path}: nothing to pair the gateway with`);
  }
} finally {
  for (const s of running) await s.stop();
  await backend.stop();
  rmSync(dir, { recursive: true, force: true });
}

if (result) {
  console.log(`${path}, ${slices} slices of ${seconds} s each, alternating:`);
  for (const s of [result.b, result.a]) {
    console.log(`  ${s.name.padEnd(18)} CPU ${(s.cpuUsPerReq ?? Number.NaN).toFixed(0).padStart(4)} µs/req   ${Math.round(s.rps)} req/s`);
  }
  const cpu = result.cpuRatio === undefined ? '–' : `${result.cpuRatio.toFixed(2)}×`;
  console.log(`  gateway ÷ floor: CPU per request ${cpu}, req/s ${result.rpsRatio.toFixed(2)}× (medians of the pairs)`);
}
