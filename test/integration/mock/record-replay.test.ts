// --record DIR / --replay DIR (middleware options record/replay/replayFallthrough): readable files
// without secrets, replay with the backend stopped, clear 502s for missing recordings, and the
// live-first mode with recordings as the fallback (DECISIONS.md 27).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { startBackend, type TestBackend } from '../../helpers/backend.js';
import { request } from '../../helpers/http.js';
import { gatewayOn, serverTiming, workspace, type Workspace } from './helpers.js';

const SECRETS = ['sekret-1', 'cookie-2', 'key-3', 'tok-123', 'session=abc'];

function config(backendUrl: string, returnErrorMsg = true): Record<string, unknown> {
  return {
    version: 3,
    host: [backendUrl],
    timeout: '1s',
    extra_config: { router: { return_error_msg: returnErrorMsg } },
    endpoints: [
      {
        endpoint: '/users/{id}',
        input_headers: ['Authorization', 'Cookie', 'X-Api-Key'],
        input_query_strings: ['token', 'page'],
        backend: [{ url_pattern: '/users/{id}' }],
      },
      {
        endpoint: '/raw',
        output_encoding: 'no-op',
        backend: [{ url_pattern: '/raw', encoding: 'no-op' }],
      },
      {
        endpoint: '/search',
        method: 'POST',
        input_headers: ['Content-Type'],
        backend: [{ url_pattern: '/search' }],
      },
      { endpoint: '/gz', backend: [{ url_pattern: '/gz' }] },
      {
        endpoint: '/pair/{id}',
        backend: [
          { url_pattern: '/users/{id}', group: 'a' },
          { url_pattern: '/users/{id}/extra', group: 'b' },
        ],
      },
    ],
  };
}

type Mode = 'ok' | '503' | 'slow' | 'lagging';

/** A backend whose answers can be switched: names change with `version`, `mode` breaks it. */
function apiBackend(state: { version: number; mode: Mode }) {
  return startBackend(async (req, res, body) => {
    if (state.mode === 'slow') await new Promise((r) => setTimeout(r, 1500));
    // Past 80 % of the 1 s endpoint timeout, but in time for the endpoint.
    if (state.mode === 'lagging') await new Promise((r) => setTimeout(r, 900));
    if (state.mode === '503') {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('down for maintenance');
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    const user = /^\/users\/(\d+)$/.exec(path);
    if (user) {
      res.writeHead(200, {
        'content-type': 'application/json',
        'set-cookie': 'session=abc; HttpOnly',
        'x-trace': `t${user[1]}`,
      });
      res.end(JSON.stringify({ id: Number(user[1]), name: `User ${user[1]} v${state.version}` }));
      return;
    }
    if (/^\/users\/\d+\/extra$/.test(path)) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"extra":true}');
      return;
    }
    if (path === '/gz') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync('{"gz":true}'));
      return;
    }
    if (path === '/raw') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-raw': 'yes' });
      res.end('raw bytes\n');
      return;
    }
    if (path === '/search') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ searched: JSON.parse(body.toString('utf8')) }));
      return;
    }
    res.writeHead(404);
    res.end();
  });
}

