// Vite with `server.https` and no `server.proxy` serves HTTP/2 (Vite's own rule); the gateway
// answers JSON and no-op endpoints over it, checked with node:http2 as the client.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { krakend } from 'krakend-connect/vite';
import { createServer, type ViteDevServer } from 'vite';
import { startHostBackend, type HostBackend } from './support/backend.js';
import { hostConfig, ROOT, tempConfig, type TempConfig, viteCacheDir } from './support/config.js';
import { within } from './support/streams.js';

/** A self-signed certificate for 127.0.0.1 and localhost, made with openssl. */
function selfSigned(dir: string): { key: Buffer; cert: Buffer } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

interface H2Response {
  headers: IncomingHttpHeaders;
  body: string;
}

function h2(
  session: ClientHttp2Session,
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ':path': path,
      ':method': init.method ?? 'GET',
      ...init.headers,
    });
    let headers: IncomingHttpHeaders = {};
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => (headers = h));
    stream.on('data', (c: string) => (body += c));
    stream.on('end', () => resolve({ headers, body }));
    stream.on('error', reject);
    stream.end(init.body);
  });
}

describe('Vite over HTTPS (HTTP/2)', () => {
  const cacheDir = viteCacheDir();
  let backend: HostBackend;
  let config: TempConfig;
  let certDir: string;
  let cert: Buffer;
  let server: ViteDevServer;
  let session: ClientHttp2Session;

  before(async () => {
    backend = await startHostBackend();
    config = tempConfig(hostConfig(backend.url));
    certDir = mkdtempSync(join(tmpdir(), 'kc-cert-'));
    const pair = selfSigned(certDir);
    cert = pair.cert;
    server = await createServer({
      root: join(ROOT, 'examples/vite-app'),
      cacheDir,
      configFile: false,
      logLevel: 'silent',
      plugins: [krakend({ config: config.file })],
      server: { host: '127.0.0.1', port: 0, https: pair },
    });
    await server.listen();
    const port = (server.httpServer!.address() as AddressInfo).port;
    session = connect(`https://127.0.0.1:${port}`, { ca: cert });
    await within(new Promise((r) => session.once('connect', r)), 5000, 'HTTP/2 connect');
  });

  after(async () => {
    session?.close();
    await server?.close();
    await backend.close();
    config.remove();
    rmSync(certDir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  });

  test('the connection is HTTP/2', () => {
    assert.equal(session.alpnProtocol, 'h2');
  });

  test('a JSON endpoint answers over HTTP/2', async () => {
    const res = await h2(session, '/users/9');
    assert.equal(res.headers[':status'], 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.deepEqual(JSON.parse(res.body), { id: '9', name: 'User 9' });
  });

  test('a no-op endpoint streams a POST body through and back over HTTP/2', async () => {
    const res = await h2(session, '/echo', {
      method: 'POST',
      body: 'over h2',
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(res.headers[':status'], 200);
    assert.deepEqual(JSON.parse(res.body), {
      method: 'POST',
      contentType: 'text/plain',
      body: 'over h2',
    });
  });

  /** Opens `/sse` over the session and reads its first two events (status and bodies asserted). */
  async function openSse(): Promise<ClientHttp2Stream> {
    const stream = session.request({ ':path': '/sse', accept: 'text/event-stream' });
    stream.setEncoding('utf8');
    let text = '';
    const status = await within(
      new Promise<number>((resolve) =>
        stream.once('response', (h) => resolve(Number(h[':status']))),
      ),
      5000,
      'SSE headers',
    );
    assert.equal(status, 200);
    await within(
      new Promise<void>((resolve) =>
        stream.on('data', (c: string) => {
          text += c;
          if (text.includes('data: two\n\n')) resolve();
        }),
      ),
      5000,
      'two events',
    );
    assert.ok(text.startsWith('data: one\n\ndata: two\n\n'), text);
    return stream;
  }

  test('a no-op SSE endpoint streams over HTTP/2', async () => {
    const stream = await openSse();
    stream.close();
  });

  // Http2ServerResponse reports writableFinished = true once the client resets the stream; the
  // no-op pipe reads writableEnded instead (src/proxy/passthrough-call.ts onClientClose).
  test('resetting an HTTP/2 SSE stream aborts the backend', async () => {
    const n = backend.sseCount;
    const stream = await openSse();
    stream.close();
    await within(backend.sseClosed(n), 1000, 'backend saw the close');
  });

  test('the app itself is served over the same HTTP/2 connection', async () => {
    const res = await h2(session, '/', { headers: { accept: 'text/html' } });
    assert.equal(res.headers[':status'], 200);
    assert.match(res.body, /<title>krakend-connect in Vite<\/title>/);
  });
});
