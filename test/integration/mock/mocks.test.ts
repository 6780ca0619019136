// Backends answered by mock files and folders ("krakend-connect/mock"): JSON with {param}, JS and
// TS modules of the request, folders mirroring paths with [param] names, hot reload, and errors
// that name the file, line and column.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { unlinkSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { ReloadEvent } from '../../../src/index.js';
import { request } from '../../helpers/http.js';
import { gatewayOn, serverTiming, workspace, type Workspace } from './helpers.js';

const mock = (spec: Record<string, unknown>) => ({ 'krakend-connect/mock': spec });

function config(): Record<string, unknown> {
  return {
    version: 3,
    timeout: '2s',
    extra_config: { router: { return_error_msg: true } },
    endpoints: [
      {
        endpoint: '/users/{id}',
        backend: [
          {
            url_pattern: '/users/{id}',
            deny: ['secret'],
            extra_config: mock({ file: 'mocks/user.json', headers: { 'X-Mock': 'yes' } }),
          },
        ],
      },
      {
        endpoint: '/raw/{id}',
        output_encoding: 'no-op',
        backend: [
          {
            url_pattern: '/users/{id}',
            encoding: 'no-op',
            extra_config: mock({
              file: 'mocks/user.json',
              status: 201,
              headers: { 'X-Mock': 'yes' },
            }),
          },
        ],
      },
      {
        endpoint: '/js/{id}',
        method: 'POST',
        input_query_strings: ['q'],
        input_headers: ['Content-Type'],
        backend: [
          {
            url_pattern: '/people/{id}',
            extra_config: {
              ...mock({ file: 'mocks/person.mjs' }),
              'backend/http': { return_error_code: true },
            },
          },
        ],
      },
      {
        endpoint: '/hello/{name}',
        output_encoding: 'no-op',
        backend: [
          {
            url_pattern: '/hello',
            encoding: 'no-op',
            extra_config: mock({ file: 'mocks/hello.ts' }),
          },
        ],
      },
      ...['/api/users', '/api/users/{id}', '/api/users/{id}/posts', '/api/nothing'].map(
        (endpoint) => ({
          endpoint,
          backend: [
            {
              url_pattern: endpoint.replace('/api', ''),
              ...(endpoint.endsWith('users') || endpoint.endsWith('posts')
                ? { is_collection: true }
                : {}),
              extra_config: mock({ folder: 'mocks/api' }),
            },
          ],
        }),
      ),
      {
        endpoint: '/empty',
        output_encoding: 'no-op',
        backend: [
          { url_pattern: '/empty', encoding: 'no-op', extra_config: mock({ file: 'mocks/empty.mjs' }) },
        ],
      },
      {
        endpoint: '/broken',
        backend: [{ url_pattern: '/x', extra_config: mock({ file: 'mocks/broken.json' }) }],
      },
      {
        endpoint: '/later',
        backend: [{ url_pattern: '/x', extra_config: mock({ file: 'mocks/later.json' }) }],
      },
    ],
  };
}

function files(ws: Workspace): void {
  ws.write('mocks/user.json', {
    id: '{id}',
    name: 'User {id}',
    secret: 'hidden',
    note: '{unknown} stays',
  });
  ws.write(
    'mocks/person.mjs',
    `export default async function person({ method, params, query, body, json, headers }) {
  if (params.id === '0') return Response.json({ error: 'no person 0' }, { status: 404 });
  return { method, id: Number(params.id), q: query.q, body, json, type: headers['content-type'] };
}
`,
  );
  ws.write(
    'mocks/hello.ts',
    `interface Req { params: Record<string, string> }
const greet = (who: string): string => \`hello \${who}\`;
export default (req: Req): string => greet(req.params.name);
`,
  );
  ws.write('mocks/empty.mjs', 'export default () => undefined;\n');
  ws.write('mocks/api/users/index.json', [{ id: 1 }, { id: 2 }]);
  ws.write('mocks/api/users/me.json', { id: 'me' });
  ws.write('mocks/api/users/[id].json', { id: '{id}', from: '[id].json' });
  ws.write('mocks/api/users/[id]/posts.GET.json', [{ user: '{id}', title: 'first' }]);
  ws.write('mocks/api/users/[id]/posts.json', [{ never: 'the method-specific file wins' }]);
  ws.write('mocks/broken.json', '{\n  "id": 1,\n  "name": "x" "y"\n}\n');
}

