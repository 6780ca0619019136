import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { rawRequest } from '../../helpers/http.js';
import { within } from '../../helpers/time.js';
import { endpoint } from '../../unit/proxy/fixtures.js';
import { servePipe, type PipeServer } from './harness.js';

/**
 * WebSockets on no-op endpoints (INTERFACE.md, DECISIONS.md 16/17): the handshake carries the
 * WebSocket headers and `Origin` whatever `input_headers` says; messages flow both ways; either
 * side closing closes the other; an upgrade to a decoding endpoint is refused with 426.
 */
describe('WebSocket through a no-op endpoint', () => {
  const server = createServer((_req, res) => {
    res.statusCode = 400;
    res.end('websocket only');
  });
  const wss = new WebSocketServer({ server });
  let handshake: IncomingMessage | undefined;
  let backendClosed: Promise<void> = Promise.resolve();
  let notifyClosed: () => void = () => {};
  let backendUrl = '';
  let gw: PipeServer;

  before(async () => {
    wss.on('connection', (socket, req) => {
      handshake = req;
      socket.on('message', (data, isBinary) =>
        socket.send(isBinary ? data : `echo: ${data.toString()}`),
      );
      socket.on('close', () => notifyClosed());
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    backendUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    gw = await servePipe([
      endpoint({
        endpoint: '/ws/{room}',
        outputEncoding: 'no-op',
        backends: [{ host: backendUrl, urlPattern: '/rooms/{room}' }],
      }),
      endpoint({ endpoint: '/json', backends: [{ host: backendUrl, urlPattern: '/' }] }),
    ]);
  });

  after(async () => {
    await gw.close();
    for (const c of wss.clients) c.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('echoes messages both ways; the handshake headers reach the backend', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/ws/lobby`, {
      origin: 'http://app.example',
    });
    await within(once(ws, 'open'), 2000, 'open');
    ws.send('hello');
    const [reply] = (await within(once(ws, 'message'), 2000, 'a reply')) as [Buffer];
    assert.equal(reply.toString(), 'echo: hello');
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    const [bin] = (await within(once(ws, 'message'), 2000, 'a binary reply')) as [Buffer];
    assert.deepEqual([...bin], [1, 2, 3]);
    assert.equal(handshake?.url, '/rooms/lobby');
    assert.equal(handshake?.headers.origin, 'http://app.example');
    assert.equal(handshake?.headers['sec-websocket-version'], '13');
    assert.equal(handshake?.headers['user-agent'], 'KrakenD Version 2.13.8');
    backendClosed = new Promise<void>((r) => {
      notifyClosed = r;
    });
    ws.close();
    await within(backendClosed, 1000, 'the backend close');
  });

  it('a client that vanishes closes the backend socket', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/ws/other`);
    await within(once(ws, 'open'), 2000, 'open');
    backendClosed = new Promise<void>((r) => {
      notifyClosed = r;
    });
    ws.terminate();
    await within(backendClosed, 1000, 'the backend close');
  });

  it('an upgrade to a non-no-op endpoint is answered 426 at once', async () => {
    const r = await within(
      rawRequest(
        gw.port,
        'GET /json HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        3000,
      ),
      1000,
      'an answer',
    );
    assert.equal(r.status, 426);
  });
});
