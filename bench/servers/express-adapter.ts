import { createServer } from 'node:http';
import express from 'express';
import { krakend } from '../../adapters/express.js';
import { listenAndAnnounce, serverArgs } from './listen.js';

// The gateway mounted in Express 5 through `krakend-connect/express`, with the default logger
// (pino at info, one access-log line per request) as a dev server would run it.
const { config } = serverArgs();
if (!config) throw new Error('--config FILE is required');
const app = express();
const gateway = krakend({ config, watch: false });
app.use(gateway);
app.use((_req, res) => {
  res.status(404).type('text/plain').send('not the gateway\n');
});
await listenAndAnnounce(createServer(app), async () => {
  await (gateway as unknown as { close?: () => Promise<void> }).close?.();
});
