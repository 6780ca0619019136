import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { serverSettings } from '../../src/cli/server-options.js';
import { loadConfig } from '../../src/config/index.js';
import { MAX_BACKEND_BODY } from '../../src/proxy/read-body.js';
import { MAX_BUFFERED_REQUEST } from '../../src/proxy/body.js';
import { startBackend, type TestBackend } from '../helpers/backend.js';
import { rawRequest, request } from '../helpers/http.js';
import {
  assertHealthy,
  krakend,
  onRequestHead,
  settle,
  startStandalone,
  tcpBackend,
  trackCrashes,
  within,
  type Standalone,
  type TcpBackend,
} from './harness.js';

/**
 * reliability.md §6 rows 31, 32, 42, 43, 48 and the limits: request bodies the gateway
 * holds (merges) are capped with a 413 before any backend call, `max_payload` caps every
 * endpoint by its declared length, decoded backend bodies are capped after gunzip, Brotli is
 * refused on the merge path, the CLI's server limits follow the config. Rows 46 (slow reader)
 * and 47 (client leaves a slow backend) are test/integration/pipe/{streaming,faults}.test.ts;
 * the memory they cost is measured by `npm run bench:streaming`.
 */
describe('reliability §6: limits', () => {
  const crashes = trackCrashes();
  let backend: TestBackend;
  let bomb: TcpBackend;
  let brotli: TcpBackend;
  let uploads: Server;
  const aborted: string[] = [];
  let gw: Standalone;
  let capped: Standalone;

  before(async () => {
    backend = await startBackend((req, res, body) => {
      res.setHeader('Content-Type', 'application/json');
      const sha = createHash('sha256').update(body).digest('hex');
      res.end(JSON.stringify({ size: body.length, sha }));
    });
    // 40 MiB of zeros is 40 KB of gzip: the decoded body passes the 32 MiB cap.
    const zipped = gzipSync(Buffer.alloc(40 * 1024 * 1024, 0x20));
    bomb = await tcpBackend(
      onRequestHead((s) => {
        s.write(
          'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n' +
            `Content-Length: ${zipped.length}\r\n\r\n`,
        );
        s.write(zipped);
      }),
    );
    brotli = await tcpBackend(
      onRequestHead((s) =>
        s.write(
          'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: br\r\n' +
            'Content-Length: 6\r\n\r\n\x0b\x00\x80{}\x03',
        ),
      ),
    );
    // Records uploads that ended without their last byte (the client left mid-body).
    uploads = createServer((req, res) => {
      req.on('close', () => {
        if (!req.complete) aborted.push(req.url ?? '');
      });
      req.resume();
      req.on('end', () => res.end('done'));
    });
    uploads.listen(0, '127.0.0.1');
    await once(uploads, 'listening');
    const uploadsUrl = `http://127.0.0.1:${(uploads.address() as AddressInfo).port}`;
    const merge = (host: string) => [
      { host: [backend.url], url_pattern: '/a', group: 'a' },
      { host: [host], url_pattern: '/b', group: 'b' },
    ];
    gw = await startStandalone(
      krakend([
        {
          endpoint: '/upload',
          method: 'POST',
          output_encoding: 'no-op',
          backend: [{ host: [backend.url], url_pattern: '/upload' }],
        },
        {
          endpoint: '/slow-upload',
          method: 'POST',
          output_encoding: 'no-op',
          backend: [{ host: [uploadsUrl], url_pattern: '/slow-upload' }],
        },
        { endpoint: '/merge', method: 'POST', backend: merge(backend.url) },
        { endpoint: '/bomb', backend: merge(bomb.url) },
        { endpoint: '/brotli', backend: merge(brotli.url) },
        {
          endpoint: '/brotli-noop',
          output_encoding: 'no-op',
          backend: [{ host: [brotli.url], url_pattern: '/' }],
        },
      ]),
    );
    capped = await startStandalone(
      krakend(
        [
          {
            endpoint: '/upload',
            method: 'POST',
            output_encoding: 'no-op',
            backend: [{ host: [backend.url], url_pattern: '/upload' }],
          },
        ],
        { extra_config: { router: { max_payload: 1024 } } },
      ),
      { settings: { maxHeaderSize: 2048 } },
    );
  });

  after(async () => {
    await gw.close();
    await capped.close();
    await backend.close();
    await bomb.close();
    await brotli.close();
    uploads.closeAllConnections();
    await new Promise<void>((r) => uploads.close(() => r()));
    crashes.stop();
    assert.deepEqual(crashes.crashes, []);
  });

  function logged(at: Standalone, text: string): void {
    assert.ok(
      at.problems().some((m) => m.includes(text)),
      `no log line with ${JSON.stringify(text)}:\n${at.problems().join('\n')}`,
    );
  }

  /** POSTs `total` bytes in 1 MiB chunks (chunked); resolves with the answer or the error. */
  function stream(url: string, total: number, chunkSeed = 1) {
    return new Promise<{ status: number; body: string; sha: string }>((resolve, reject) => {
      const hash = createHash('sha256');
      const req = httpRequest(url, { method: 'POST', agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body, sha: hash.digest('hex') });
        });
      });
      req.on('error', reject);
      let sent = 0;
      const write = (): void => {
        while (sent < total) {
          const chunk = Buffer.alloc(Math.min(1024 * 1024, total - sent), (sent >> 20) + chunkSeed);
          sent += chunk.length;
          hash.update(chunk);
          if (!req.write(chunk)) return void req.once('drain', write);
        }
        req.end();
      };
      write();
    });
  }

  test('row 31: a 64 MiB upload streams through no-op byte for byte', async () => {
    const r = await within(stream(`${gw.url}/upload`, 64 * 1024 * 1024), 30_000, 'the upload');
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body), { size: 64 * 1024 * 1024, sha: r.sha });
    await assertHealthy(gw.url);
  });

  test('row 32: a merge body over the 32 MiB cap → 413 before any backend call', async () => {
    const before = backend.seen.length;
    const declared = await rawRequest(
      gw.port,
      `POST /merge HTTP/1.1\r\nHost: x\r\nContent-Length: ${MAX_BUFFERED_REQUEST + 1}\r\n\r\n`,
    );
    assert.equal(declared.status, 413);
    assert.equal(declared.closed, true);
    assert.match(declared.text, /\r\nConnection: close\r\n/);
    // Chunked: counted while read, refused at the cap, the rest never read.
    const chunked = await within(
      stream(`${gw.url}/merge`, MAX_BUFFERED_REQUEST + 2 * 1024 * 1024).catch((e: Error) => ({
        status: -1,
        body: e.message,
        sha: '',
      })),
      30_000,
      'the 413',
    );
    assert.equal(chunked.status, 413, chunked.body);
    assert.equal(backend.seen.length, before);
    logged(gw, `[ENDPOINT: /merge] request body over ${MAX_BUFFERED_REQUEST} bytes`);
    const small = await request(`${gw.url}/merge`, { method: 'POST', body: 'hi' });
    assert.equal(small.status, 200);
    await assertHealthy(gw.url);
  });

  test('max_payload: a declared body over it → 413 on any endpoint, logged, unread', async () => {
    const before = backend.seen.length;
    const over = await rawRequest(
      capped.port,
      'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n',
    );
    assert.equal(over.status, 413);
    const why = '413 Payload Too Large: the request body is over 1024 bytes';
    assert.ok(over.text.endsWith(`\r\n\r\n${why}`), over.text);
    assert.equal(backend.seen.length, before);
    logged(capped, '[ENDPOINT: /upload] request body of 1025 bytes is over max_payload (1024');
    const fits = await request(`${capped.url}/upload`, { method: 'POST', body: 'x'.repeat(1024) });
    assert.equal(fits.status, 200);
    await assertHealthy(capped.url);
  });

  test('max_header_bytes: the CLI server refuses a larger header section with 431', async () => {
    const r = await rawRequest(
      capped.port,
      `GET /__health HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(2100)}\r\n\r\n`,
    );
    assert.equal(r.status, 431);
    assert.equal(r.closed, true);
    logged(
      capped,
      '[SERVICE: Gin] 431 Request Header Fields Too Large: HPE_HEADER_OVERFLOW (the request ' +
        'headers are over max_header_bytes, default 16 KiB)',
    );
    await assertHealthy(capped.url);
  });

  test('CLI server settings follow read_header_timeout, read_timeout, idle_timeout', async () => {
    const config = await loadConfig(
      krakend([{ endpoint: '/a', backend: [{ host: ['http://h:80'], url_pattern: '/' }] }], {
        read_header_timeout: '3s',
        read_timeout: '1m',
        idle_timeout: '90s',
        max_header_bytes: 65536,
        max_shutdown_wait_time: '4s',
      }),
      { cwd: process.cwd() },
    );
    assert.deepEqual(serverSettings(config), {
      headersTimeout: 3000,
      requestTimeout: 60_000,
      keepAliveTimeout: 90_000,
      maxHeaderSize: 65536,
      shutdownGraceMs: 4000,
    });
    // Unset: bounded defaults, never Node's 5-minute request timeout on streams.
    assert.deepEqual(serverSettings(undefined), {
      headersTimeout: 20_000,
      requestTimeout: 0,
      keepAliveTimeout: 5000,
      maxHeaderSize: undefined,
      shutdownGraceMs: 10_000,
    });
  });

  test('chunk extensions over 16 KiB → 413 from the parser (CVE-2024-22019)', async () => {
    const r = await rawRequest(
      gw.port,
      'POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' +
        `2;${'x'.repeat(17 * 1024)}\r\nhi\r\n0\r\n\r\n`,
    );
    assert.equal(r.status, 413);
    assert.equal(r.closed, true);
    await assertHealthy(gw.url);
  });

  test('row 42: a gzip bomb on the merge path fails that backend at the decoded cap', async () => {
    const r = await within(request(`${gw.url}/bomb`), 10_000, 'the answer');
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-krakend-completed'], 'false');
    assert.deepEqual(Object.keys(JSON.parse(r.body)), ['a']);
    logged(gw, `backend body over ${MAX_BACKEND_BODY} bytes`);
    await assertHealthy(gw.url);
  });

  test('row 43: Content-Encoding: br on the merge path is refused before decoding', async () => {
    const r = await request(`${gw.url}/brotli`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-krakend-completed'], 'false');
    logged(gw, 'refusing a Content-Encoding: br body (CVE-2026-111497)');
    // no-op never decodes: the bytes pass through as they came
    const raw = await rawRequest(
      gw.port,
      'GET /brotli-noop HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    assert.equal(raw.status, 200);
    assert.match(raw.text, /\r\nContent-Encoding: br\r\n/i);
    await assertHealthy(gw.url);
  });

  test('row 48: a client that leaves mid-upload aborts the backend request', async () => {
    const socket = connect(gw.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write(
      'POST /slow-upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n' +
        'x'.repeat(10_240),
    );
    await new Promise((r) => setTimeout(r, 100));
    socket.destroy();
    await settle(() => aborted.length === 1, 3000, 'the backend saw the abort');
    assert.deepEqual(aborted, ['/slow-upload']);
    await assertHealthy(gw.url);
  });
});