describe('mock files and folders', () => {
  let ws: Workspace;
  let gw: Awaited<ReturnType<typeof gatewayOn>>;

  before(async () => {
    ws = workspace(config());
    files(ws);
    gw = await gatewayOn(ws, { dashboard: true });
  });
  after(async () => {
    await gw.close();
    ws.remove();
  });

  test('a JSON file answers with {param} filled in, and the backend filters still apply', async () => {
    const r = await request(`${gw.url}/users/42`);
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"id":"42","name":"User 42","note":"{unknown} stays"}');
    assert.equal(r.headers['x-krakend-completed'], 'true');
    assert.deepEqual(
      serverTiming(r.headers['server-timing'])['backend-0']?.desc,
      'GET /users/42 (mock)',
    );
    const state = JSON.parse((await request(`${gw.url}/__krakend/api/state`)).body);
    const { ms, ...call } = state.requests.at(-1).backends[0];
    assert.equal(typeof ms, 'number');
    assert.deepEqual(call, {
      method: 'GET',
      url: 'http://mock/users/42',
      status: 200,
      source: 'mock',
      file: 'mocks/user.json',
    });
    assert.deepEqual(state.routes[0].backends[0].mock, 'mocks/user.json');
    assert.ok(!gw.messages().some((m) => m.includes('no host')), 'a mocked backend needs no host');
  });

  test('on a no-op endpoint the status and headers of the namespace reach the client', async () => {
    const r = await request(`${gw.url}/raw/7`);
    assert.equal(r.status, 201);
    assert.equal(r.headers['x-mock'], 'yes');
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.body, '{"id":"7","name":"User 7","secret":"hidden","note":"{unknown} stays"}');
  });

  test('a module that returns nothing is a 204, without the Content-Length a 204 must not have', async () => {
    const r = await request(`${gw.url}/empty`);
    assert.equal(r.status, 204);
    assert.equal(r.body, '');
    assert.equal(r.headers['content-length'], undefined);
  });

  test('a JS module is a function of the request; a Response sets the status', async () => {
    const r = await request(`${gw.url}/js/5?q=find&drop=1`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"a":1}',
    });
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body), {
      method: 'POST',
      id: 5,
      q: 'find',
      body: '{"a":1}',
      json: { a: 1 },
      type: 'application/json',
    });
    const missing = await request(`${gw.url}/js/0`, { method: 'POST' });
    assert.equal(missing.status, 404);
    assert.equal(missing.body, '{"error":"no person 0"}');
  });

  test('a TypeScript module needs no build step', async () => {
    const r = await request(`${gw.url}/hello/ada`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(r.body, 'hello ada');
  });

  test('a folder mirrors the paths: index, exact names before [param], method-specific first', async () => {
    assert.equal((await request(`${gw.url}/api/users`)).body, '{"collection":[{"id":1},{"id":2}]}');
    assert.equal((await request(`${gw.url}/api/users/me`)).body, '{"id":"me"}');
    assert.equal((await request(`${gw.url}/api/users/7`)).body, '{"from":"[id].json","id":"7"}');
    const posts = await request(`${gw.url}/api/users/7/posts`);
    assert.equal(posts.status, 200);
    const state = JSON.parse((await request(`${gw.url}/__krakend/api/state`)).body);
    assert.equal(state.requests.at(-1).backends[0].file, 'mocks/api/users/[id]/posts.GET.json');
    assert.equal(posts.body, '{"collection":[{"title":"first","user":"7"}]}');
  });

  test('a path without a file is the backend 404, logged with the folder it looked in', async () => {
    const r = await request(`${gw.url}/api/nothing`);
    assert.equal(r.status, 500);
    assert.ok(
      gw
        .messages()
        .includes('[MOCK: GET /api/nothing] no mock file for GET /nothing in mocks/api/'),
      gw.messages().join('\n'),
    );
  });

  test('a file added to the folder is served at once', async () => {
    ws.write('mocks/api/nothing.json', { now: 'here' });
    const r = await request(`${gw.url}/api/nothing`);
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"now":"here"}');
  });

  test('a broken file at start: its calls fail naming the file, line and column', async () => {
    const r = await request(`${gw.url}/broken`);
    assert.equal(r.status, 500);
    assert.equal(
      r.body,
      "mocks/broken.json:3:15 invalid character '\"' after object key:value pair",
    );
    assert.ok(gw.messages().includes(`[MOCK] ${r.body}`), gw.messages().join('\n'));
  });

  test('a file missing at start is served once it exists', async () => {
    const r = await request(`${gw.url}/later`);
    assert.equal(r.status, 500);
    assert.match(r.body, /^mocks\/later\.json cannot read the mock file: ENOENT/);
    ws.write('mocks/later.json', { ready: true });
    assert.equal((await request(`${gw.url}/later`)).body, '{"ready":true}');
  });
});

