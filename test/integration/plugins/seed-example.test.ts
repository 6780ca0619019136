import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildHandlerChain, loadPlugins, type PluginRegistry } from '../../../src/plugins/index.js';
import { request } from '../../helpers/http.js';
import { LEVEL, logSink } from '../../helpers/log.js';
import { notFound, serve } from './helpers.js';

const examples = fileURLToPath(new URL('../../../examples/plugins/', import.meta.url));
const file = (name: string) => join(examples, name);

// The seed: KrakenD's krakend-server-example (behaviour §7.8 G1), loaded from examples/plugins.
describe('the seed example, krakend-server-example', () => {
  const sink = logSink();
  let registry: PluginRegistry;
  let app: Awaited<ReturnType<typeof serve>>;
  const extra = {
    name: ['krakend-server-example'],
    'krakend-server-example': { path: '/hijack-me' },
  };

  before(async () => {
    registry = await loadPlugins({ folder: examples, pattern: '.ts' }, { logger: sink.logger });
    app = await serve(await buildHandlerChain(registry, extra, notFound, { logger: sink.logger }));
  });
  after(async () => {
    await app.close();
    registry.dispose();
  });

  it('loads the three example files with KrakenD\'s log lines', () => {
    assert.deepEqual(
      sink.lines.map((l) => [l.level, l.msg]),
      [
        [LEVEL.debug, '[SERVICE: Plugin Loader] Starting loading process'],
        [LEVEL.debug, `[SERVICE: Executor Plugin] plugin #0 (${file('add-header-modifier.ts')}): plugin: symbol ClientRegisterer not found in plugin ${file('add-header-modifier.ts')}`],
        [LEVEL.debug, '[PLUGIN: fake-backend] Logger loaded'],
        [LEVEL.debug, `[SERVICE: Executor Plugin] plugin #2 (${file('krakend-server-example.ts')}): plugin: symbol ClientRegisterer not found in plugin ${file('krakend-server-example.ts')}`],
        [LEVEL.info, '[SERVICE: Executor Plugin] Total plugins loaded: 1'],
        [LEVEL.debug, `[SERVICE: Handler Plugin] plugin #0 (${file('add-header-modifier.ts')}): plugin: symbol HandlerRegisterer not found in plugin ${file('add-header-modifier.ts')}`],
        [LEVEL.debug, `[SERVICE: Handler Plugin] plugin #1 (${file('fake-backend.ts')}): plugin: symbol HandlerRegisterer not found in plugin ${file('fake-backend.ts')}`],
        [LEVEL.debug, '[PLUGIN: krakend-server-example] Logger loaded'],
        [LEVEL.info, '[SERVICE: Handler Plugin] Total plugins loaded: 1'],
        [LEVEL.debug, '[PLUGIN: add-header-modifier] Logger loaded'],
        [LEVEL.debug, `[SERVICE: Modifier Plugin] plugin #1 (${file('fake-backend.ts')}): plugin: symbol ModifierRegisterer not found in plugin ${file('fake-backend.ts')}`],
        [LEVEL.debug, `[SERVICE: Modifier Plugin] plugin #2 (${file('krakend-server-example.ts')}): plugin: symbol ModifierRegisterer not found in plugin ${file('krakend-server-example.ts')}`],
        [LEVEL.info, '[SERVICE: Modifier Plugin] Total plugins loaded: 1'],
        [LEVEL.debug, '[SERVICE: Plugin Loader] Loading process completed'],
        [LEVEL.debug, 'The plugin is now hijacking the path /hijack-me'],
        [LEVEL.info, '[PLUGIN: Server] Injecting plugin krakend-server-example'],
      ],
    );
    // RegisterLogger's logger is a pino child named after the plugin file.
    assert.equal(sink.lines[2].plugin, 'fake-backend');
    assert.deepEqual([...registry.handlers.keys()], ['krakend-server-example']);
    assert.deepEqual([...registry.clients.keys()], ['fake-backend']);
    assert.deepEqual([...registry.modifiers.keys()], ['add-header-modifier']);
    assert.ok(registry.files.includes(file('lib/fake-routes.ts')), 'the helper module is watched too');
  });

  it('answers GET /hijack-me itself', async () => {
    const res = await request(`${app.url}/hijack-me`);
    assert.equal(res.status, 200);
    assert.equal(res.body, 'Hello, "/hijack-me"');
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(sink.lines.at(-1)?.msg, 'request: /hijack-me');
  });

  it('wraps the rest of the gateway, 404 included', async () => {
    const res = await request(`${app.url}/hijack-me-not`);
    assert.equal(res.status, 404);
    assert.equal(res.body, '404 page not found');
  });

  it('is left out, with KrakenD\'s error, when its options are missing', async () => {
    const own = logSink();
    const chain = await buildHandlerChain(registry, { name: ['krakend-server-example'] }, notFound, {
      logger: own.logger,
    });
    assert.equal(own.messages().at(-1), '[PLUGIN: Server] Error getting the plugin handler: configuration not found');
    const bare = await serve(chain);
    try {
      assert.equal((await request(`${bare.url}/hijack-me`)).status, 404);
    } finally {
      await bare.close();
    }
  });
});
