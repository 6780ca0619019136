// The gateway side of `npm run bench:reload` (bench/reload.ts forks it with --expose-gc): a
// gateway on 127.0.0.1:0 that reports its reloads and, when asked, reloads or reads its memory.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway } from '../src/index.js';

export type ToChild = { type: 'reload'; file: string } | { type: 'memory' };
export type FromChild =
  | { type: 'listening'; port: number }
  | { type: 'reload'; ok: boolean; error?: string; changed: string[] }
  | { type: 'reloaded'; ok: boolean; error?: string }
  | { type: 'memory'; rss: number; heapUsed: number };

const opts = JSON.parse(process.env.KC_RELOAD_BENCH ?? '{}') as { config: string; watch: boolean };
const send = (m: FromChild) => process.send?.(m);
const gateway = createGateway({
  config: opts.config,
  watch: opts.watch,
  logger: false,
  dashboard: false,
});
gateway.on('reload', (e) =>
  send({ type: 'reload', ok: e.ok, error: e.ok ? undefined : e.error.message, changed: e.changed }),
);
await gateway.ready;
const server = createServer((req, res) =>
  gateway(req, res, () => {
    res.statusCode = 404;
    res.end('not yet');
  }),
);
server.listen(0, '127.0.0.1');
await once(server, 'listening');
process.on('message', async (m: ToChild) => {
  if (m.type === 'reload') {
    const e = await gateway.reload([m.file]);
    send({ type: 'reloaded', ok: e.ok, error: e.ok ? undefined : e.error.message });
  } else if (m.type === 'memory') {
    for (let i = 0; i < 4; i++) {
      globalThis.gc?.();
      await new Promise((r) => setImmediate(r));
    }
    const { rss, heapUsed } = process.memoryUsage();
    send({ type: 'memory', rss, heapUsed });
  }
});
process.on('disconnect', () => {
  server.closeAllConnections();
  server.close();
  void gateway.close().then(() => process.exit(0));
});
send({ type: 'listening', port: (server.address() as AddressInfo).port });
