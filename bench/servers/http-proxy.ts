import { Agent, createServer } from 'node:http';
import httpProxy from 'http-proxy';
import { listenAndAnnounce, serverArgs } from './listen.js';

// http-proxy with a keep-alive agent: the plain Node proxy most dev servers are built on.
const { backend } = serverArgs();
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const proxy = httpProxy.createProxyServer({ target: backend, agent });
proxy.on('error', (_err, _req, res) => {
  if ('writeHead' in res && !res.headersSent) res.writeHead(502);
  res.end();
});
const server = createServer((req, res) => proxy.web(req, res));
await listenAndAnnounce(server, () => agent.destroy());
