import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * The shared keep-alive backend every scenario proxies to. Bodies are built once, so the backend
 * costs the same for every competitor and the ratios compare only what sits in front of it.
 */

/** `/small`: the ~200-byte JSON of DECISIONS.md 23. */
export const SMALL = {
  id: 42,
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  roles: ['admin', 'dev'],
  active: true,
  score: 97.5,
  address: { city: 'London', zip: 'NW1' },
  tags: ['math', 'engines'],
  created_at: '2024-01-01T00:00:00Z',
};

/** `/stats`: the second backend of the merge scenario. */
export const STATS = {
  views: 1234,
  likes: 56,
  internal: { shard: 7, node: 'b-3' },
  followers: 789,
  updated_at: '2024-06-01T12:00:00Z',
};

/** `/big`: a JSON array of about 100 KB. */
export const BIG = Array.from({ length: 476 }, (_, i) => ({
  id: i,
  name: `item-${String(i).padStart(4, '0')}`,
  price: Math.round(((i * 7919) % 10000) * 1.25) / 100,
  tags: ['alpha', 'beta', 'gamma'].slice(0, (i % 3) + 1),
  description: 'x'.repeat(130),
}));

const bodies = new Map<string, Buffer>([
  ['/small', Buffer.from(JSON.stringify(SMALL))],
  ['/stats', Buffer.from(JSON.stringify(STATS))],
  ['/big', Buffer.from(JSON.stringify(BIG))],
]);

export function bodyOf(path: '/small' | '/stats' | '/big'): Buffer {
  return bodies.get(path) as Buffer;
}

const notFound = Buffer.from('404 page not found\n');

export function backendHandler(req: IncomingMessage, res: ServerResponse): void {
  const q = req.url?.indexOf('?') ?? -1;
  const body = bodies.get(q === -1 ? (req.url ?? '/') : (req.url ?? '/').slice(0, q));
  // Drain any request body so the keep-alive connection stays usable.
  req.resume();
  if (!body) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': notFound.length });
    res.end(notFound);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
}

/** Long keep-alive so proxies' pooled sockets are never closed under them mid-run. */
export async function listenBackend(port = 0): Promise<Server> {
  const server = createServer(backendHandler);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await listenBackend();
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
