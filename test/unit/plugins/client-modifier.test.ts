import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RequestWrapper } from '../../../src/plugin.js';
import { loadPlugins, type PluginRegistry } from '../../../src/plugins/index.js';
import { logSink } from '../../helpers/log.js';

const examples = fileURLToPath(new URL('../../../examples/plugins/', import.meta.url));

// The proxy calls these; here the example plugins are driven directly through the shapes of
// INTERFACE.md (WHATWG Request/Response for clients, wrappers for modifiers).
describe('example client and modifier plugins', () => {
  let registry: PluginRegistry;
  before(async () => {
    registry = await loadPlugins({ folder: examples, pattern: '.ts' }, { logger: logSink().logger });
  });
  after(() => registry.dispose());

  const fakeBackend = async () => {
    const entry = registry.clients.get('fake-backend');
    assert.ok(entry);
    const extra = {
      name: 'fake-backend',
      'fake-backend': {
        routes: {
          'GET /users/{id}': { id: '{id}', name: 'User {id}', tags: ['{id}-tag'] },
          '/health': { status: 'ok' },
        },
        echo: '/__echo',
      },
    };
    return entry.factory(registry.context('fake-backend'), extra);
  };

  it('fake-backend answers canned JSON with path params filled in', async () => {
    const call = await fakeBackend();
    const res = await call(new Request('http://backend.local/users/7'));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.deepEqual(await res.json(), { id: 7, name: 'User 7', tags: ['7-tag'] });
    const any = await call(new Request('http://backend.local/health', { method: 'DELETE' }));
    assert.deepEqual(await any.json(), { status: 'ok' });
  });

  it('fake-backend answers 404 for an unknown route or method', async () => {
    const call = await fakeBackend();
    const res = await call(new Request('http://backend.local/users/7', { method: 'POST', body: '{}' }));
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: 'no fake for POST /users/7' });
  });

  it('fake-backend echoes what the gateway sent', async () => {
    const call = await fakeBackend();
    const res = await call(
      new Request('http://backend.local/__echo?a=1', {
        method: 'PUT',
        headers: { 'x-added-by': 'test' },
        body: 'hello',
      }),
    );
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.method, 'PUT');
    assert.equal(body.path, '/__echo');
    assert.deepEqual(body.query, { a: '1' });
    assert.equal((body.headers as Record<string, string>)['x-added-by'], 'test');
    assert.equal(body.body, 'hello');
  });

  it('add-header-modifier adds the configured headers to the request wrapper', async () => {
    const entry = registry.modifiers.get('add-header-modifier');
    assert.ok(entry);
    assert.equal(entry.request, true);
    assert.equal(entry.response, false);
    const modify = await entry.factory({
      name: ['add-header-modifier'],
      'add-header-modifier': { headers: { 'X-Added-By': 'krakend-connect' } },
    });
    const input: RequestWrapper = {
      method: 'GET',
      url: 'http://backend.local/users/7',
      path: '/users/7',
      query: {},
      params: { Id: '7' },
      headers: { Accept: ['application/json'] },
      body: null,
    };
    const out = (await modify(input)) as RequestWrapper;
    assert.deepEqual(out.headers, { Accept: ['application/json'], 'X-Added-By': ['krakend-connect'] });
    assert.deepEqual(input.headers, { Accept: ['application/json'] }, 'the input is not mutated');
  });
});
