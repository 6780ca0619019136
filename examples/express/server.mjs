// `node server.mjs` from this folder: the example backends, then an Express app with the gateway
// mounted under /api (the quickstart's krakend.json), an Express route of its own, and
// WebSockets on the gateway's no-op /ws endpoint.
import express from 'express';
import { fileURLToPath } from 'node:url';
import { krakend } from 'krakend-connect/express';
import { startBackends } from '../backends/server.mjs';

const port = Number(process.env.PORT ?? 3000);
const config =
  process.env.KRAKEND_CONFIG ??
  fileURLToPath(new URL('../quickstart/krakend.json', import.meta.url));
// Your own config brings its own backends; the quickstart's expect ours on :8081.
const backends = process.env.KRAKEND_CONFIG ? undefined : await startBackends(8081);

const app = express();
app.use(express.json());

const gateway = krakend({ config });
app.use('/api', gateway);

app.get('/api/hello', (req, res) => {
  res.json({ from: 'express', note: 'not a krakend.json endpoint, so Express answers' });
});
app.get('/', (req, res) => {
  res.type('html').send(`<!doctype html><title>krakend-connect in Express</title>
<h1>krakend-connect in Express</h1>
<ul>
  <li><a href="/api/users/1">/api/users/1</a> (filtering)</li>
  <li><a href="/api/users/1/profile">/api/users/1/profile</a> (merging)</li>
  <li><a href="/api/orders/100/summary">/api/orders/100/summary</a> (sequential)</li>
  <li><a href="/api/promo">/api/promo</a> (static)</li>
  <li><a href="/api/stream">/api/stream</a> (server-sent events)</li>
  <li><a href="/api/hello">/api/hello</a> (an Express route)</li>
  <li><a href="/api/__krakend/">/api/__krakend/</a> (dashboard)</li>
</ul>`);
});

const server = app.listen(port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port} (gateway under /api)`);
});
gateway.attach(server, { path: '/api' });

const stop = () => {
  server.close();
  server.closeAllConnections();
  backends?.close();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
