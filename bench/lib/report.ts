import { cpus, loadavg, release, totalmem } from 'node:os';
import type { LoadOptions, LoadResult } from './load.js';
import type { PairedResult, PairedTargets } from './paired.js';
import type { Scenario } from './scenarios.js';
import type { StartupResult } from './startup.js';

export interface ScenarioOutcome {
  scenario: Scenario;
  status: 'ok' | 'skipped' | 'failed';
  note?: string;
  result?: LoadResult;
  /** rps ÷ the nginx (resp. HPM) rps on the same backend path, when both ran. */
  vsNginx?: number;
  vsHpm?: number;
  /** Lines the server logged during its run (the gateway's access log is part of the cost). */
  logLines?: number;
  /** req/s of each round, when the scenario ran more than once (0: the round failed). */
  rounds?: number[];
  /** Why rounds failed, when some did and others ran. */
  failures?: string[];
}

export interface Target {
  goal: string;
  actual: string;
  /** undefined when it could not be measured in this run. */
  met?: boolean;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  kernel: string;
  /** 1-minute load average when the run started (the machine may be shared). */
  loadAvg: number;
}

export function machine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: release(),
    loadAvg: Math.round(loadavg()[0] * 100) / 100,
  };
}

/** Fills each outcome's ratios from the nginx and HPM rows on the same backend path. */
export function addRatios(outcomes: ScenarioOutcome[]): void {
  const rpsOf = (server: string, path: string) =>
    outcomes.find((o) => o.scenario.server === server && o.scenario.path === path && o.status === 'ok')?.result?.rps;
  for (const o of outcomes) {
    if (!o.result) continue;
    const nginx = rpsOf('nginx', o.scenario.ref);
    const hpm = rpsOf('hpm', o.scenario.ref);
    if (nginx) o.vsNginx = o.result.rps / nginx;
    if (hpm) o.vsHpm = o.result.rps / hpm;
  }
}

export function evaluateTargets(
  outcomes: ScenarioOutcome[],
  startup: StartupResult | undefined,
  paired?: PairedTargets,
): Target[] {
  const get = (name: string) => outcomes.find((o) => o.scenario.name === name && o.status === 'ok');
  const noop = get('gateway no-op');
  const merge = get('gateway merge');
  const plugins = get('gateway no-op + 3 plugins');
  const gateways = outcomes.filter((o) => o.scenario.group === 'gateway');
  const ran = gateways.filter((o) => o.result);
  const targets: Target[] = [
    ratio(noop?.vsNginx, 0.7, 'no-op ≥ 0.7× nginx', 'no-op or nginx: '),
    ratio(noop?.vsHpm, 4, 'no-op ≥ 4× http-proxy-middleware', 'no-op or HPM: '),
    ratio(merge?.vsNginx, 0.3, 'merge ≥ 0.3× nginx /small (ruled in place of 0.5×)', 'merge or nginx: '),
    pluginCost(
      noop?.result && plugins?.result ? 1 - plugins.result.rps / noop.result.rps : undefined,
      'three plugins cost ≤ 10 %',
    ),
  ];
  const failed = gateways
    .filter((o) => o.status === 'failed' || (o.failures?.length ?? 0) > 0)
    .map((o) => o.scenario.name);
  const withErrors = ran.filter((o) => (o.result?.errors ?? 0) > 0).map((o) => o.scenario.name);
  targets.push({
    goal: 'zero errors in every gateway scenario',
    actual: ran.length === 0 ? 'not measured' : [...failed.map((n) => `${n} failed`), ...withErrors].join(', ') || `0 in ${ran.length} scenarios`,
    met: ran.length === 0 ? undefined : failed.length === 0 && withErrors.length === 0,
  });
  const spread = ran.filter((o) => (o.result as LoadResult).p99 >= 5 * (o.result as LoadResult).p50);
  targets.push({
    goal: 'p99 < 5× p50 in every gateway scenario',
    actual: ran.length === 0 ? 'not measured' : spread.map((o) => `${o.scenario.name} ${o.result?.p99}/${o.result?.p50} ms`).join(', ') || `all ${ran.length}`,
    met: ran.length === 0 ? undefined : spread.length === 0,
  });
  targets.push(
    startup
      ? { goal: 'startup of corpus 002 (46 backends) < 300 ms', actual: `${startup.median} ms median (min ${startup.min})`, met: startup.median < 300 }
      : { goal: 'startup of corpus 002 (46 backends) < 300 ms', actual: 'not measured' },
  );
  if (paired) targets.push(...pairedTargets(paired));
  return targets;
}

