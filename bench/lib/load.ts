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

const autocannon = createRequire(import.meta.url)('autocannon') as (
  opts: AutocannonOptions,
) => Promise<AutocannonResult>;

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
  /** Latency percentiles in ms (autocannon's HDR histogram, 1 ms resolution). */
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
  if (options.warmup > 0) await autocannon({ ...base, duration: options.warmup });
  const cpuBefore = cpuMs?.();
  const r = await autocannon({ ...base, duration: options.duration });
  const cpuAfter = cpuMs?.();
  const cpu = cpuBefore !== undefined && cpuAfter !== undefined && r.requests.total > 0
    ? Math.round(((cpuAfter - cpuBefore) * 1000) / r.requests.total)
    : undefined;
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    requests: r.requests.total,
    errors: r.errors + r.non2xx,
    detail: { errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx, resets: r.resets },
    bytesPerSec: r.throughput.average,
    cpuUsPerReq: cpu,
  };
}
