// A tiny fake API for the examples: users, posts, orders, customers, an SSE stream, a WebSocket
// echo and a body echo. Plain node:http so it starts instantly; port from argv or 8081.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

const users = {
  1: { id: 1, name: 'Ada Lovelace', email: 'ada@example.com', password_hash: 'not-for-clients', role: 'admin' },
  2: { id: 2, name: 'Alan Turing', email: 'alan@example.com', password_hash: 'not-for-clients', role: 'user' },
};
const posts = {
  1: [
    { id: 10, title: 'Notes on the Analytical Engine', likes: 42 },
    { id: 11, title: 'On Bernoulli numbers', likes: 7 },
  ],
  2: [{ id: 20, title: 'Computing Machinery and Intelligence', likes: 99 }],
};
const orders = { 100: { id: 100, customer_id: 2, total: 12.5, items: 3 } };
const customers = { 2: { id: 2, tier: 'gold', since: '2019-04-01' } };

function json(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function handle(req, res) {
  const url = new URL(req.url, 'http://backend');
  const parts = url.pathname.split('/').filter(Boolean);
  if (parts[0] === 'users' && users[parts[1]]) {
    if (parts[2] === 'posts') return json(res, 200, posts[parts[1]] ?? []);
    return json(res, 200, users[parts[1]]);
  }
  if (parts[0] === 'orders' && orders[parts[1]]) return json(res, 200, orders[parts[1]]);
  if (parts[0] === 'customers' && customers[parts[1]]) return json(res, 200, customers[parts[1]]);
  if (url.pathname === '/stream') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    let n = 0;
    const timer = setInterval(() => {
      n += 1;
      res.write(`id: ${n}\ndata: {"tick":${n},"at":"${new Date().toISOString()}"}\n\n`);
      if (n === 20) {
        clearInterval(timer);
        res.end();
      }
    }, 500);
    req.on('close', () => clearInterval(timer));
    return;
  }
  if (url.pathname === '/echo') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () =>
      json(res, 200, { method: req.method, body: Buffer.concat(chunks).toString('utf8'), headers: req.headers }),
    );
    return;
  }
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('404 page not found\n');
}

export async function startBackends(port = 8081, host = '127.0.0.1') {
  const server = createServer(handle);
  try {
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) => {
      if (!req.url.startsWith('/ws')) return socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
        ws.on('error', () => {});
      });
    });
  } catch {
    // `ws` is a devDependency; without it the WebSocket demo is off.
  }
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.argv[2] ?? 8081);
  await startBackends(port);
  console.log(`example backends on http://127.0.0.1:${port}`);
}