/**
 * The three ratio targets again, each from its two servers running at once with the load
 * alternating between them (bench/lib/paired.ts): the same quantity without the machine's drift
 * between scenarios, which on this machine moves a one-run ratio by ±30 %.
 */
function pairedTargets(p: PairedTargets): Target[] {
  return [
    ratio(p.noop?.rpsRatio, 0.7, 'no-op ≥ 0.7× nginx, paired', '', floorNote(p.noopFloor)),
    ratio(p.merge?.rpsRatio, 0.3, 'merge ≥ 0.3× nginx /small, paired', '', floorNote(p.mergeFloor)),
    pluginCost(p.plugins && 1 - p.plugins.rpsRatio, 'three plugins cost ≤ 10 %, paired'),
  ];
}

/** What the required floor (bench/servers/required-floor.ts) reached on the same target, paired. */
function floorNote(floor: PairedResult | undefined): string {
  return floor ? ` (required floor ${floor.rpsRatio.toFixed(2)}×)` : '';
}

/** A ratio target: met at `goal` or above; `missing` names what was not measured. */
function ratio(x: number | undefined, goal: number, goalText: string, missing = '', note = ''): Target {
  return x === undefined
    ? { goal: goalText, actual: `${missing}not measured` }
    : { goal: goalText, actual: `${x.toFixed(2)}×${note}`, met: x >= goal };
}

/** The plugin chain's cost, a fraction of the plugin-free no-op's req/s: met at 10 % or less. */
function pluginCost(cost: number | undefined, goalText: string): Target {
  return cost === undefined
    ? { goal: goalText, actual: 'not measured' }
    : { goal: goalText, actual: `${(cost * 100).toFixed(1)} %`, met: cost <= 0.1 };
}

const cell = (text = '') => text.split('\n')[0].replace(/\|/g, '\\|');
const fmt = (n: number | undefined, digits = 2) => (n === undefined ? '–' : n.toFixed(digits));

export function markdown(
  outcomes: ScenarioOutcome[],
  targets: Target[],
  startup: StartupResult | undefined,
  m: Machine,
  options: LoadOptions,
  rounds = 1,
  paired?: PairedTargets,
): string {
  const lines = [
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, Linux ${m.kernel}` +
      ` (load average ${m.loadAvg} at start). autocannon: ${options.connections} connections,` +
      ` ${options.duration} s per scenario after ${options.warmup} s warm-up` +
      `${rounds > 1 ? `, median of ${rounds} interleaved rounds` : ''}, load generator on the same machine.`,
    '',
    '| scenario | req/s | × nginx | × HPM | p50 ms | p99 ms | errors | CPU µs/req | note |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const o of outcomes) {
    const r = o.result;
    lines.push(
      `| ${o.scenario.name} | ${r ? Math.round(r.rps) : '–'} | ${fmt(o.vsNginx)} | ${fmt(o.vsHpm)} | ` +
        `${r ? r.p50 : '–'} | ${r ? r.p99 : '–'} | ${r ? r.errors : '–'} | ${r?.cpuUsPerReq ?? '–'} | ` +
        `${o.status === 'ok' ? cell(o.note) : `${o.status}: ${cell(o.note)}`} |`,
    );
  }
  if (startup) {
    lines.push('', `Start-up (process start to \`listening on\`, ${startup.runner}, ${startup.runs.length} runs): ` +
      `median ${startup.median} ms, min ${startup.min} ms.`);
  }
  const pair = paired?.noop ?? paired?.merge ?? paired?.plugins;
  if (pair) {
    lines.push('', `Paired: the two servers of each "paired" target row run at once and the load alternates ` +
      `between them in ${pair.slices} slices of ${pair.seconds} s; the ratio is the median of the per-pair req/s ratios.`);
  }
  if (paired?.noopFloor || paired?.mergeFloor) {
    lines.push('', `"required floor" is \`bench/servers/required-floor.ts\` paired with nginx the same way: a ` +
      `hand-written Node server for just these paths that does only what the gateway must (deadline, access line, ` +
      `KrakenD's headers, Server-Timing, exact-number JSON with Go's key order), with no router or pipe.`);
  }
  lines.push('', '| target | this run | met |', '|---|---|---|');
  for (const t of targets) lines.push(`| ${t.goal} | ${t.actual} | ${t.met === undefined ? '–' : t.met ? 'yes' : 'no'} |`);
  return `${lines.join('\n')}\n`;
}
