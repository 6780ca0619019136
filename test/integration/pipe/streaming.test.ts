import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startBackend, type TestBackend } from '../../helpers/backend.js';
import { request } from '../../helpers/http.js';
import { within } from '../../helpers/time.js';
import { endpoint } from '../../unit/proxy/fixtures.js';
import { servePipe, type PipeServer } from './harness.js';

/**
 * Streaming through no-op endpoints: server-sent events reach the client while the backend is
 * still writing, a client that leaves closes the backend, uploads and downloads stream, and the
 * endpoint timeout bounds only the wait for the response headers (DECISIONS.md 16).
 */
describe('streaming through no-op', () => {
  let sse: TestBackend;
  let sink: TestBackend;
  let gw: PipeServer;
  let release: () => void = () => {};
  let backendDone = false;
  let backendClosed: Promise<void> = Promise.resolve();
  let onBackendClose: () => void = () => {};

  before(async () => {
    sse = await startBackend(() => {});
    sse.server.removeAllListeners('request');
    sse.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      res.on('close', () => onBackendClose());
      if (req.url === '/forever') {
        let n = 0;
        const t = setInterval(() => res.write(`data: ${n++}\n\n`), 100);
        res.on('close', () => clearInterval(t));
        return;
      }
      if (req.url === '/slow-body') {
        let n = 0;
        const t = setInterval(() => {
          res.write(`chunk ${n}\n`);
          if (++n === 6) {
            clearInterval(t);
            res.end();
          }
        }, 100);
        res.on('close', () => clearInterval(t));
        return;
      }
      res.write('data: first\n\n');
      const wait = new Promise<void>((r) => {
        release = r;
      });
      void wait.then(() => {
        let n = 0;
        const t = setInterval(() => {
          res.write(`data: ${n}\n\n`);
          if (++n === 3) {
            clearInterval(t);
            backendDone = true;
            res.end();
          }
        }, 100);
      });
    });
    sink = await startBackend((req, res, body) => {
      if (req.url === '/download') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 7);
        let left = 160;
        const write = (): void => {
          while (left > 0) {
            left--;
            if (!res.write(chunk)) return void res.once('drain', write);
          }
          res.end();
        };
        write();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`${body.length} ${createHash('sha256').update(body).digest('hex')}`);
    });
    gw = await servePipe([
      endpoint({
        endpoint: '/events',
        outputEncoding: 'no-op',
        timeoutMs: 500,
        backends: [{ host: sse.url, urlPattern: '/events' }],
      }),
      endpoint({
        endpoint: '/forever',
        outputEncoding: 'no-op',
        timeoutMs: 500,
        backends: [{ host: sse.url, urlPattern: '/forever' }],
      }),
      endpoint({
        endpoint: '/slow-body',
        outputEncoding: 'no-op',
        timeoutMs: 200,
        backends: [{ host: sse.url, urlPattern: '/slow-body' }],
      }),
      endpoint({
        endpoint: '/upload',
        method: 'POST',
        outputEncoding: 'no-op',
        backends: [{ host: sink.url, urlPattern: '/upload' }],
      }),
      endpoint({
        endpoint: '/download',
        outputEncoding: 'no-op',
        backends: [{ host: sink.url, urlPattern: '/download' }],
      }),
    ]);
  });

  after(async () => {
    await gw.close();
    await sse.close();
    await sink.close();
  });

  it('SSE: the first event reaches the client before the backend finishes', async () => {
    const events: string[] = [];
    let sawFirstBeforeDone = false;
    await within(
      new Promise<void>((resolve, reject) => {
        const req = httpRequest(`${gw.url}/events`, { agent: false }, (res) => {
          assert.equal(res.headers['content-type'], 'text/event-stream');
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            events.push(chunk);
            if (chunk.includes('first')) {
              sawFirstBeforeDone = !backendDone;
              release();
            }
          });
          res.on('end', () => resolve());
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      }),
      5000,
      'the event stream',
    );
    assert.equal(sawFirstBeforeDone, true);
    assert.equal(events.join(''), 'data: first\n\ndata: 0\n\ndata: 1\n\ndata: 2\n\n');
  });

  it('SSE: closing the client closes the backend response', async () => {
    backendClosed = new Promise<void>((r) => {
      onBackendClose = r;
    });
    await within(
      new Promise<void>((resolve, reject) => {
        const req = httpRequest(`${gw.url}/forever`, { agent: false }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', () => {});
        req.on('close', () => resolve());
        req.end();
        setTimeout(() => reject(new Error('no first event')), 3000).unref();
      }),
      3000,
      'the first event',
    );
    await within(backendClosed, 1000, 'the backend close');
  });

  it('the endpoint timeout covers the headers only: a body longer than it streams whole', async () => {
    const r = await request(`${gw.url}/slow-body`);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\nchunk 5\n');
  });

  it('uploads stream to the backend byte for byte', async () => {
    const body = randomBytes(8 * 1024 * 1024);
    const r = await request(`${gw.url}/upload`, { method: 'POST', body });
    assert.equal(r.status, 200);
    assert.equal(r.body, `${body.length} ${createHash('sha256').update(body).digest('hex')}`);
  });

  it('downloads stream with backpressure (10 MiB)', async () => {
    const r = await request(`${gw.url}/download`);
    assert.equal(r.status, 200);
    assert.equal(Buffer.byteLength(r.body, 'utf8'), 160 * 64 * 1024);
  });
});
