import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { connectionListed, HOP_BY_HOP } from './headers.js';
import type { HeaderMap } from './types.js';

/**
 * Backend response headers added to the client response (KrakenD's `Header().Add`, so two
 * `Set-Cookie` stay two), minus hop-by-hop, `Trailer` and `Connection`-listed names, which also
 * keeps HTTP/2 responses free of connection-specific headers (reliability.md §1, §9).
 */
export function copyResponseHeaders(res: ServerResponse, headers: HeaderMap): void {
  const listed = connectionListed(headers['Connection']);
  for (const name in headers) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || listed?.has(lower)) continue;
    for (const value of headers[name]!) {
      try {
        res.appendHeader(name, value);
      } catch {
        // a header Node refuses to write is dropped, never a crash
      }
    }
  }
}

function ignore(): void {}

/**
 * Drops a backend body nobody will read (a `no-op` backend in a merge, a shadow, a losing
 * concurrent call). undici reports a plain `destroy()` of an unfinished body as an `'error'`
 * event (`RequestAbortedError`); without a listener that event ended the whole process.
 */
export function dropStream(io: Readable | undefined): void {
  if (io === undefined || io.destroyed) return;
  io.on('error', ignore);
  io.destroy();
}

export function validStatus(status: number): number {
  return Number.isInteger(status) && status >= 200 && status <= 999
    ? status
    : status === 0
      ? 200
      : 500;
}

/**
 * Streams a backend body to the client with backpressure. A backend that fails mid-body ends
 * the client connection at once (reliability.md §1.4); a client that leaves aborts the backend.
 */
export function streamToClient(io: Readable, res: ServerResponse): void {
  io.once('error', () => res.destroy());
  io.once('close', () => {
    if (!io.readableEnded && !res.writableEnded) res.destroy();
  });
  res.once('close', () => {
    if (!io.destroyed) io.destroy();
  });
  io.pipe(res);
}
