import assert from 'node:assert/strict';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { request } from '../../helpers/http.js';
import { LEVEL } from '../../helpers/log.js';
import { delay } from './edit.js';
import { endpoints, startReloadFixture, type ReloadFixture } from './fixture.js';

type Format = 'ts' | 'mjs' | 'cjs';

/** A handler plugin named `name` that answers `/<name>` with `body` and passes the rest on. */
function plugin(format: Format, name: string, body: string, head = ''): string {
  const any = format === 'ts' ? ': any' : '';
  const registerer = `{
  RegisterHandlers(register${any}) {
    register('${name}', (_ctx${any}, _extra${any}, next${any}) => (req${any}, res${any}) => {
      if (req.url !== '/${name}') return next(req, res);
      res.end(${body});
    });
  },
}`;
  if (format === 'cjs') return `${head}\nmodule.exports.HandlerRegisterer = ${registerer};\n`;
  return `${head}\nexport const HandlerRegisterer = ${registerer};\n`;
}

const NAMES = ['ts', 'mjs', 'cjs', 'imports'];

/** The fixtures' config: one endpoint, and these handler plugins from `./plugins/`. */
const withPlugins = (names: string[]) => (backend: string) =>
  endpoints(backend, ['a'], {
    plugin: { pattern: '.so', folder: './plugins/' },
    extra_config: { 'plugin/http-server': { name: names } },
  });
const IMPORT_GREETING = `import { greeting } from '../shared/greeting.js';`;

describe('hot reload of plugins and the modules they import (issue 6)', () => {
  let f: ReloadFixture;

  before(async () => {
    f = await startReloadFixture({
      config: withPlugins(NAMES),
      plugins: {
        'ts.ts': plugin('ts', 'ts', `'ts v1'`),
        'mjs.mjs': plugin('mjs', 'mjs', `'mjs v1'`),
        'cjs.cjs': plugin('cjs', 'cjs', `'cjs v1'`),
        'imports.ts': plugin('ts', 'imports', 'greeting()', IMPORT_GREETING),
      },
      files: { 'shared/greeting.ts': `export const greeting = () => 'hello v1';` },
    });
  });
  after(() => f.close());

  const body = async (path: string) => (await request(`${f.gw.url}${path}`)).body;

  for (const format of ['ts', 'mjs', 'cjs'] as const) {
    test(`a ${format} plugin is evaluated afresh on save`, async () => {
      assert.equal(await body(`/${format}`), `${format} v1`);
      const done = f.nextReload((e) => e.ok);
      const text = plugin(format, format, `'${format} v2'`);
      await f.writePlugin(`${format}.${format}`, text, 'atomic');
      const event = await done;
      assert.ok(event.ok);
      assert.deepEqual(event.changed, [join(f.pluginDir, `${format}.${format}`)]);
      assert.equal(await body(`/${format}`), `${format} v2`);
      const line = f.reloadLines().at(-1)!;
      const file = `plugins/${format}\\.${format}`;
      const gen = event.generation;
      const expected = `^\\[SERVICE: Reload\\] ${file} → generation ${gen} in \\d+ ms`;
      assert.match(line.msg, new RegExp(`${expected} \\(1 routes, \\+0 -0\\)$`));
    });
  }

  test('a module outside the plugin folder that a plugin imports reloads it', async () => {
    assert.equal(await body('/imports'), 'hello v1');
    const done = f.nextReload((e) => e.ok);
    const greeting = join(f.dir, 'shared', 'greeting.ts');
    await writeFile(greeting, `export const greeting = () => 'hello v2';`);
    assert.deepEqual((await done).changed, [greeting]);
    assert.equal(await body('/imports'), 'hello v2');
  });

  test('a plugin throwing at load keeps the old chain and points at file:line:col', async () => {
    const failed = f.nextReload();
    const errorsBefore = f.lines.filter((l) => l.level >= LEVEL.error).length;
    const throwing = `const x = 1;\nthrow new Error('boom at load');\n`;
    await f.writePlugin('ts.ts', throwing + plugin('ts', 'ts', `'never'`));
    const event = await failed;
    assert.equal(event.ok, false);
    const message = event.ok ? '' : event.error.message;
    assert.ok(message.includes(`${join(f.pluginDir, 'ts.ts')}:2:`), message);
    assert.ok(message.includes('boom at load'), message);
    assert.equal(await body('/ts'), 'ts v2');
    const reloadErrors = f.lines
      .slice(0)
      .filter((l) => l.level >= LEVEL.error && l.msg.startsWith('[SERVICE: Reload]'));
    assert.ok(reloadErrors.at(-1)!.msg.includes('still serving the last good config'));
    assert.ok(f.lines.filter((l) => l.level >= LEVEL.error).length > errorsBefore);

    const fixed = f.nextReload((e) => e.ok);
    await f.writePlugin('ts.ts', plugin('ts', 'ts', `'ts v3'`));
    await fixed;
    assert.equal(await body('/ts'), 'ts v3');
  });

  test('a syntax error in a new import is watched, so fixing that file recovers', async () => {
    const broken = join(f.dir, 'shared', 'broken.ts');
    await writeFile(broken, `export const word = () => 'fixed';\nexport const oops = (;\n`);
    const failed = f.nextReload();
    const importBroken = `import { word } from '../shared/broken.js';`;
    await f.writePlugin('ts.ts', plugin('ts', 'ts', 'word()', importBroken));
    const event = await failed;
    assert.equal(event.ok, false);
    const message = event.ok ? '' : event.error.message;
    assert.ok(message.startsWith(`${broken}:2:`), message);
    assert.equal(message.split(broken).length, 2, `the position once: ${message}`);
    const fixed = f.nextReload((e) => e.ok);
    await writeFile(broken, `export const word = () => 'fixed';\n`);
    assert.deepEqual((await fixed).changed, [broken]);
    assert.equal(await body('/ts'), 'fixed');
  });

  test('a plugin deleted leaves the chain without it; re-created, it is back', async () => {
    const gone = f.nextReload();
    await unlink(join(f.pluginDir, 'cjs.cjs'));
    assert.ok((await gone).ok);
    const res = await request(`${f.gw.url}/cjs`);
    assert.equal(res.status, 418);
    assert.equal(res.body, 'host');
    const back = f.nextReload((e) => e.ok);
    await f.writePlugin('cjs.cjs', plugin('cjs', 'cjs', `'cjs back'`));
    await back;
    assert.equal(await body('/cjs'), 'cjs back');
  });

  test('an identical plugin save does not rebuild', async () => {
    // A real save first, so the watcher's last hash of the file is this text whatever the
    // previous test's delete and re-create left behind.
    const saved = f.nextReload((e) => e.ok);
    await f.writePlugin('cjs.cjs', plugin('cjs', 'cjs', `'cjs same'`));
    await saved;
    await delay(200);
    const all = f.reloads();
    await f.writePlugin('cjs.cjs', plugin('cjs', 'cjs', `'cjs same'`), 'jetbrains');
    await f.writePlugin('cjs.cjs', plugin('cjs', 'cjs', `'cjs same'`), 'vim');
    await delay(300);
    all.stop();
    assert.deepEqual(all.seen, []);
  });

  test('a serving plugin whose factory throws on save keeps the old chain, naming its file', async () => {
    const before = await body('/ts');
    const failed = f.nextReload();
    const exploding = `export const HandlerRegisterer = {
  RegisterHandlers(register: any) {
    register('ts', () => { throw new Error('factory exploded'); });
  },
};
`;
    await f.writePlugin('ts.ts', exploding);
    const event = await failed;
    assert.equal(event.ok, false);
    const message = event.ok ? '' : event.error.message;
    const file = join(f.pluginDir, 'ts.ts');
    assert.equal(message, `${file}: [PLUGIN: Server] Error getting the plugin handler: factory exploded`);
    // Requests never bypass the plugin half-way through an edit.
    assert.equal(await body('/ts'), before);
    const fixed = f.nextReload((e) => e.ok);
    await f.writePlugin('ts.ts', plugin('ts', 'ts', `'ts v4'`));
    await fixed;
    assert.equal(await body('/ts'), 'ts v4');
  });

  test('a registerer of the wrong shape fails the reload with its file named', async () => {
    const failed = f.nextReload();
    await f.writePlugin('mjs.mjs', `export const HandlerRegisterer = { RegisterHandlers: 42 };\n`);
    const event = await failed;
    const message = event.ok ? '' : event.error.message;
    assert.equal(message, `${join(f.pluginDir, 'mjs.mjs')}: HandlerRegisterer has no RegisterHandlers method`);
    assert.equal(await body('/mjs'), 'mjs v2');
    const fixed = f.nextReload((e) => e.ok);
    await f.writePlugin('mjs.mjs', plugin('mjs', 'mjs', `'mjs v2'`));
    await fixed;
  });
});

