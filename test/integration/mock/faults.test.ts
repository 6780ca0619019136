// krakend-connect/faults: statuses, delays (fixed and random), resets and failure rates, on
// endpoints (the client sees them) and on backends (the gateway sees them as the backend's).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startBackend, type TestBackend } from '../../helpers/backend.js';
import { request } from '../../helpers/http.js';
import { gatewayOn, serverTiming, workspace, type Workspace } from './helpers.js';

const faults = (spec: Record<string, unknown>) => ({ 'krakend-connect/faults': spec });

function config(backendUrl: string): Record<string, unknown> {
  const to = (endpoint: string, extra: Record<string, unknown>, backendExtra = {}, more = {}) => ({
    endpoint,
    ...more,
    extra_config: extra,
    backend: [{ url_pattern: '/users/1', extra_config: backendExtra }],
  });
  return {
    version: 3,
    host: [backendUrl],
    timeout: '1s',
    extra_config: { router: { return_error_msg: true } },
    endpoints: [
      to('/down', faults({ status: 503, body: { error: 'try later' } })),
      to('/teapot', faults({ status: 418, body: 'short and stout' })),
      to('/never', faults({ status: 503, rate: 0 })),
      to('/half', faults({ status: 503, rate: 0.5 })),
      to('/slow', faults({ delay: '120ms' })),
      to('/jitter', faults({ delay: { min: '20ms', max: '80ms' } })),
      to('/reset', faults({ reset: true })),
      to('/slow-noop', faults({ delay: '50ms' }), {}, { output_encoding: 'no-op' }),
      to('/b/down', {}, faults({ status: 503, body: 'backend says no' })),
      to(
        '/b/code',
        {},
        {
          ...faults({ status: 503, body: 'backend says no' }),
          'backend/http': { return_error_code: true },
        },
      ),
      to('/b/slow', {}, faults({ delay: '100ms' })),
      to('/b/too-slow', {}, faults({ delay: '3s' })),
      to('/b/reset', {}, faults({ reset: true })),
      {
        endpoint: '/b/partial',
        backend: [
          { url_pattern: '/users/1', group: 'ok' },
          { url_pattern: '/users/1', group: 'broken', extra_config: faults({ status: 500 }) },
        ],
      },
    ],
  };
}

