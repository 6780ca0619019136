import type { IncomingMessage } from 'node:http';
import { WebSocketServer } from 'ws';
import { startBackend, type TestBackend } from '../../helpers/backend.js';

export interface HostBackend extends TestBackend {
  /** Resolves with the time the backend saw the n-th `/sse` request close (0-based). */
  sseClosed(n: number): Promise<number>;
  /** How many `/sse` requests arrived. */
  readonly sseCount: number;
}

/**
 * The backend every host test proxies to: `/users/{id}` JSON, `/echo` (method, body, content
 * type), `/sse` (two events at once, then a comment every 200 ms until the client goes away),
 * and a WebSocket echo on `/ws`.
 */
export async function startHostBackend(): Promise<HostBackend> {
  const closes: { time?: number; waiters: ((t: number) => void)[] }[] = [];
  const slot = (n: number) => (closes[n] ??= { waiters: [] });
  const backend = await startBackend((req: IncomingMessage, res, body) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const user = /^\/users\/([^/]+)$/.exec(path);
    if (user) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: user[1], name: `User ${user[1]}`, secret: 'backend-only' }));
      return;
    }
    if (path === '/echo') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          method: req.method,
          contentType: req.headers['content-type'] ?? null,
          body: body.toString('utf8'),
        }),
      );
      return;
    }
    if (path === '/sse') {
      const n = closes.length;
      slot(n);
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.write('data: one\n\n');
      res.write('data: two\n\n');
      const timer = setInterval(() => res.write(': keep-alive\n\n'), 200);
      res.on('close', () => {
        clearInterval(timer);
        const s = slot(n);
        s.time = Date.now();
        for (const w of s.waiters.splice(0)) w(s.time);
      });
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('404 page not found\n');
  });
  const wss = new WebSocketServer({ noServer: true });
  backend.server.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/ws')) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
      ws.on('error', () => {});
    });
  });
  const close = backend.close;
  // Not Object.assign: it would copy `sseCount`'s value once (0) instead of the getter, and every
  // later `sseClosed(sseCount)` would wait on the first stream's close, long resolved.
  return Object.defineProperties(backend, {
    sseClosed: {
      value(n: number) {
        const s = slot(n);
        return s.time !== undefined
          ? Promise.resolve(s.time)
          : new Promise<number>((resolve) => s.waiters.push(resolve));
      },
    },
    sseCount: {
      get() {
        return closes.length;
      },
    },
    close: {
      async value() {
        for (const client of wss.clients) client.terminate();
        wss.close();
        await close();
      },
    },
  }) as HostBackend;
}
