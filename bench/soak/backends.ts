import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The soak's services, healthy and half-broken, on one loopback port: fast JSON, slow JSON,
 * a stall that never answers, a reset mid-body, invalid JSON, a 1 MiB download, an upload sink,
 * a short event stream.
 */
export interface SoakBackend {
  url: string;
  close(): Promise<void>;
}

const BIG = Buffer.alloc(1024 * 1024, 0x61);

export async function startSoakBackend(): Promise<SoakBackend> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (body: string, status = 200): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(body);
    };
    switch (path) {
      case '/ok':
        return json('{"ok":true}');
      case '/slow':
        return void setTimeout(() => !res.destroyed && json('{"slow":true}'), 100);
      case '/stall':
        return; // never answers; the gateway's timeout must
      case '/reset':
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 100 });
        res.write('{"partial":');
        return void setTimeout(() => req.socket.resetAndDestroy(), 10);
      case '/bad-json':
        return json('{"a":');
      case '/big':
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        return void res.end(BIG);
      case '/upload': {
        let size = 0;
        req.on('data', (c: Buffer) => (size += c.length));
        req.on('end', () => json(`{"size":${size}}`));
        return;
      }
      case '/sse': {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        let n = 0;
        const timer = setInterval(() => {
          res.write(`data: ${n}\n\n`);
          if (++n === 5) {
            clearInterval(timer);
            res.end();
          }
        }, 100);
        res.on('close', () => clearInterval(timer));
        return;
      }
      default:
        return json('{"error":"not found"}', 404);
    }
  });
  server.keepAliveTimeout = 4000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
