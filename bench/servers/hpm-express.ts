import { createServer } from 'node:http';
import express from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { listenAndAnnounce, serverArgs } from './listen.js';

// http-proxy-middleware 3 on Express 5 with its defaults (no keep-alive agent), as most
// dev-server proxy setups ship it.
const { backend } = serverArgs();
const app = express();
app.use(createProxyMiddleware({ target: backend }));
await listenAndAnnounce(createServer(app));
