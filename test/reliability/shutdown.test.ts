import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startBackend, type TestBackend } from '../helpers/backend.js';
import { startCli, type RunningCli } from '../helpers/cli.js';
import { request } from '../helpers/http.js';
import { krakend, settle, startStandalone, within } from './harness.js';

/**
 * Graceful shutdown (issue 9) and slowloris (reliability.md §6 row 49), against the real CLI in a
 * child process with its server timeouts lowered through the config (`read_header_timeout`,
 * `max_shutdown_wait_time`), and `close()` in process. In-flight requests finish; what outlives
 * the bound is cut, so a client can always tell: no request is answered half.
 */
interface Outcome {
  status: number;
  body: string;
  /** How it ended: a complete message, or a connection cut before or during the answer. */
  end: 'complete' | 'cut';
}

/** One GET that never rejects: it says whether the answer came whole. */
function fetchOutcome(url: string, onResponse?: (res: IncomingMessage) => void): Promise<Outcome> {
  return new Promise((resolve) => {
    let status = 0;
    let body = '';
    let done = false;
    const finish = (end: Outcome['end']): void => {
      if (done) return;
      done = true;
      resolve({ status, body, end });
    };
    const req = httpRequest(url, { agent: false }, (res) => {
      status = res.statusCode ?? 0;
      onResponse?.(res);
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => finish(res.complete ? 'complete' : 'cut'));
      res.on('aborted', () => finish('cut'));
      res.on('error', () => finish('cut'));
      res.on('close', () => finish(res.complete ? 'complete' : 'cut'));
    });
    req.on('error', () => finish('cut'));
    req.end();
  });
}

