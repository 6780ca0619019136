import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

test('package.json: name, ESM, engines, bin and exports', () => {
  assert.equal(pkg.name, 'krakend-connect');
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.engines.node, '>=20.19');
  assert.equal(pkg.bin['krakend-connect'], 'dist/src/cli.js');
  assert.deepEqual(Object.keys(pkg.exports), ['.', './express', './vite', './next', './plugin', './package.json']);
  for (const host of ['express', 'vite', 'next']) {
    assert.equal(pkg.peerDependenciesMeta[host].optional, true);
    assert.ok(pkg.devDependencies[host], `${host} is a devDependency`);
  }
});

test('every export resolves by its public name (self-reference) and has the names it promises', async () => {
  const core = await import('krakend-connect');
  assert.deepEqual(Object.keys(core).sort(), [
    'ERROR_CODES',
    'GatewayError',
    'createGateway',
    'defineClientPlugin',
    'defineHandlerPlugin',
    'defineModifierPlugin',
    'formatProblem',
    'isGatewayError',
  ]);
  const plugin = await import('krakend-connect/plugin');
  assert.equal(typeof plugin.defineHandlerPlugin, 'function');
  for (const sub of ['krakend-connect/express', 'krakend-connect/vite', 'krakend-connect/next']) {
    const mod = await import(sub);
    assert.equal(typeof mod.krakend, 'function', sub);
  }
});
