import assert from 'node:assert/strict';
import { request } from 'node:http';
import { WebSocket } from 'ws';
import { within } from '../../helpers/time.js';
import type { HostBackend } from './backend.js';

export { within };

export interface SseRead {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  events: string[];
  /** Closes the client's connection. */
  close(): void;
}

/** Opens `url` and resolves once `count` `data:` events arrived (bounded by `ms`). */
export function readSse(
  url: string,
  count = 2,
  ms = 10_000,
  headers: Record<string, string> = {},
): Promise<SseRead> {
  return new Promise((resolve, reject) => {
    const init = { agent: false, headers: { Accept: 'text/event-stream', ...headers } };
    const req = request(url, init, (res) => {
      let buffer = '';
      const events: string[] = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data: '));
          if (data.length) events.push(data.map((l) => l.slice(6)).join('\n'));
        }
        if (events.length >= count) {
          clearTimeout(timer);
          res.removeAllListeners('data');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            events: events.slice(0, count),
            close: () => req.destroy(),
          });
        }
      });
      res.on('error', () => {});
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no ${count} events from ${url} within ${ms} ms`));
    }, ms);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

/**
 * Sends `count` text and `count` binary messages over a WebSocket at `url` and resolves with
 * what came back, in order (the backend echoes). Bounded by `ms`.
 */
export function wsRoundTrip(
  url: string,
  count = 1000,
  ms = 20_000,
  options: { protocol?: string; rejectUnauthorized?: boolean } = {},
): Promise<{ texts: string[]; binaries: Buffer[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocol ? [options.protocol] : [], {
      rejectUnauthorized: options.rejectUnauthorized,
    });
    const texts: string[] = [];
    const binaries: Buffer[] = [];
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`WebSocket ${url}: ${texts.length} texts, ${binaries.length} binaries`));
    }, ms);
    ws.on('open', () => {
      for (let i = 0; i < count; i++) {
        ws.send(`text ${i}`);
        ws.send(Buffer.from([i & 0xff, (i >> 8) & 0xff, 0, 255]), { binary: true });
      }
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) binaries.push(Buffer.from(data as Buffer));
      else texts.push(String(data));
      if (texts.length === count && binaries.length === count) {
        clearTimeout(timer);
        ws.close();
        ws.once('close', () => resolve({ texts, binaries }));
      }
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** What {@link wsRoundTrip} should get back. */
export function expectedEcho(count = 1000): { texts: string[]; binaries: Buffer[] } {
  return {
    texts: Array.from({ length: count }, (_, i) => `text ${i}`),
    binaries: Array.from({ length: count }, (_, i) =>
      Buffer.from([i & 0xff, (i >> 8) & 0xff, 0, 255]),
    ),
  };
}


/**
 * A host's SSE check: `url` streams the backend's first two events before the backend finishes,
 * and closing the client makes the backend see its own stream close, after the client's and
 * within 1 s.
 */
export async function sseThenClose(url: string, backend: HostBackend): Promise<SseRead> {
  const n = backend.sseCount;
  const sse = await readSse(url);
  assert.deepEqual(sse.events, ['one', 'two']);
  const closedAt = Date.now();
  sse.close();
  const seen = await within(backend.sseClosed(n), 1000, 'backend saw the close');
  assert.ok(seen >= closedAt);
  return sse;
}
