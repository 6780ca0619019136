import { readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cpuTimeMs } from './cpu.js';
import { load, type LoadOptions } from './load.js';
import { checkLog, precheck } from './precheck.js';
import type { ScenarioOutcome } from './report.js';
import type { Scenario } from './scenarios.js';
import { startServer, unavailable, type ServerContext } from './servers.js';

export interface RunSettings {
  load: LoadOptions;
  /** Folder for `--cpu-prof` output, when profiling. */
  profiles?: string;
  keepLogs: boolean;
}

export const slug = (s: Scenario) => s.name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();

/** Start the scenario's server, check its answer (and log), load it, check again, stop it. */
export async function runScenario(scenario: Scenario, ctx: ServerContext, settings: RunSettings, label = slug(scenario)): Promise<ScenarioOutcome> {
  const why = unavailable(scenario.server, ctx.root);
  if (why) return { scenario, status: 'skipped', note: why };
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(scenario.server, ctx, label);
  } catch (err) {
    return { scenario, status: 'failed', note: `did not start: ${(err as Error).message}` };
  }
  const url = `${server.url}${scenario.path}`;
  try {
    const logProblems = checkLog(server.logFile, scenario.logIncludes);
    if (logProblems.length > 0) throw new Error(logProblems.join('\n'));
    await precheck(url, scenario.expect);
    const result = await load(url, settings.load, () => cpuTimeMs(server.pid));
    // The answer must still be right after the load, not only before it.
    await precheck(url, scenario.expect).catch((err: Error) => {
      throw new Error(`after the load: ${err.message}`);
    });
    await server.stop();
    if (settings.profiles) keepMainProfile(settings.profiles, label);
    const logLines = scenario.group === 'gateway' ? countLines(server.logFile, settings.keepLogs) : undefined;
    return { scenario, status: 'ok', result, logLines };
  } catch (err) {
    return { scenario, status: 'failed', note: (err as Error).message };
  } finally {
    await server.stop();
  }
}

/**
 * `--import tsx` runs its loader on a second thread, which writes a profile of its own: keep the
 * largest (the main thread's) as `<profiles>/<label>.cpuprofile`.
 */
function keepMainProfile(profiles: string, label: string): void {
  const folder = join(profiles, label);
  try {
    const files = readdirSync(folder).map((f) => join(folder, f));
    const main = files.sort((a, b) => statSync(b).size - statSync(a).size)[0];
    if (main) renameSync(main, join(profiles, `${label}.cpuprofile`));
    rmSync(folder, { recursive: true, force: true });
  } catch {}
}

/** The gateway's log lines (its access log at info is part of what is measured); then drop the file. */
function countLines(file: string, keep: boolean): number | undefined {
  try {
    const lines = readFileSync(file, 'utf8').split('\n').length - 1;
    if (!keep) rmSync(file, { force: true });
    return lines;
  } catch {
    return undefined;
  }
}

/**
 * One outcome from several rounds: the round with the median req/s among those that ran; rounds
 * that failed stay visible in `failures` and the note (a gateway failure fails the error target).
 */
export function combineRounds(rounds: ScenarioOutcome[]): ScenarioOutcome {
  const ok = rounds.filter((o) => o.status === 'ok');
  if (ok.length === 0) return rounds[0]!;
  const sorted = [...ok].sort((a, b) => (a.result?.rps ?? 0) - (b.result?.rps ?? 0));
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const failures = rounds.filter((o) => o.status === 'failed').map((o) => o.note ?? 'failed');
  return {
    ...median,
    rounds: rounds.map((o) => (o.result ? Math.round(o.result.rps) : 0)),
    ...(failures.length > 0
      ? { failures, note: `${failures.length} of ${rounds.length} rounds failed: ${failures[0]}` }
      : {}),
  };
}
