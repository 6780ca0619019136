import { cpuTimeMs } from './cpu.js';
import { load } from './load.js';
import type { RunningServer } from './process.js';
import { startServer, unavailable, type ServerContext, type ServerKind } from './servers.js';

/**
 * Two servers measured side by side, with the machine's drift taken out: both run at once and
 * the load alternates between them in short slices (A B, B A, A B, …), so each pair of slices saw
 * the same machine. The ratios are medians of the per-pair ratios, B over A. On this shared
 * 2-core machine one server's req/s moves by ±30 % between runs minutes apart; a paired ratio
 * moves by a few per cent (docs/performance.md, "Side by side").
 */
export interface PairedSide {
  name: string;
  server: RunningServer;
  /** The path loaded on this server (`/small`, `/merge`, …). */
  path: string;
}

export interface SideFigures {
  name: string;
  /** Median over the slices. */
  rps: number;
  /** Median CPU µs per request over the slices, when /proc can tell. */
  cpuUsPerReq: number | undefined;
}

export interface PairedResult {
  a: SideFigures;
  b: SideFigures;
  /** Median of the per-pair req/s ratios, b ÷ a. */
  rpsRatio: number;
  /** Median of the per-pair CPU-per-request ratios, b ÷ a. */
  cpuRatio: number | undefined;
  slices: number;
  seconds: number;
}

export interface PairedOptions {
  slices: number;
  seconds: number;
  connections: number;
}

export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((x, y) => x - y);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export async function pairedSlices(a: PairedSide, b: PairedSide, options: PairedOptions): Promise<PairedResult> {
  const sides = [a, b];
  const rps: [number[], number[]] = [[], []];
  const us: [number[], number[]] = [[], []];
  const slice = { connections: options.connections, duration: options.seconds, warmup: 0 };
  // Warm both (JIT, pools) before anything is kept.
  for (const s of sides) await load(`${s.server.url}${s.path}`, { ...slice, duration: 2 });
  for (let i = 0; i < options.slices; i++) {
    for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) {
      const s = sides[k]!;
      const r = await load(`${s.server.url}${s.path}`, slice, () => cpuTimeMs(s.server.pid));
      if (r.errors > 0) throw new Error(`${s.name}: ${r.errors} errors in slice ${i + 1}`);
      // A server that stopped answering shows no error within a short slice (autocannon's
      // timeout is longer): no answer at all is a failure, not a ratio.
      if (r.requests === 0) throw new Error(`${s.name}: no answer in slice ${i + 1} of ${options.seconds} s`);
      rps[k as 0 | 1].push(r.rps);
      if (r.cpuUsPerReq !== undefined) us[k as 0 | 1].push(r.cpuUsPerReq);
    }
  }
  const figures = (k: 0 | 1): SideFigures => ({
    name: sides[k]!.name,
    rps: median(rps[k]),
    cpuUsPerReq: us[k].length === options.slices ? median(us[k]) : undefined,
  });
  const cpuKnown = us[0].length === options.slices && us[1].length === options.slices;
  return {
    a: figures(0),
    b: figures(1),
    rpsRatio: median(rps[1].map((r, i) => r / rps[0][i]!)),
    cpuRatio: cpuKnown ? median(us[1].map((u, i) => u / us[0][i]!)) : undefined,
    slices: options.slices,
    seconds: options.seconds,
  };
}

/** The target ratios measured side by side (`npm run bench`, after the table's scenarios). */
export interface PairedTargets {
  /** nginx /small (a) and the gateway's no-op /small (b). */
  noop?: PairedResult;
  /** nginx /small (a) and the gateway's two-backend merge (b). */
  merge?: PairedResult;
  /** The gateway's no-op (a) and the same with three handler plugins (b). */
  plugins?: PairedResult;
  /** nginx /small (a) and the required floor's no-op /small (b): what the no-op target allows. */
  noopFloor?: PairedResult;
  /** nginx /small (a) and the required floor's merge (b): what the merge target allows. */
  mergeFloor?: PairedResult;
  /** Why a pair was not measured. */
  skipped: string[];
}

export async function measurePairedTargets(ctx: ServerContext, options: PairedOptions): Promise<PairedTargets> {
  const out: PairedTargets = { skipped: [] };
  const started = new Map<ServerKind, RunningServer>();
  const server = async (kind: ServerKind): Promise<RunningServer | undefined> => {
    const why = unavailable(kind, ctx.root);
    if (why) {
      out.skipped.push(`${kind}: ${why}`);
      return undefined;
    }
    let s = started.get(kind);
    if (!s) {
      s = await startServer(kind, ctx, `paired-${kind}`);
      started.set(kind, s);
    }
    return s;
  };
  try {
    const nginx = await server('nginx');
    // Every ratio target is taken against nginx on /small.
    const besideNginx = (b: PairedSide) =>
      pairedSlices({ name: 'nginx /small', server: nginx!, path: '/small' }, b, options);
    const gateway = await server('gateway');
    if (nginx && gateway) {
      out.noop = await besideNginx({ name: 'gateway no-op', server: gateway, path: '/small' });
      out.merge = await besideNginx({ name: 'gateway merge', server: gateway, path: '/merge' });
    }
    const floor = await server('required-floor');
    if (nginx && floor) {
      out.noopFloor = await besideNginx({ name: 'required floor /small', server: floor, path: '/small' });
      out.mergeFloor = await besideNginx({ name: 'required floor merge', server: floor, path: '/merge' });
    }
    const plugins = await server('gateway-plugins');
    if (gateway && plugins) {
      out.plugins = await pairedSlices(
        { name: 'gateway no-op', server: gateway, path: '/small' },
        { name: 'gateway no-op + 3 plugins', server: plugins, path: '/small' },
        options,
      );
    }
  } finally {
    for (const s of started.values()) await s.stop();
  }
  return out;
}
