import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenLoopback } from './server.js';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  body: Buffer;
}

export interface TestBackend {
  url: string;
  port: number;
  server: Server;
  /** Every request the backend received, in order. */
  seen: SeenRequest[];
  close(): Promise<void>;
}

export type BackendHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
) => void | Promise<void>;

/** A real HTTP backend on 127.0.0.1, port 0, recording what it receives. */
export async function startBackend(handler: BackendHandler): Promise<TestBackend> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body,
      });
      Promise.resolve(handler(req, res, body)).catch((err) => {
        res.statusCode = 599;
        res.end(String(err));
      });
    });
  });
  const port = await listenLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    seen,
    close: () => closeServer(server),
  };
}

/** A JSON backend: path → body (object) or [status, body, headers]. */
export function jsonRoutes(
  routes: Record<string, unknown | [number, unknown, Record<string, string>?]>,
): BackendHandler {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const hit = routes[path];
    if (hit === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
      return;
    }
    const [status, body, headers] = Array.isArray(hit) && typeof hit[0] === 'number'
      ? (hit as [number, unknown, Record<string, string>?])
      : [200, hit, undefined];
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}