describe('graceful shutdown and slow clients', () => {
  let backend: TestBackend;
  let dir: string;
  const endlessClosed: number[] = [];
  const upgrades: import('node:net').Socket[] = [];

  before(async () => {
    backend = await startBackend(async (req, res) => {
      if (req.url === '/slow') {
        await new Promise((r) => setTimeout(r, 800));
        res.setHeader('Content-Type', 'application/json');
        res.end('{"slow":true}');
      } else if (req.url === '/stream') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        for (const part of ['one ', 'two ', 'three']) {
          res.write(part);
          await new Promise((r) => setTimeout(r, 250));
        }
        res.end();
      } else if (req.url === '/endless') {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        const timer = setInterval(() => res.write('data: tick\n\n'), 100);
        res.on('close', () => {
          clearInterval(timer);
          endlessClosed.push(Date.now());
        });
      } else if (req.url === '/long') {
        // Longer than the gateway's own 5 s retirement bound plus its 2 s pool grace.
        await new Promise((r) => setTimeout(r, 8000));
        res.setHeader('Content-Type', 'application/json');
        res.end('{"long":true}');
      } else if (req.url === '/stuck') {
        const timer = setTimeout(() => res.end('{"late":true}'), 15_000);
        res.on('close', () => clearTimeout(timer));
      } else {
        res.setHeader('Content-Type', 'application/json');
        res.end('{"fast":true}');
      }
    });
    // A WebSocket backend that answers 101 and then just keeps the socket open.
    backend.server.on('upgrade', (_req, socket: import('node:net').Socket) => {
      upgrades.push(socket);
      socket.on('error', () => {});
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    });
    dir = await mkdtemp(join(tmpdir(), 'kc-shutdown-'));
  });

  after(async () => {
    for (const socket of upgrades) socket.destroy();
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function cli(name: string, service: Record<string, unknown>): Promise<RunningCli> {
    const b = (path: string, extra: Record<string, unknown> = {}) => ({
      endpoint: path,
      ...extra,
      backend: [{ host: [backend.url], url_pattern: path }],
    });
    const file = join(dir, `${name}.json`);
    const config = krakend(
      [
        b('/fast'),
        b('/slow'),
        b('/stuck', { timeout: '20s' }),
        b('/long', { timeout: '20s' }),
        b('/ws', { output_encoding: 'no-op' }),
        b('/stream', { output_encoding: 'no-op' }),
        b('/endless', { output_encoding: 'no-op' }),
      ],
      service,
    );
    await writeFile(file, JSON.stringify(config));
    return startCli(['-c', file, '--log-level', 'info']);
  }

  test('row 49: trickled headers get 408 at read_header_timeout; others are served', async () => {
    const gw = await cli('slowloris', { read_header_timeout: '1s' });
    try {
      const trickles = Array.from({ length: 20 }, () => {
        const socket = connect(gw.port, '127.0.0.1');
        let text = '';
        socket.setEncoding('latin1');
        socket.on('data', (c: string) => (text += c));
        socket.on('error', () => {});
        socket.write('GET /fast HTTP/1.1\r\nHost: x\r\n');
        const timer = setInterval(() => socket.writable && socket.write('X-A: b\r\n'), 300);
        return within(
          new Promise<string>((r) => socket.on('close', () => r(text))).finally(() => {
            clearInterval(timer);
            socket.destroy();
          }),
          8000,
          'the slow client closed',
        );
      });
      for (let i = 0; i < 20; i++) {
        const r = await request(`${gw.url}/fast`);
        assert.deepEqual([r.status, r.body], [200, '{"fast":true}']);
      }
      for (const text of await Promise.all(trickles)) {
        assert.match(text, /^HTTP\/1\.1 408 Request Timeout\r\n/);
      }
      assert.equal((await request(`${gw.url}/__health`)).status, 200);
    } finally {
      await gw.stop('SIGKILL');
    }
  });

  test('SIGTERM: stops accepting, lets in-flight requests finish whole, exits 0', async () => {
    const gw = await cli('graceful', {});
    const inflight = [
      fetchOutcome(`${gw.url}/slow`),
      fetchOutcome(`${gw.url}/slow`),
      fetchOutcome(`${gw.url}/stream`),
    ];
    await new Promise((r) => setTimeout(r, 200));
    const exit = gw.stop('SIGTERM');
    await settle(() => gw.output().includes('SIGTERM received'), 3000, 'the SIGTERM line');
    const refused = await new Promise<string>((resolve) => {
      const s = connect(gw.port, '127.0.0.1');
      s.on('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    assert.equal(refused, 'ECONNREFUSED');
    assert.deepEqual(await within(Promise.all(inflight), 5000, 'in-flight answers'), [
      { status: 200, body: '{"slow":true}', end: 'complete' },
      { status: 200, body: '{"slow":true}', end: 'complete' },
      { status: 200, body: 'one two three', end: 'complete' },
    ]);
    assert.equal(await within(exit, 5000, 'the exit'), 0);
    assert.match(gw.output(), /finishing in-flight requests[^]*stopped/);
  });

  test('SIGTERM: what outlives max_shutdown_wait_time is cut, never answered half', async () => {
    const gw = await cli('bounded', { max_shutdown_wait_time: '1s' });
    let streaming!: () => void;
    const started = new Promise<void>((r) => (streaming = r));
    const endless = fetchOutcome(`${gw.url}/endless`, (res) => res.once('data', streaming));
    const stuck = fetchOutcome(`${gw.url}/stuck`);
    await within(started, 3000, 'the first event');
    const closedBefore = endlessClosed.length;
    const exit = gw.stop('SIGTERM');
    assert.equal(await within(exit, 6000, 'the exit after the grace'), 0);
    const [e, s] = await within(Promise.all([endless, stuck]), 2000, 'both ends');
    assert.equal(e.status, 200);
    assert.equal(e.end, 'cut');
    assert.match(e.body, /^(data: tick\n\n)+$/);
    assert.deepEqual(s, { status: 0, body: '', end: 'cut' });
    await settle(() => endlessClosed.length > closedBefore, 2000, 'the backend stream closed');
  });

  test('SIGTERM with a WebSocket open: it is closed, and the process exits at once', async () => {
    const gw = await cli('websocket', {});
    const socket = connect(gw.port, '127.0.0.1');
    socket.on('error', () => {});
    let text = '';
    const upgraded = new Promise<void>((resolve) => {
      socket.on('data', (c: Buffer) => {
        text += c.toString('latin1');
        if (text.includes('\r\n\r\n')) resolve();
      });
    });
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(
      'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    await within(upgraded, 3000, 'the 101');
    assert.match(text, /^HTTP\/1\.1 101 /);
    // Before: the open socket kept server.close() waiting for as long as the client stayed.
    assert.equal(await within(gw.stop('SIGTERM'), 3000, 'the exit'), 0);
    await within(closed, 1000, 'the client socket closed');
  });

  test('SIGTERM: max_shutdown_wait_time longer than the gateway\'s own bounds is honoured', async () => {
    const gw = await cli('long', { max_shutdown_wait_time: '30s' });
    const long = fetchOutcome(`${gw.url}/long`);
    await new Promise((r) => setTimeout(r, 200));
    const exit = gw.stop('SIGTERM');
    assert.deepEqual(await within(long, 12_000, 'the long answer'), {
      status: 200,
      body: '{"long":true}',
      end: 'complete',
    });
    assert.equal(await within(exit, 3000, 'the exit'), 0);
  });

  test('close(): in-flight requests finish whole, new ones get 503 at once', async () => {
    const gw = await startStandalone(
      krakend([
        { endpoint: '/slow', backend: [{ host: [backend.url], url_pattern: '/slow' }] },
        {
          endpoint: '/stream',
          output_encoding: 'no-op',
          backend: [{ host: [backend.url], url_pattern: '/stream' }],
        },
      ]),
    );
    try {
      const inflight = [fetchOutcome(`${gw.url}/slow`), fetchOutcome(`${gw.url}/stream`)];
      await new Promise((r) => setTimeout(r, 100));
      const closing = gw.gateway.close();
      const late = await request(`${gw.url}/slow`);
      assert.equal(late.status, 503);
      assert.deepEqual(JSON.parse(late.body), {
        error: 'the gateway is closed',
        code: 'KC_CLOSED',
        problems: [],
      });
      assert.deepEqual(await within(Promise.all(inflight), 5000, 'in-flight answers'), [
        { status: 200, body: '{"slow":true}', end: 'complete' },
        { status: 200, body: 'one two three', end: 'complete' },
      ]);
      await within(closing, 5000, 'close()');
    } finally {
      await gw.close();
    }
  });
});
