import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildHandlerChain, loadPlugins, type PluginRegistry } from '../../../src/plugins/index.js';
import { request } from '../../helpers/http.js';
import { logSink } from '../../helpers/log.js';
import { notFound, serve } from './helpers.js';

const folder = fileURLToPath(new URL('../../fixtures/plugins/formats/', import.meta.url));
const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];

// test/fixtures/plugins/formats: .ts .mjs .cjs .js .cts .mts plugins, named and default
// exports, camelCase methods, a sibling helper, an npm package (yaml), import.meta.url.
describe('plugins written as TS, ESM and CJS load without a build step', () => {
  const sink = logSink();
  let registry: PluginRegistry;
  let app: Awaited<ReturnType<typeof serve>>;

  before(async () => {
    // A production config's ".so" pattern matches the JS/TS files.
    registry = await loadPlugins({ folder, pattern: '.so' }, { logger: sink.logger });
    const chain = await buildHandlerChain(registry, { name: NAMES }, notFound, { logger: sink.logger });
    app = await serve(chain);
  });
  after(async () => {
    await app.close();
    registry.dispose();
  });

  it('registers every file, with no error or warning', () => {
    assert.deepEqual(
      sink.lines.filter((l) => l.level >= 40).map((l) => l.msg),
      [],
    );
    assert.ok(sink.messages().includes('[SERVICE: Handler Plugin] Total plugins loaded: 6'));
    assert.deepEqual([...registry.handlers.keys()].sort(), [...NAMES].sort());
    assert.deepEqual(
      registry.loaded.map((l) => [l.file.slice(folder.length), l.kinds, l.names]),
      [
        ['alpha.ts', [{ kind: 'handler', ok: true }], ['alpha']],
        ['beta.mjs', [{ kind: 'handler', ok: true }], ['beta']],
        ['delta.js', [{ kind: 'handler', ok: true }], ['delta']],
        ['epsilon.cts', [{ kind: 'handler', ok: true }], ['epsilon']],
        ['gamma.cjs', [{ kind: 'handler', ok: true }], ['gamma']],
        ['zeta.mts', [{ kind: 'handler', ok: true }], ['zeta']],
      ],
    );
    assert.ok(registry.files.includes(join(folder, 'lib/greeting.ts')));
  });

  it('serves through all six, in chain order', async () => {
    const res = await request(`${app.url}/through`);
    assert.equal(res.status, 404);
    assert.equal(res.body, '404 page not found');
    for (const name of NAMES.slice(0, 5)) assert.equal(res.headers[`x-${name}`], '1', name);
    assert.equal(res.headers['x-zeta'], 'from zeta.txt', 'import.meta.url resolves next to the plugin');
  });

  it('runs code from a sibling module and an npm package', async () => {
    const res = await request(`${app.url}/alpha`);
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), {
      greeting: 'hello',
      from: ['alpha', 'yaml'],
      helper: "hello from alpha's helper",
    });
  });
});