async function waitForFile(path: string): Promise<void> {
  for (let i = 0; i < 100 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(existsSync(path), `${path} was not written`);
}

const secretHeaders = {
  Authorization: 'Bearer sekret-1',
  Cookie: 'sid=cookie-2',
  'X-Api-Key': 'key-3',
};

describe('record, then replay with the backend stopped', () => {
  const state = { version: 1, mode: 'ok' as Mode };
  let backend: TestBackend;
  let ws: Workspace;
  let host: string;

  before(async () => {
    backend = await apiBackend(state);
    ws = workspace(config(backend.url));
    host = `127.0.0.1_${backend.port}`;
  });
  after(async () => {
    await backend.close();
    ws.remove();
  });

  test('--record writes one readable file per call, without secrets', async () => {
    const gw = await gatewayOn(ws, { record: 'rec' });
    try {
      const r1 = await request(`${gw.url}/users/1?token=tok-123&page=2`, {
        headers: secretHeaders,
      });
      assert.equal(r1.status, 200);
      assert.equal(r1.body, '{"id":1,"name":"User 1 v1"}');
      assert.equal((await request(`${gw.url}/users/2`)).status, 200);
      const raw = await request(`${gw.url}/raw`);
      assert.equal(raw.body, 'raw bytes\n');
      const search = await request(`${gw.url}/search`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"q":"ada"}',
      });
      assert.equal(search.body, '{"searched":{"q":"ada"}}');
      await waitForFile(join(ws.dir, 'rec', host, 'raw', 'GET.json'));
    } finally {
      await gw.close();
    }
    const files = ws.files('rec');
    assert.equal(files.length, 4, files.join('\n'));
    assert.ok(files.includes(`${host}/raw/GET.json`));
    assert.ok(files.includes(`${host}/users/2/GET.json`));
    const user1 = files.find((f) => f.startsWith(`${host}/users/1/GET-`));
    assert.match(user1 ?? '', /^127\.0\.0\.1_\d+\/users\/1\/GET-[0-9a-f]{8}\.json$/);
    assert.match(
      files.find((f) => f.includes('/search/')) ?? '',
      /\/search\/POST-[0-9a-f]{8}\.json$/,
    );

    const text = readFileSync(join(ws.dir, 'rec', user1!), 'utf8');
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `${secret} in ${text}`);
    assert.deepEqual(JSON.parse(text), {
      request: { method: 'GET', url: `${backend.url}/users/1?page=2&token=REDACTED` },
      response: {
        status: 200,
        headers: { 'Content-Type': 'application/json', 'X-Trace': 't1' },
        body: { id: 1, name: 'User 1 v1' },
      },
    });
    assert.ok(text.endsWith('}\n') && text.includes('\n  "response": {\n'), 'pretty-printed');
    const rawFile = JSON.parse(readFileSync(join(ws.dir, 'rec', host, 'raw', 'GET.json'), 'utf8'));
    assert.deepEqual(rawFile.response, {
      status: 200,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Raw': 'yes' },
      bodyText: 'raw bytes\n',
    });
    const searchFile = files.find((f) => f.includes('/search/'))!;
    assert.deepEqual(JSON.parse(readFileSync(join(ws.dir, 'rec', searchFile), 'utf8')).request, {
      method: 'POST',
      url: `${backend.url}/search`,
      headers: { 'Content-Type': 'application/json' },
      bodySha256: createHash('sha256').update('{"q":"ada"}').digest('hex'),
    });
  });

  test('re-recording the same answers leaves the files untouched', async () => {
    const file = join(ws.dir, 'rec', host, 'users', '2', 'GET.json');
    const before = readFileSync(file, 'utf8');
    const gw = await gatewayOn(ws, { record: 'rec' });
    try {
      assert.equal((await request(`${gw.url}/users/2`)).status, 200);
    } finally {
      await gw.close();
    }
    assert.equal(readFileSync(file, 'utf8'), before);
  });

  test('--replay-fallthrough: recorded calls replay, the others go to the live backend', async () => {
    state.version = 2;
    const gw = await gatewayOn(ws, { replay: 'rec', replayFallthrough: true });
    try {
      const recorded = await request(`${gw.url}/users/2`);
      assert.equal(recorded.body, '{"id":2,"name":"User 2 v1"}');
      assert.equal(recorded.headers['x-krakend-connect-replay'], `rec/${host}/users/2/GET.json`);
      const live = await request(`${gw.url}/users/5`);
      assert.equal(live.status, 200);
      assert.equal(live.body, '{"id":5,"name":"User 5 v2"}');
      assert.equal(live.headers['x-krakend-connect-replay'], undefined);
    } finally {
      await gw.close();
    }
    assert.ok(!existsSync(join(ws.dir, 'rec', host, 'users', '5')), 'replay alone never records');
  });

  test('--replay serves every recorded call with the backend stopped', async () => {
    await backend.close();
    const gw = await gatewayOn(ws, { replay: 'rec' });
    try {
      // Another token replays the same recording: secrets are not part of the key.
      const r1 = await request(`${gw.url}/users/1?token=other&page=2`, { headers: secretHeaders });
      assert.equal(r1.status, 200);
      assert.equal(r1.body, '{"id":1,"name":"User 1 v1"}');
      assert.match(
        String(r1.headers['x-krakend-connect-replay']),
        /^rec\/127\.0\.0\.1_\d+\/users\/1\/GET-[0-9a-f]{8}\.json$/,
      );
      const timing = serverTiming(r1.headers['server-timing']);
      assert.equal(timing['backend-0']?.desc, 'GET /users/1?page=2&token=other (replay)');

      const raw = await request(`${gw.url}/raw`);
      assert.equal(raw.status, 200);
      assert.equal(raw.body, 'raw bytes\n');
      assert.equal(raw.headers['content-type'], 'text/plain; charset=utf-8');
      assert.equal(raw.headers['x-raw'], 'yes');
      assert.equal(raw.headers['x-krakend-connect-replay'], `rec/${host}/raw/GET.json`);

      const search = await request(`${gw.url}/search`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"q":"ada"}',
      });
      assert.equal(search.body, '{"searched":{"q":"ada"}}');
    } finally {
      await gw.close();
    }
  });

  test('a missing recording is a 502 naming the request and the file looked for', async () => {
    const gw = await gatewayOn(ws, { replay: 'rec' });
    try {
      const r = await request(`${gw.url}/users/9`);
      assert.equal(r.status, 502);
      const file = `rec/${host}/users/9/GET.json`;
      assert.equal(r.body, `no recording for GET ${backend.url}/users/9: looked for ${file}`);
      assert.equal(r.headers['x-krakend-connect-replay-missing'], file);
      assert.equal(r.headers['x-krakend-connect-replay'], undefined);
      assert.ok(
        gw.messages().includes(`[ENDPOINT: /users/:id] ${r.body}`),
        gw.messages().join('\n'),
      );

      const other = await request(`${gw.url}/search`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"q":"bob"}',
      });
      assert.equal(other.status, 502);
      assert.match(
        other.body,
        /^no recording for POST http:\/\/127\.0\.0\.1:\d+\/search: looked for rec\/127\.0\.0\.1_\d+\/search\/POST-[0-9a-f]{8}\.json; this path has recordings for other queries, headers or bodies: POST-[0-9a-f]{8}\.json$/,
      );

      const pair = await request(`${gw.url}/pair/9`);
      assert.equal(pair.status, 502);
      assert.deepEqual(pair.body.split('\n'), [
        `no recording for GET ${backend.url}/users/9: looked for rec/${host}/users/9/GET.json`,
        `no recording for GET ${backend.url}/users/9/extra: looked for rec/${host}/users/9/extra/GET.json`,
      ]);
    } finally {
      await gw.close();
    }
  });

  test('the 502 body is sent even without return_error_msg', async () => {
    const quiet = workspace(config(backend.url, false));
    try {
      const gw = await gatewayOn(quiet, { replay: join(ws.dir, 'rec') });
      try {
        const r = await request(`${gw.url}/users/9`);
        assert.equal(r.status, 502);
        assert.match(
          r.body,
          /^no recording for GET http:\/\/127\.0\.0\.1:\d+\/users\/9: looked for \//,
        );
      } finally {
        await gw.close();
      }
    } finally {
      quiet.remove();
    }
  });
});

