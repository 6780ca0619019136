import type { DestinationStream } from 'pino';

/** What is used of the sonic-boom that `pino.destination()` returns. */
export interface BatchTarget {
  write(text: string): boolean;
  flush(cb?: (err?: Error) => void): void;
  flushSync(): void;
}

/**
 * Log lines gathered in front of sonic-boom and handed to it ~4 KB at a time (and at least every
 * 100 ms). sonic-boom's own `minLength` batching appends every line to its last string and then
 * measures that string (`Buffer.byteLength`), which flattens it: at 4 KB batches that is ~2 KB
 * copied and scanned per line, the largest allocation of a no-op request (docs/performance.md).
 * Here a line is one array push; the batch is joined once.
 *
 * Order is kept (pino's lines and the access log's go through the same batch). `flush` and
 * `flushSync` hand the batch over first, and so does process exit. The logger gives it a
 * synchronous sonic-boom: an asynchronous one could still have a batch in flight at exit, which
 * then landed after the lines written on the way out.
 */
export class LineBatch implements DestinationStream {
  private lines: string[] = [];
  private size = 0;
  private timer: NodeJS.Timeout | undefined = undefined;

  constructor(
    private readonly out: BatchTarget,
    private readonly bytes = 4096,
    private readonly everyMs = 100,
  ) {
    onExit(this);
  }

  write(line: string): boolean {
    this.lines.push(line);
    this.size += line.length;
    if (this.size >= this.bytes) this.handOver();
    else if (this.timer === undefined) this.timer = setTimeout(handOverLater, this.everyMs, this).unref();
    return true;
  }

  /** Everything gathered goes to sonic-boom now, which writes it (synchronously, from the logger). */
  handOver(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.lines.length === 0) return;
    const text = this.lines.length === 1 ? this.lines[0]! : this.lines.join('');
    this.lines = [];
    this.size = 0;
    this.out.write(text);
  }

  /** pino's `logger.flush(cb)`. */
  flush(cb?: (err?: Error) => void): void {
    this.handOver();
    this.out.flush(cb);
  }

  /** pino calls it after a `fatal` line. */
  flushSync(): void {
    this.handOver();
    this.out.flushSync();
  }
}

function handOverLater(batch: LineBatch): void {
  batch.handOver();
}

/**
 * One exit listener for every batch, put before any other (pino's own, for an asynchronous
 * sonic-boom, writes that one's buffer). Weak references, as pino's registry keeps: a logger
 * that is dropped is not held alive by this list.
 */
const live = new Set<WeakRef<LineBatch>>();
let listening = false;

function onExit(batch: LineBatch): void {
  if (!listening) {
    listening = true;
    process.prependListener('exit', handOverAll);
  }
  for (const ref of live) if (ref.deref() === undefined) live.delete(ref);
  live.add(new WeakRef(batch));
}

function handOverAll(): void {
  for (const ref of live) ref.deref()?.handOver();
}
