import { createRequire } from 'node:module';

interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  pipelining?: number;
  timeout?: number;
}

interface Histogram {
  average: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

interface AutocannonResult {
  requests: Histogram & { total: number; sent: number };
  latency: Histogram;
  throughput: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
  resets: number;
}

interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, status: number | string, bytes: number, ms: number) => void): void;
}

const autocannon = createRequire(import.meta.url)('autocannon') as (
  opts: AutocannonOptions,
  done: (err: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

/**
 * One autocannon run. Latencies are also kept here, at autocannon's own µs precision: its
 * histogram rounds them to whole milliseconds, which on a sub-millisecond p50 says nothing of
 * the spread the p99/p50 target is about.
 */
function run(opts: AutocannonOptions, latencies?: number[]): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
    if (latencies) {
      instance.on('response', (_client, status, _bytes, ms) => {
        const code = Number(status);
        if (code >= 200 && code < 300) latencies.push(ms);
      });
    }
  });
}

/** The p-th percentile (nearest rank) of sorted values, in ms rounded to 0.01. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i]! * 100) / 100;
}

export interface LoadOptions {
  connections: number;
  /** Seconds measured. */
  duration: number;
  /** Seconds of load before the measured run, so JIT warm-up is not counted. */
  warmup: number;
}

export interface LoadResult {
  /** Mean requests per second over the measured run. */
  rps: number;
  /** Latency percentiles of the 2xx answers in ms, to 0.01 ms. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  requests: number;
  /** Socket errors (timeouts included, as autocannon counts them) + non-2xx answers. */
  errors: number;
  detail: { errors: number; timeouts: number; non2xx: number; resets: number };
  /** Mean response bytes per second. */
  bytesPerSec: number;
  /** Server CPU time (user + system) per request during the measured run, µs. */
  cpuUsPerReq?: number;
}

/**
 * autocannon with fixed connections and duration, one request per connection at a time.
 * `cpuMs` reads the server's CPU time, sampled around the measured run only.
 */
export async function load(url: string, options: LoadOptions, cpuMs?: () => number | undefined): Promise<LoadResult> {
  const base = { url, connections: options.connections, pipelining: 1, timeout: 10 };
  if (options.warmup > 0) await run({ ...base, duration: options.warmup });
  const latencies: number[] = [];
  const cpuBefore = cpuMs?.();
  const r = await run({ ...base, duration: options.duration }, latencies);
  const cpuAfter = cpuMs?.();
  const sorted = Float64Array.from(latencies).sort();
  const cpu = cpuBefore !== undefined && cpuAfter !== undefined && r.requests.total > 0
    ? Math.round(((cpuAfter - cpuBefore) * 1000) / r.requests.total)
    : undefined;
  return {
    rps: r.requests.average,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: percentile(sorted, 100),
    requests: r.requests.total,
    errors: r.errors + r.non2xx,
    detail: { errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx, resets: r.resets },
    bytesPerSec: r.throughput.average,
    cpuUsPerReq: cpu,
  };
}
