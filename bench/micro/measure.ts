/**
 * A small fixed-time micro-benchmark loop: warm up, then run batches until `ms` have passed and
 * report the mean time per call. Results are kept in a sink so V8 cannot drop the work.
 */
export interface MicroResult {
  name: string;
  nsPerOp: number;
  opsPerSec: number;
}

let sink: unknown;

export function measure(name: string, fn: () => unknown, ms = Number(process.env.MICRO_MS ?? 1000)): MicroResult {
  // Batch size grows until one batch takes about a millisecond, so cheap and costly calls both
  // get a clock read that is small against the work; the first third of the time is warm-up.
  let batch = 1;
  for (;;) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) sink = fn();
    if (process.hrtime.bigint() - t >= 1_000_000n || batch >= 1 << 20) break;
    batch *= 2;
  }
  run(fn, batch, ms / 3);
  const { ops, ns } = run(fn, batch, ms);
  return { name, nsPerOp: ns / ops, opsPerSec: (1e9 * ops) / ns };
}

function run(fn: () => unknown, batch: number, ms: number): { ops: number; ns: number } {
  let ops = 0;
  const start = process.hrtime.bigint();
  const limit = start + BigInt(Math.round(ms * 1e6));
  let now = start;
  while (now < limit) {
    for (let i = 0; i < batch; i++) sink = fn();
    ops += batch;
    now = process.hrtime.bigint();
  }
  return { ops, ns: Number(now - start) };
}

export function printResults(title: string, results: MicroResult[]): void {
  const width = Math.max(...results.map((r) => r.name.length));
  console.log(`${title} (Node ${process.version})`);
  for (const r of results) {
    const ops = Math.round(r.opsPerSec).toLocaleString('en-US');
    console.log(`  ${r.name.padEnd(width)}  ${r.nsPerOp.toFixed(1).padStart(9)} ns/op  ${ops.padStart(13)} ops/s`);
  }
  if (sink === Symbol.for('never')) console.log(sink);
}