describe('mock files hot-reload like plugins', () => {
  let ws: Workspace;
  let gw: Awaited<ReturnType<typeof gatewayOn>>;

  before(async () => {
    ws = workspace({
      version: 3,
      extra_config: { router: { return_error_msg: true } },
      endpoints: [
        {
          endpoint: '/m',
          backend: [{ url_pattern: '/m', extra_config: mock({ file: 'mocks/m.mjs' }) }],
        },
      ],
    });
    ws.write('mocks/data.mjs', `export const value = 1;\n`);
    ws.write(
      'mocks/m.mjs',
      `import { value } from './data.mjs';\nexport default () => ({ value });\n`,
    );
    gw = await gatewayOn(ws, { watch: true });
  });
  after(async () => {
    await gw.close();
    ws.remove();
  });

  async function saved(path: string, text: string): Promise<ReloadEvent> {
    const reloaded = once(gw.gateway, 'reload') as Promise<[ReloadEvent]>;
    ws.write(path, text);
    const timer = setTimeout(() => gw.gateway.reload(), 5000);
    try {
      return (await reloaded)[0];
    } finally {
      clearTimeout(timer);
    }
  }

  test('the mock and its imports are watched', () => {
    assert.ok(gw.gateway.watchedFiles.includes(`${ws.dir}/mocks/m.mjs`));
    assert.ok(gw.gateway.watchedFiles.includes(`${ws.dir}/mocks/data.mjs`));
  });

  test('an edit of an imported file reloads and is served', async () => {
    assert.equal((await request(`${gw.url}/m`)).body, '{"value":1}');
    const event = await saved('mocks/data.mjs', `export const value = 22;\n`);
    assert.equal(event.ok, true);
    assert.equal((await request(`${gw.url}/m`)).body, '{"value":22}');
  });

  test('a broken save keeps the last good mock serving and says where it broke', async () => {
    const event = await saved('mocks/m.mjs', `export default () => ({ value: });\n`);
    assert.equal(event.ok, false);
    const error = (event as { error: Error & { file?: string; line?: number; column?: number } })
      .error;
    assert.equal(error.file, `${ws.dir}/mocks/m.mjs`);
    assert.equal(error.line, 1);
    assert.match(error.message, /^\/.*\/mocks\/m\.mjs:1:\d+ Unexpected "}"$/);
    assert.equal((await request(`${gw.url}/m`)).body, '{"value":22}');
    const fixed = await saved('mocks/m.mjs', `export default () => ({ value: 'fixed' });\n`);
    assert.equal(fixed.ok, true);
    assert.equal((await request(`${gw.url}/m`)).body, '{"value":"fixed"}');
  });

  test('a deleted mock file is not a reload failure: its calls fail until it is back', async () => {
    const reloaded = once(gw.gateway, 'reload') as Promise<[ReloadEvent]>;
    unlinkSync(`${ws.dir}/mocks/m.mjs`);
    const timer = setTimeout(() => gw.gateway.reload(), 5000);
    const [event] = await reloaded;
    clearTimeout(timer);
    assert.equal(event.ok, true);
    const r = await request(`${gw.url}/m`);
    assert.equal(r.status, 500);
    assert.match(r.body, /^mocks\/m\.mjs cannot read the mock file/);
  });
});