describe('record and replay together: live first, recordings as the fallback', () => {
  const state = { version: 1, mode: 'ok' as Mode };
  let backend: TestBackend;
  let ws: Workspace;

  before(async () => {
    backend = await apiBackend(state);
    ws = workspace(config(backend.url));
  });
  after(async () => {
    await backend.close();
    ws.remove();
  });

  async function lastCall(url: string) {
    const snapshot = JSON.parse((await request(`${url}/__krakend/api/state`)).body);
    return snapshot.requests.at(-1).backends[0];
  }

  test('a good live answer is served and recorded; a failing one is covered by the recording', async () => {
    const gw = await gatewayOn(ws, { record: 'rec', replay: 'rec', dashboard: true });
    try {
      const live = await request(`${gw.url}/users/1`);
      assert.equal(live.body, '{"id":1,"name":"User 1 v1"}');
      assert.equal(live.headers['x-krakend-connect-replay'], undefined);
      const file = `rec/127.0.0.1_${backend.port}/users/1/GET.json`;
      assert.ok(existsSync(join(ws.dir, file)));
      const { ms, ...recorded } = await lastCall(gw.url);
      assert.equal(typeof ms, 'number');
      assert.deepEqual(recorded, {
        method: 'GET',
        url: `${backend.url}/users/1`,
        status: 200,
        source: 'live',
        file,
        note: 'recorded',
      });

      state.version = 2;
      assert.equal((await request(`${gw.url}/users/1`)).body, '{"id":1,"name":"User 1 v2"}');

      state.mode = '503';
      const covered = await request(`${gw.url}/users/1`);
      assert.equal(covered.status, 200);
      assert.equal(covered.body, '{"id":1,"name":"User 1 v2"}', 'the newest recording');
      assert.equal(covered.headers['x-krakend-connect-replay'], file);
      const call = await lastCall(gw.url);
      assert.equal(call.source, 'replay');
      assert.equal(call.file, file);
      assert.equal(call.note, 'live call failed (status 503): served the recording');
      assert.equal(
        JSON.parse(readFileSync(join(ws.dir, file), 'utf8')).response.body.name,
        'User 1 v2',
        'a 5xx never overwrites the recording',
      );

      state.mode = 'slow';
      const slow = await request(`${gw.url}/users/1`);
      assert.equal(slow.status, 200);
      assert.equal(slow.headers['x-krakend-connect-replay'], file);
      assert.equal(
        (await lastCall(gw.url)).note,
        'live call failed (no answer within 800ms): served the recording',
      );

      state.mode = 'ok';
      await backend.close();
      const down = await request(`${gw.url}/users/1`);
      assert.equal(down.status, 200);
      assert.equal(down.body, '{"id":1,"name":"User 1 v2"}');
      assert.match(
        (await lastCall(gw.url)).note,
        /^live call failed \(Get "http:\/\/127\.0\.0\.1:\d+\/users\/1": dial tcp 127\.0\.0\.1:\d+: connect: connection refused\): served the recording$/,
      );

      // Nothing recorded and nothing live: KrakenD's own answer for a dead backend.
      const none = await request(`${gw.url}/users/3`);
      assert.equal(none.status, 500);
      assert.match(none.body, /connection refused/);
    } finally {
      await gw.close();
    }
  });
});