describe('a broken config while plugins are saved', () => {
  let f: ReloadFixture;

  before(async () => {
    f = await startReloadFixture({
      config: withPlugins(['ts']),
      plugins: { 'ts.ts': plugin('ts', 'ts', `'ts v1'`) },
    });
  });
  after(() => f.close());

  test('its error is logged once, not again for every plugin save', async () => {
    const good = await readFile(f.configFile, 'utf8');
    const reloadErrors = () =>
      f.lines.filter((l) => l.level >= LEVEL.error && l.msg.startsWith('[SERVICE: Reload]'));
    const broken = f.nextReload();
    await writeFile(f.configFile, '{ "version": 3,, }');
    assert.equal((await broken).ok, false);
    assert.equal(reloadErrors().length, 1);
    const again = f.nextReload();
    await f.writePlugin('ts.ts', plugin('ts', 'ts', `'ts v2'`));
    const event = await again;
    assert.equal(event.ok, false);
    assert.equal(reloadErrors().length, 1, reloadErrors().map((l) => l.msg).join('\n'));
    const fixed = f.nextReload((e) => e.ok);
    await writeFile(f.configFile, good);
    await fixed;
    assert.equal((await request(`${f.gw.url}/ts`)).body, 'ts v2');
  });
});

describe('a handler plugin whose factory fails at start', () => {
  let f: ReloadFixture;

  before(async () => {
    f = await startReloadFixture({
      config: withPlugins(['broken']),
      plugins: {
        'broken.ts': `export const HandlerRegisterer = {
  RegisterHandlers(register: any) {
    register('broken', () => { throw new Error('not yet'); });
  },
};
`,
      },
    });
  });
  after(() => f.close());

  test('is skipped as KrakenD does, and does not block later reloads', async () => {
    assert.equal((await request(`${f.gw.url}/broken`)).status, 418);
    const done = f.nextReload();
    await f.writePlugin('broken.ts', plugin('ts', 'broken', `'working now'`));
    assert.ok((await done).ok);
    assert.equal((await request(`${f.gw.url}/broken`)).body, 'working now');
  });
});
