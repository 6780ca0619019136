// `node server.mjs` (dev) or `next build && node server.mjs --prod`, from this folder: the
// example backends, then Next with the gateway in front of it under /gw (custom-server helper,
// WebSockets included). /api/* and /app-api/* are the Pages and App Router routes.
import { createServer } from 'node:http';
import next from 'next';
import { withKrakend } from 'krakend-connect/next';
import { startBackends } from '../backends/server.mjs';

const dev = !process.argv.includes('--prod');
const port = Number(process.env.PORT ?? 3000);
// Your own config brings its own backends; the quickstart's expect ours on :8081.
const backends = process.env.KRAKEND_CONFIG ? undefined : await startBackends(8081);

const app = next({ dev, dir: import.meta.dirname });
await app.prepare();
const handler = await withKrakend(app.getRequestHandler(), {
  config: process.env.KRAKEND_CONFIG ?? '../quickstart/krakend.json',
  prefix: '/gw',
});
const server = handler.attach(createServer(handler));
server.listen(port, '127.0.0.1', () => {
  console.log(`> ready on http://127.0.0.1:${server.address().port} (gateway under /gw)`);
});

const stop = () => {
  server.close();
  backends?.close();
  void app.close().finally(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