describe('recording: gzip, 5xx and slow calls', () => {
  const state = { version: 1, mode: 'ok' as Mode };
  let backend: TestBackend;
  let ws: Workspace;
  let host: string;

  before(async () => {
    backend = await apiBackend(state);
    ws = workspace(config(backend.url));
    host = `127.0.0.1_${backend.port}`;
  });
  after(async () => {
    await backend.close();
    ws.remove();
  });

  test('--record decodes a gzip answer once: the client gets its JSON, the file holds it', async () => {
    const gw = await gatewayOn(ws, { record: 'gz' });
    try {
      const r = await request(`${gw.url}/gz`);
      assert.equal(r.status, 200);
      assert.equal(r.body, '{"gz":true}');
    } finally {
      await gw.close();
    }
    const file = JSON.parse(readFileSync(join(ws.dir, 'gz', host, 'gz', 'GET.json'), 'utf8'));
    assert.deepEqual(file.response, {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
      body: { gz: true },
    });
  });

  test('--record alone: a 5xx is served but never overwrites a recording', async () => {
    const gw = await gatewayOn(ws, { record: 'keep' });
    const file = join(ws.dir, 'keep', host, 'users', '5', 'GET.json');
    try {
      assert.equal((await request(`${gw.url}/users/5`)).status, 200);
      state.mode = '503';
      assert.equal((await request(`${gw.url}/users/5`)).status, 500);
    } finally {
      state.mode = 'ok';
      await gw.close();
    }
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).response.status, 200);
  });

  test('live first: with no recording to stand in, a slow call gets the whole timeout', async () => {
    const gw = await gatewayOn(ws, { record: 'slow', replay: 'slow' });
    try {
      state.mode = 'lagging';
      const r = await request(`${gw.url}/users/6`);
      assert.equal(r.status, 200);
      assert.equal(r.body, '{"id":6,"name":"User 6 v1"}');
    } finally {
      state.mode = 'ok';
      await gw.close();
    }
    assert.ok(existsSync(join(ws.dir, 'slow', host, 'users', '6', 'GET.json')));
  });
});

describe('recording a stream', () => {
  test('a client that leaves an endless stream closes the backend stream too; nothing is written', async () => {
    let backendSawClose = false;
    const backend = await startBackend((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const timer = setInterval(() => res.write('data: tick\n\n'), 20);
      res.on('close', () => {
        clearInterval(timer);
        backendSawClose = true;
      });
    });
    const ws = workspace({
      version: 3,
      host: [backend.url],
      endpoints: [
        {
          endpoint: '/events',
          output_encoding: 'no-op',
          backend: [{ url_pattern: '/events', encoding: 'no-op' }],
        },
      ],
    });
    const gw = await gatewayOn(ws, { record: 'rec' });
    try {
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest(`${gw.url}/events`, (res) => {
          res.once('data', (chunk: Buffer) => {
            assert.equal(chunk.toString(), 'data: tick\n\n');
            req.destroy();
            resolve();
          });
        });
        req.on('error', (err) => (err.message === 'socket hang up' ? undefined : reject(err)));
        req.end();
      });
      for (let i = 0; i < 250 && !backendSawClose; i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(backendSawClose, 'the backend stream was closed');
      assert.deepEqual(ws.files('rec'), []);
    } finally {
      await gw.close();
      await backend.close();
      ws.remove();
    }
  });
});
