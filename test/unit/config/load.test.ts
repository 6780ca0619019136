import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../../src/config/index.js';
import { isGatewayError } from '../../../src/errors.js';

let dir: string;

async function rejection(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    assert.ok(isGatewayError(err));
    return err;
  }
  assert.fail('expected a rejection');
}

const TEXT = JSON.stringify(
  {
    version: 3,
    host: ['http://127.0.0.1:9000'],
    plugin: { folder: './plugins', pattern: '.so' },
    endpoints: [{ endpoint: '/users/{id}', backend: [{ url_pattern: '/u/{id}' }] }],
  },
  null,
  2,
);

describe('loadConfig', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kc-config-'));
    await mkdir(join(dir, 'conf'));
    await writeFile(join(dir, 'conf', 'krakend.json'), TEXT);
    await writeFile(join(dir, 'bad.json'), '{\n  "version": 3,\n  "endpoints": [\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('reads a path relative to cwd; the file folder anchors plugin paths; hash is sha256', async () => {
    const config = await loadConfig('conf/krakend.json', { cwd: dir });
    assert.equal(config.file, join(dir, 'conf', 'krakend.json'));
    assert.equal(config.dir, join(dir, 'conf'));
    assert.equal(config.plugin?.folder, join(dir, 'conf', 'plugins'));
    assert.equal(config.hash, createHash('sha256').update(TEXT).digest('hex'));
    assert.equal(config.endpoints[0]!.routePath, '/users/:id');
    assert.equal(config.endpoints[0]!.jsonPath, 'endpoints[0]');
    assert.equal(config.endpoints[0]!.backends[0]!.jsonPath, 'endpoints[0].backend[0]');
  });

  test('KRAKEND_* variables override top-level keys, as KrakenD overlays them, each said once', async () => {
    const env = { KRAKEND_PORT: '9000', KRAKEND_TIMEOUT: '300ms', KRAKEND_CONNECT_SKIP_BUILD: '1', HOME: '/x' };
    const config = await loadConfig('conf/krakend.json', { cwd: dir, env });
    assert.equal(config.port, 9000);
    assert.equal(config.endpoints[0]!.timeoutMs, 300);
    assert.deepEqual(
      config.warnings.map((w) => `${w.path}: ${w.message}`).filter((m) => m.includes('KRAKEND_')),
      [
        `port: set to "9000" by KRAKEND_PORT (KrakenD's environment overlay)`,
        `timeout: set to "300ms" by KRAKEND_TIMEOUT (KrakenD's environment overlay)`,
      ],
    );
    const plain = await loadConfig('conf/krakend.json', { cwd: dir, env: {} });
    assert.notEqual(plain.port, 9000);
  });

  test('a YAML or TOML file is refused by name, not as broken JSON', async () => {
    for (const name of ['k.yaml', 'k.yml', 'k.toml']) {
      await writeFile(join(dir, name), 'version: 3\n');
      await assert.rejects(loadConfig(name, { cwd: dir }), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'KC_CONFIG_SYNTAX');
        assert.match(err.message, /(YAML|TOML) configs are not supported: krakend-connect reads JSON/);
        return true;
      });
    }
  });

  test('the result is deep-frozen', async () => {
    const config = await loadConfig('conf/krakend.json', { cwd: dir });
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.endpoints));
    assert.ok(Object.isFrozen(config.endpoints[0]!.backends[0]!.hosts));
    assert.ok(Object.isFrozen(config.router.loggerSkipPaths));
    assert.throws(() => {
      (config.endpoints as unknown[]).push(1);
    }, TypeError);
  });

  test('a missing file: KC_CONFIG_READ worded like KrakenD', async () => {
    const file = join(dir, 'nope.json');
    const err = await rejection(loadConfig('nope.json', { cwd: dir }));
    assert.equal(err.code, 'KC_CONFIG_READ');
    assert.equal(err.message, `'${file}': open ${file}: no such file or directory`);
    assert.equal(err.file, file);
    const isDir = await rejection(loadConfig('conf', { cwd: dir }));
    assert.equal(isDir.code, 'KC_CONFIG_READ');
    assert.match(isDir.message, /: read .*conf: is a directory$/);
  });

  test('a syntax error carries file, line and column', async () => {
    const err = await rejection(loadConfig('bad.json', { cwd: dir }));
    assert.equal(err.code, 'KC_CONFIG_SYNTAX');
    assert.equal(err.message, `${join(dir, 'bad.json')}:4:1 unexpected end of JSON input`);
    assert.deepEqual([err.line, err.column], [4, 1]);
  });

  test('an inline object: file <inline>, dir = cwd, input untouched', async () => {
    const input = {
      version: 3,
      plugin: { folder: 'plugins', pattern: '.js' },
      extra_config: { 'github_com/devopsfaith/krakend-cors': { allow_origins: ['*'] } },
      endpoints: [{ endpoint: 'a', method: 'post', backend: [{ url_pattern: 'b', host: ['x'] }] }],
    };
    const snapshot = structuredClone(input);
    const config = await loadConfig(input, { cwd: dir });
    assert.equal(config.file, '<inline>');
    assert.equal(config.dir, dir);
    assert.equal(config.plugin?.folder, join(dir, 'plugins'));
    assert.equal(config.endpoints[0]!.endpoint, '/a');
    assert.deepEqual(config.endpoints[0]!.backends[0]!.hosts, ['http://x']);
    assert.deepEqual(input, snapshot);
    assert.ok(!Object.isFrozen(input.endpoints[0]));
    assert.ok(Object.isFrozen(config.extra['security/cors']));
  });

  test('inline problems have no position', async () => {
    const err = await rejection(loadConfig({ version: 2 }, { cwd: dir }));
    assert.equal(err.code, 'KC_CONFIG_INVALID');
    assert.deepEqual(err.problems, [
      {
        file: '<inline>',
        line: 0,
        column: 0,
        path: 'version',
        message: 'unsupported version: 2 (want: 3)',
      },
    ]);
    assert.equal(err.message, '<inline> version: unsupported version: 2 (want: 3)');
    const notObject = await rejection(
      loadConfig([] as unknown as Record<string, unknown>, { cwd: dir }),
    );
    assert.equal(notObject.code, 'KC_CONFIG_SYNTAX');
  });
});
