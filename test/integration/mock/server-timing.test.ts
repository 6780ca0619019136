// Server-Timing with each backend call's time (JSON pipes and the no-op hot path), the backend
// calls the dashboard's request records carry, and endpoints without mocking keeping their
// handlers (the choice is made per endpoint when the pipes are built).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../../src/config/index.js';
import { createEndpointHandler } from '../../../src/http/endpoint.js';
import { createMocking, RecordingStore } from '../../../src/mock/index.js';
import { startBackend, type TestBackend } from '../../helpers/backend.js';
import { request } from '../../helpers/http.js';
import { logSink } from '../../helpers/log.js';
import { testDeps } from '../../unit/proxy/fixtures.js';
import { gatewayOn, serverTiming, workspace, type Workspace } from './helpers.js';

function config(backendUrl: string, deadUrl: string): Record<string, unknown> {
  return {
    version: 3,
    host: [backendUrl],
    timeout: '2s',
    endpoints: [
      {
        endpoint: '/pair',
        backend: [
          { url_pattern: '/a', group: 'a' },
          { url_pattern: '/b?x="q"', group: 'b' },
        ],
      },
      {
        endpoint: '/raw',
        output_encoding: 'no-op',
        backend: [{ url_pattern: '/raw', encoding: 'no-op' }],
      },
      {
        endpoint: '/half',
        backend: [
          { url_pattern: '/a', group: 'a' },
          { url_pattern: '/a', group: 'dead', host: [deadUrl] },
        ],
      },
    ],
  };
}

describe('Server-Timing', () => {
  let backend: TestBackend;
  let ws: Workspace;
  let gw: Awaited<ReturnType<typeof gatewayOn>>;

  before(async () => {
    backend = await startBackend(async (req, res) => {
      await new Promise((r) => setTimeout(r, 40));
      if (req.url === '/raw') {
        res.writeHead(200, { 'content-type': 'text/plain', 'server-timing': 'db;dur=5' });
        res.end('raw');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url }));
    });
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((r) => closed.close(r));
    ws = workspace(config(backend.url, deadUrl));
    gw = await gatewayOn(ws, { dashboard: true });
  });
  after(async () => {
    await gw.close();
    await backend.close();
    ws.remove();
  });

  test('one metric per backend call of a merge, with its method, path and duration', async () => {
    const r = await request(`${gw.url}/pair`);
    assert.equal(r.status, 200);
    const timing = serverTiming(r.headers['server-timing']);
    const descs = [timing['backend-0']?.desc, timing['backend-1']?.desc].sort();
    assert.deepEqual(descs, ['GET /a', 'GET /b?x=%22q%22']);
    for (const name of ['backend-0', 'backend-1']) {
      assert.ok(timing[name]!.dur >= 39, `${name}: ${timing[name]!.dur}`);
      assert.match(
        String(r.headers['server-timing']),
        new RegExp(`${name};desc="[^"]+";dur=\\d+(\\.\\d)?(,|$)`),
      );
    }
  });

  test('a failed call is marked', async () => {
    const r = await request(`${gw.url}/half`);
    assert.equal(r.status, 200);
    const timing = serverTiming(r.headers['server-timing']);
    const descs = Object.values(timing)
      .map((t) => t.desc)
      .sort();
    assert.deepEqual(descs, ['GET /a', 'GET /a (failed)']);
  });

  test('the no-op hot path sets it before the backend’s own metrics', async () => {
    const r = await request(`${gw.url}/raw`);
    assert.equal(r.body, 'raw');
    assert.match(
      String(r.headers['server-timing']),
      /^backend-0;desc="GET \/raw";dur=\d+(\.\d)?, db;dur=5$/,
    );
    assert.ok(serverTiming(r.headers['server-timing'])['backend-0']!.dur >= 39);
  });

  test('the dashboard records each backend call of each request, no-op included', async () => {
    await request(`${gw.url}/raw`);
    const state = JSON.parse((await request(`${gw.url}/__krakend/api/state`)).body);
    const last = state.requests.at(-1);
    assert.equal(last.endpoint, '/raw');
    assert.equal(last.backends.length, 1);
    const { ms, ...call } = last.backends[0];
    assert.ok(ms >= 39);
    assert.deepEqual(call, {
      method: 'GET',
      url: `${backend.url}/raw`,
      status: 200,
      source: 'live',
    });
    const pair = state.requests.find((q: { path: string }) => q.path === '/pair');
    assert.deepEqual(pair.backends.map((b: { url: string }) => b.url).sort(), [
      `${backend.url}/a`,
      `${backend.url}/b?x=%22q%22`,
    ]);
  });

  test('off with serverTiming: false', async () => {
    const quiet = await gatewayOn(ws, { serverTiming: false });
    try {
      for (const path of ['/pair', '/raw']) {
        const r = await request(`${quiet.url}${path}`);
        assert.equal(r.status, 200);
        assert.equal(r.headers['server-timing'], path === '/raw' ? 'db;dur=5' : undefined);
      }
    } finally {
      await quiet.close();
    }
  });
});

describe('endpoints without mocking keep their handlers', () => {
  test('the no-op hot path stays unless a backend is mocked, faulted or recorded', async () => {
    const config = await loadConfig(
      {
        version: 3,
        host: ['http://127.0.0.1:8081'],
        endpoints: [
          {
            endpoint: '/plain',
            output_encoding: 'no-op',
            backend: [{ url_pattern: '/x', encoding: 'no-op' }],
          },
          {
            endpoint: '/mocked',
            output_encoding: 'no-op',
            backend: [
              {
                url_pattern: '/x',
                encoding: 'no-op',
                extra_config: { 'krakend-connect/mock': { file: 'x.json' } },
              },
            ],
          },
          {
            endpoint: '/faulted',
            output_encoding: 'no-op',
            extra_config: { 'krakend-connect/faults': { delay: '1ms' } },
            backend: [{ url_pattern: '/x', encoding: 'no-op' }],
          },
        ],
      },
      { cwd: process.cwd() },
    );
    const { logger } = logSink();
    const names = async (recordReplay?: { record?: RecordingStore; fallthrough: boolean }) => {
      const mocking = await createMocking(config, { logger, strict: false, recordReplay });
      const { deps, close } = testDeps(config, { transportFor: mocking.transportFor });
      try {
        return config.endpoints.map((e) => createEndpointHandler(e, deps).name);
      } finally {
        await close();
      }
    };
    assert.deepEqual(await names(), ['passthroughHandler', 'endpointHandler', 'faultyEndpoint']);
    const record = new RecordingStore('rec', process.cwd(), logger);
    assert.deepEqual(await names({ record, fallthrough: false }), [
      'endpointHandler',
      'endpointHandler',
      'faultyEndpoint',
    ]);
    const none = await createMocking(
      await loadConfig(
        {
          version: 3,
          endpoints: [{ endpoint: '/p', backend: [{ url_pattern: '/p', host: ['http://h'] }] }],
        },
        { cwd: '/' },
      ),
      { logger, strict: false },
    );
    assert.equal(none.transportFor, undefined, 'no mocking in the config: no transport at all');
  });
});
