import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeGatewayConfigs } from './lib/configs.js';
import type { LoadOptions } from './lib/load.js';
import { measurePairedTargets, type PairedTargets } from './lib/paired.js';
import { performanceDoc, readmeWithTable } from './lib/performance-doc.js';
import { addRatios, evaluateTargets, machine, markdown, type ScenarioOutcome } from './lib/report.js';
import { combineRounds, runScenario, slug } from './lib/run-scenario.js';
import { SCENARIOS } from './lib/scenarios.js';
import { startBackend, type ServerContext } from './lib/servers.js';
import { corpusConfig, measureStartup, type StartupResult } from './lib/startup.js';

const USAGE = `npm run bench -- [options]
  -d, --duration S      seconds measured per scenario (default 5)
  -c, --connections N   autocannon connections (default 32)
  -w, --warmup S        seconds of unmeasured load first (default 1)
  -r, --rounds N        run every scenario N times, interleaved; report the median (default 1)
  --only TEXT           run the scenarios whose name contains TEXT (repeatable)
  --cpu-prof            write a CPU profile of each Node server to bench/results/profiles/
                        (summarise with: node --import tsx bench/profile.ts FILE --inclusive)
  --startup-runs N      start-up measurements of the corpus config (default 5; 0 skips)
  --pairs N             slices of the paired target runs (nginx beside the no-op, the merge and
                        the required floor's two paths, the no-op beside its three-plugin twin;
                        default 8; 0 skips; not with --only)
  --docs                also write the table to docs/performance.md and the README
  --keep                keep the temp dir (configs, server logs)`;

const { values } = parseArgs({
  options: {
    duration: { type: 'string', short: 'd', default: '5' },
    connections: { type: 'string', short: 'c', default: '32' },
    warmup: { type: 'string', short: 'w', default: '1' },
    rounds: { type: 'string', short: 'r', default: '1' },
    only: { type: 'string', multiple: true },
    'cpu-prof': { type: 'boolean', default: false },
    'startup-runs': { type: 'string', default: '5' },
    pairs: { type: 'string', default: '8' },
    docs: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const num = (name: string, text: string, min: number) => {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min) {
    console.error(`--${name} wants a number ≥ ${min}\n\n${USAGE}`);
    process.exit(2);
  }
  return n;
};
const options: LoadOptions = {
  duration: num('duration', values.duration, 1),
  connections: num('connections', values.connections, 1),
  warmup: num('warmup', values.warmup, 0),
};
const rounds = num('rounds', values.rounds, 1);
const startupRuns = num('startup-runs', values['startup-runs'], 0);
const pairs = num('pairs', values.pairs, 0);

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, 'bench', 'results');
const profiles = values['cpu-prof'] ? join(results, 'profiles') : undefined;
mkdirSync(results, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'kc-bench-'));
const m = machine();
const selected = SCENARIOS.filter((s) => !values.only || values.only.some((o) => s.name.includes(o)));

const backend = await startBackend(root, dir);
const ctx: ServerContext = {
  root,
  dir,
  backendUrl: backend.url,
  configs: writeGatewayConfigs(dir, backend.url),
  nodeArgs: profiles ? (_kind, label) => ['--cpu-prof', `--cpu-prof-dir=${join(profiles, label)}`] : undefined,
};
const settings = { load: options, profiles, keepLogs: values.keep };

console.log(
  `backend ${backend.url}; ${selected.length} scenarios × ${rounds} round(s), c=${options.connections}, ` +
    `${options.warmup} s warm-up + ${options.duration} s each`,
);
const byScenario = new Map(selected.map((s) => [s, [] as ScenarioOutcome[]]));
let paired: PairedTargets | undefined;
try {
  for (let round = 1; round <= rounds; round++) {
    for (const scenario of selected) {
      const label = rounds > 1 ? `${slug(scenario)}-r${round}` : slug(scenario);
      const outcome = await runScenario(scenario, ctx, settings, label);
      byScenario.get(scenario)?.push(outcome);
      console.log(`${scenario.name}${rounds > 1 ? ` (round ${round})` : ''}: ${describe(outcome)}`);
    }
  }
  if (pairs > 0 && !values.only) {
    const pairOptions = { slices: pairs, seconds: Math.min(options.duration, 2), connections: options.connections };
    try {
      paired = await measurePairedTargets({ ...ctx, nodeArgs: undefined }, pairOptions);
      for (const r of [paired.noop, paired.merge, paired.noopFloor, paired.mergeFloor, paired.plugins]) {
        if (r) console.log(`paired: ${r.b.name} ÷ ${r.a.name}: req/s ${r.rpsRatio.toFixed(2)}× (${r.slices} slices)`);
      }
      for (const why of paired.skipped) console.log(`paired: skipped ${why}`);
    } catch (err) {
      console.log(`paired: failed: ${(err as Error).message}`);
    }
  }
} finally {
  await backend.stop();
}
const outcomes = [...byScenario.values()].map(combineRounds);

let startup: StartupResult | undefined;
const corpus = corpusConfig(root);
if (startupRuns > 0 && !values.only) {
  if (corpus) {
    try {
      startup = await measureStartup(root, corpus, startupRuns);
      console.log(`start-up: median ${startup.median} ms (${startup.runs.join(', ')}) via ${startup.runner}`);
    } catch (err) {
      console.log(`start-up: failed: ${(err as Error).message}`);
    }
  } else {
    console.log('start-up: skipped, ../shared/corpus/krakend-configs/002-*.json is not beside the repo');
  }
}

addRatios(outcomes);
const targets = evaluateTargets(outcomes, startup, paired);
const table = markdown(outcomes, targets, startup, m, options, rounds, paired);
console.log(`\n${table}`);
const report = {
  date: new Date().toISOString(),
  machine: m,
  options: { ...options, rounds },
  scenarios: outcomes.map((o) => ({
    name: o.scenario.name,
    server: o.scenario.server,
    path: o.scenario.path,
    status: o.status,
    note: o.note,
    vsNginx: o.vsNginx,
    vsHpm: o.vsHpm,
    logLines: o.logLines,
    rounds: o.rounds,
    failures: o.failures,
    ...o.result,
  })),
  startup: startup && { ...startup, config: relative(root, startup.config) },
  paired,
  targets,
};
writeFileSync(join(results, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(results, 'bench.md'), table);
if (values.docs) {
  const doc = join(root, 'docs', 'performance.md');
  writeFileSync(doc, performanceDoc(table, doc));
  const readme = join(root, 'README.md');
  writeFileSync(readme, readmeWithTable(readFileSync(readme, 'utf8'), table));
}
console.log(`wrote ${relative(root, join(results, 'bench.json'))}${values.docs ? ', docs/performance.md and README.md' : ''}`);
if (values.keep) console.log(`kept ${dir}`);
else rmSync(dir, { recursive: true, force: true });

function describe(o: ScenarioOutcome): string {
  if (!o.result) return `${o.status}: ${o.note}`;
  const r = o.result;
  return (
    `${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.errors} errors` +
    `${r.cpuUsPerReq === undefined ? '' : `, ${r.cpuUsPerReq} µs CPU/req`}` +
    `${o.logLines === undefined ? '' : `, ${o.logLines} log lines`}`
  );
}
