import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeGatewayConfigs } from './lib/configs.js';
import { load, type LoadOptions } from './lib/load.js';
import { precheck } from './lib/precheck.js';
import { spawnServer } from './lib/process.js';
import { addRatios, evaluateTargets, machine, markdown, type ScenarioOutcome } from './lib/report.js';
import { SCENARIOS, type Scenario } from './lib/scenarios.js';
import { startServer, unavailable, type ServerContext, type ServerKind } from './lib/servers.js';
import { corpusConfig, measureStartup, type StartupResult } from './lib/startup.js';

const USAGE = `npm run bench -- [options]
  -d, --duration S      seconds measured per scenario (default 5)
  -c, --connections N   autocannon connections (default 32)
  -w, --warmup S        seconds of unmeasured load first (default 1)
  --only TEXT           run the scenarios whose name contains TEXT (repeatable)
  --cpu-prof            write a CPU profile of each gateway process to bench/results/profiles/
  --startup-runs N      start-up measurements of the corpus config (default 5; 0 skips)
  --docs                also write the table to docs/performance.md
  --keep                keep the temp dir (configs, server logs)`;

const { values } = parseArgs({
  options: {
    duration: { type: 'string', short: 'd', default: '5' },
    connections: { type: 'string', short: 'c', default: '32' },
    warmup: { type: 'string', short: 'w', default: '1' },
    only: { type: 'string', multiple: true },
    'cpu-prof': { type: 'boolean', default: false },
    'startup-runs': { type: 'string', default: '5' },
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
const startupRuns = num('startup-runs', values['startup-runs'], 0);

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, 'bench', 'results');
const profiles = join(results, 'profiles');
mkdirSync(results, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'kc-bench-'));
const m = machine();
const slug = (s: Scenario) => s.name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
const selected = SCENARIOS.filter((s) => !values.only || values.only.some((o) => s.name.includes(o)));

const backend = await spawnServer(process.execPath, ['--import', 'tsx', join(root, 'bench', 'targets', 'backend.ts')], {
  cwd: root,
  logFile: join(dir, 'backend.log'),
});
const ctx: ServerContext = {
  root,
  dir,
  backendUrl: backend.url,
  configs: writeGatewayConfigs(dir, backend.url),
  nodeArgs: values['cpu-prof']
    ? (kind: ServerKind, label: string) =>
        kind === 'gateway' || kind === 'gateway-plugins' || kind === 'express-adapter'
          ? ['--cpu-prof', `--cpu-prof-dir=${profiles}`, `--cpu-prof-name=${label}.cpuprofile`]
          : []
    : undefined,
};

console.log(`backend ${backend.url}; ${selected.length} scenarios, c=${options.connections}, ${options.duration} s each`);
const outcomes: ScenarioOutcome[] = [];
try {
  for (const scenario of selected) outcomes.push(await runScenario(scenario));
} finally {
  await backend.stop();
}

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
const targets = evaluateTargets(outcomes, startup);
const table = markdown(outcomes, targets, startup, m, options);
console.log(`\n${table}`);
const report = {
  date: new Date().toISOString(),
  machine: m,
  options,
  scenarios: outcomes.map((o) => ({
    name: o.scenario.name,
    server: o.scenario.server,
    path: o.scenario.path,
    status: o.status,
    note: o.note,
    vsNginx: o.vsNginx,
    vsHpm: o.vsHpm,
    logLines: o.logLines,
    ...o.result,
  })),
  startup: startup && { ...startup, config: relative(root, startup.config) },
  targets,
};
writeFileSync(join(results, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(results, 'bench.md'), table);
if (values.docs) writeFileSync(join(root, 'docs', 'performance.md'), performanceDoc(table));
console.log(`wrote ${relative(root, join(results, 'bench.json'))}${values.docs ? ' and docs/performance.md' : ''}`);
if (values.keep) console.log(`kept ${dir}`);
else rmSync(dir, { recursive: true, force: true });

async function runScenario(scenario: Scenario): Promise<ScenarioOutcome> {
  const why = unavailable(scenario.server, root);
  if (why) {
    console.log(`${scenario.name}: skipped, ${why}`);
    return { scenario, status: 'skipped', note: why };
  }
  const url = () => `${server.url}${scenario.path}`;
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(scenario.server, ctx, slug(scenario));
  } catch (err) {
    console.log(`${scenario.name}: failed to start: ${(err as Error).message}`);
    return { scenario, status: 'failed', note: `did not start: ${(err as Error).message}` };
  }
  try {
    await precheck(url(), scenario.expect);
    const result = await load(url(), options);
    // The answer must still be right after the load, not only before it.
    await precheck(url(), scenario.expect);
    await server.stop();
    const logLines = scenario.group === 'gateway' ? countLogLines(server.logFile) : undefined;
    console.log(
      `${scenario.name}: ${Math.round(result.rps)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
        `${result.errors} errors${logLines === undefined ? '' : `, ${logLines} log lines`}`,
    );
    return { scenario, status: 'ok', result, logLines };
  } catch (err) {
    console.log(`${scenario.name}: failed: ${(err as Error).message}`);
    return { scenario, status: 'failed', note: (err as Error).message };
  } finally {
    await server.stop();
  }
}

/** The gateway's log lines (its access log at info is part of what is measured), then drop the file. */
function countLogLines(file: string): number | undefined {
  try {
    const lines = readFileSync(file, 'utf8').split('\n').length - 1;
    if (!values.keep) rmSync(file, { force: true });
    return lines;
  } catch {
    return undefined;
  }
}

function performanceDoc(body: string): string {
  return `# Performance

Measured by \`npm run bench\` (\`bench/run.ts\`): every server in its own process on 127.0.0.1, one
shared keep-alive backend (\`bench/targets/backend.ts\`: \`/small\` is 210 bytes of JSON, \`/big\`
100 KB), a correctness pre-check of each answer before and after its load, then autocannon with
fixed connections and duration. nginx is Debian's, one worker, upstream keep-alive, no access log.
The gateway runs through its CLI (\`krakend-connect run\`, pino at info, one access-log line per
request, written to a file); "in Express" mounts it with \`krakend-connect/express\`. Ratios are
req/s divided by nginx's and http-proxy-middleware's (HPM 3 on Express 5 with its defaults) on the
same backend path. One run on a shared machine: expect a few percent of noise between runs.

${body}`;
}
