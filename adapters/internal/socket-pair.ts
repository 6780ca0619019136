import { Duplex } from 'node:stream';

/**
 * One end of an in-memory socket: what one side writes, the other reads, with backpressure. An
 * abrupt destroy (before this side finished writing) destroys the peer too, as a reset would;
 * a clean end only ends the peer's readable side, so no buffered byte is lost.
 */
class SocketEnd extends Duplex {
  peer!: SocketEnd;
  /** The writer's callback while this side's read buffer is full. */
  private waiting: ((err?: Error | null) => void) | undefined;
  readonly remoteAddress = '127.0.0.1';
  readonly remoteFamily = 'IPv4';
  readonly remotePort = 0;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 0;

  override _read(): void {
    const cb = this.waiting;
    this.waiting = undefined;
    cb?.();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.peer.destroyed) return cb(new Error('socket closed'));
    if (this.peer.push(chunk)) cb();
    else this.peer.waiting = cb;
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (!this.peer.destroyed) this.peer.push(null);
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    const pending = this.waiting;
    this.waiting = undefined;
    pending?.(new Error('socket closed'));
    if (!this.writableFinished && !this.peer.destroyed) this.peer.destroy();
    cb(err);
  }

  // What node:http calls on real sockets; no-ops in memory.
  setTimeout(_ms: number, cb?: () => void): this {
    if (cb) this.once('timeout', cb);
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

/** Two connected in-memory sockets: `[client, server]`. */
export function socketPair(): [Duplex, Duplex] {
  const a = new SocketEnd();
  const b = new SocketEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