describe('fault injection', () => {
  let backend: TestBackend;
  let ws: Workspace;
  let gw: Awaited<ReturnType<typeof gatewayOn>>;

  before(async () => {
    backend = await startBackend((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":1,"name":"Ada"}');
    });
    ws = workspace(config(backend.url));
    gw = await gatewayOn(ws, { dashboard: true });
  });
  after(async () => {
    await gw.close();
    await backend.close();
    ws.remove();
  });

  async function lastCalls() {
    const state = JSON.parse((await request(`${gw.url}/__krakend/api/state`)).body);
    return state.requests.at(-1).backends as { status: number; source: string; note?: string }[];
  }

  test('an endpoint status answers the client at once, with the body, without calling the backend', async () => {
    const seen = backend.seen.length;
    const r = await request(`${gw.url}/down`);
    assert.equal(r.status, 503);
    assert.equal(r.body, '{"error":"try later"}');
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['x-krakend-connect-fault'], 'status 503');
    assert.equal(r.headers['x-krakend-completed'], 'false');
    const teapot = await request(`${gw.url}/teapot`);
    assert.equal(teapot.status, 418);
    assert.equal(teapot.body, 'short and stout');
    assert.equal(teapot.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(backend.seen.length, seen);
  });

  test('rate 0 never fails; rate 0.5 fails some calls and serves the others', async () => {
    for (let i = 0; i < 10; i++) assert.equal((await request(`${gw.url}/never`)).status, 200);
    const statuses = new Set<number>();
    for (let i = 0; i < 60 && statuses.size < 2; i++)
      statuses.add((await request(`${gw.url}/half`)).status);
    assert.deepEqual([...statuses].sort(), [200, 503]);
  });

  test('an endpoint delay holds the answer back and shows in Server-Timing', async () => {
    const started = performance.now();
    const r = await request(`${gw.url}/slow`);
    const elapsed = performance.now() - started;
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"id":1,"name":"Ada"}');
    assert.equal(r.headers['x-krakend-connect-fault'], 'delay 120ms');
    const timing = serverTiming(r.headers['server-timing']);
    assert.deepEqual(timing['fault'], { desc: 'injected delay', dur: 120 });
    assert.equal(timing['backend-0']?.desc, 'GET /users/1');
    assert.ok(elapsed >= 119, `answered after ${elapsed} ms`);
  });

  test('a random delay is drawn between min and max for each call', async () => {
    const delays = new Set<number>();
    for (let i = 0; i < 8; i++) {
      const r = await request(`${gw.url}/jitter`);
      const ms = Number(/^delay (\d+)ms$/.exec(String(r.headers['x-krakend-connect-fault']))?.[1]);
      assert.ok(ms >= 20 && ms <= 80, `delay ${ms}`);
      delays.add(ms);
    }
    assert.ok(delays.size > 1, 'not always the same delay');
  });

  test('an endpoint reset drops the connection without an answer', async () => {
    await assert.rejects(request(`${gw.url}/reset`), (err: NodeJS.ErrnoException) => {
      assert.ok(
        ['ECONNRESET', 'UND_ERR_SOCKET'].includes(err.code ?? '') ||
          /socket hang up/.test(err.message),
        String(err),
      );
      return true;
    });
  });

  test('no-op endpoints take endpoint faults too', async () => {
    const r = await request(`${gw.url}/slow-noop`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-krakend-connect-fault'], 'delay 50ms');
    assert.equal(r.body, '{"id":1,"name":"Ada"}');
  });

  test('a backend status is the backend failing: 500 as KrakenD, or its own with return_error_code', async () => {
    const seen = backend.seen.length;
    const r = await request(`${gw.url}/b/down`);
    assert.equal(r.status, 500);
    assert.match(
      r.body,
      /^invalid status code 503 \[GET \/users\/1\]: http:\/\/127\.0\.0\.1:\d+\/users\/1$/,
    );
    assert.deepEqual(
      (await lastCalls()).map(({ status, source, note }) => ({ status, source, note })),
      [{ status: 503, source: 'fault', note: 'injected fault: status 503' }],
    );
    const code = await request(`${gw.url}/b/code`);
    assert.equal(code.status, 503);
    assert.equal(code.body, 'backend says no');
    assert.equal(backend.seen.length, seen, 'the backend was never called');
  });

  test('a backend delay counts in that backend call’s Server-Timing', async () => {
    const r = await request(`${gw.url}/b/slow`);
    assert.equal(r.status, 200);
    const timing = serverTiming(r.headers['server-timing']);
    assert.ok((timing['backend-0']?.dur ?? 0) >= 99, JSON.stringify(timing));
    assert.equal((await lastCalls())[0]?.note, 'injected delay 100ms');
  });

  test('a backend delay past the endpoint timeout is a timeout', async () => {
    const r = await request(`${gw.url}/b/too-slow`);
    assert.equal(r.status, 500);
    assert.equal(r.body, 'context deadline exceeded');
  });

  test('a backend reset is a reset backend', async () => {
    const r = await request(`${gw.url}/b/reset`);
    assert.equal(r.status, 500);
    assert.match(
      r.body,
      /^Get "http:\/\/127\.0\.0\.1:\d+\/users\/1": read: connection reset by peer$/,
    );
    assert.deepEqual(
      (await lastCalls()).map(({ status, source, note }) => ({ status, source, note })),
      [{ status: 0, source: 'fault', note: 'injected fault: reset' }],
    );
    // The backend is live; the answer was injected, and the browser's devtools say so.
    assert.match(r.headers['server-timing'] ?? '', /desc="GET \/users\/1 \(fault\) \(failed\)"/);
  });

  test('one failing backend of a merge leaves a partial answer', async () => {
    const r = await request(`${gw.url}/b/partial`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-krakend-completed'], 'false');
    assert.equal(r.body, '{"ok":{"id":1,"name":"Ada"}}');
  });
});
