import assert from 'node:assert/strict';
import { unlink, writeFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { request } from '../../helpers/http.js';
import { LEVEL } from '../../helpers/log.js';
import { delay, editors, saveInTwoChunks, type EditorName } from './edit.js';
import { endpoints, startReloadFixture, type ReloadFixture } from './fixture.js';

describe('hot reload of krakend.json (issue 6)', () => {
  let f: ReloadFixture;
  let routes = ['a'];
  const config = (names: string[]) => endpoints(f.backend.url, names);

  before(async () => {
    f = await startReloadFixture({ config: (b) => endpoints(b, ['a']) });
  });
  after(() => f.close());

  /** A save, then a sentinel save: everything between belongs to the first one. */
  async function saveAndCount(names: string[], editor: EditorName = 'inPlace') {
    const all = f.reloads();
    const done = f.nextReload((e) => e.ok && e.routes === names.length);
    await f.writeConfig(config(names), editor);
    await done;
    await delay(250);
    const sentinel = f.nextReload();
    await f.gw.gateway.reload();
    await sentinel;
    all.stop();
    routes = names;
    return all.seen.slice(0, -1);
  }

  for (const editor of Object.keys(editors) as EditorName[]) {
    test(`a ${editor} save reloads once and serves the new route`, async () => {
      const added = `${editor}-route`;
      const linesBefore = f.reloadLines().length;
      const seen = await saveAndCount([...routes, added], editor);
      assert.equal(seen.length, 1);
      const event = seen[0]!;
      assert.ok(event.ok);
      assert.deepEqual(event.changed, [f.configFile]);
      const res = await request(`${f.gw.url}/${added}`);
      assert.equal(res.status, 200);
      assert.equal(res.body, JSON.stringify({ path: `/${added}` }));
      const line = f.reloadLines()[linesBefore]!;
      assert.equal(line.level, LEVEL.info);
      assert.match(
        line.msg,
        new RegExp(
          `^\\[SERVICE: Reload\\] krakend\\.json → generation ${event.generation} in \\d+ ms ` +
            `\\(${routes.length} routes, \\+1 -0 added: GET /${added}\\)$`,
        ),
      );
      assert.deepEqual(line.added, [`GET /${added}`]);
      assert.deepEqual(line.removed, []);
    });
  }

  test('a route removed is named in the log line', async () => {
    const linesBefore = f.reloadLines().length;
    const seen = await saveAndCount(['a']);
    assert.equal(seen.length, 1);
    const line = f.reloadLines()[linesBefore]!;
    assert.match(line.msg, /\(1 routes, \+0 -4 removed: GET \/inPlace-route, /);
    assert.equal((await request(`${f.gw.url}/inPlace-route`)).status, 418);
  });

  test('an identical save does not rebuild', async () => {
    const all = f.reloads();
    await f.writeConfig(config(routes));
    await f.writeConfig(config(routes), 'atomic');
    await delay(300);
    all.stop();
    assert.deepEqual(all.seen, []);
  });

  test('a config change that brings back the running text rebuilds nothing', async () => {
    const all = f.reloads();
    const before = await f.gw.gateway.reload();
    assert.ok(before.ok);
    const again = await f.gw.gateway.reload([f.configFile]);
    all.stop();
    assert.ok(again.ok && again.generation === before.generation);
    assert.deepEqual(all.seen, [before]);
  });

  test('bad JSON keeps the old config, reports file:line:col; the next save recovers', async () => {
    const failed = f.nextReload();
    await writeFile(f.configFile, '{\n  "version": 3,\n  "endpoints": [\n    oops\n  ]\n}');
    const event = await failed;
    assert.equal(event.ok, false);
    const message = event.ok ? '' : event.error.message;
    assert.ok(message.startsWith(`${f.configFile}:4:5 `), message);
    const errors = f.lines.filter((l) => l.level === LEVEL.error && l.msg.includes('still serv'));
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.msg, /^\[SERVICE: Reload\] .*krakend\.json:4:5 /);
    assert.equal((await request(`${f.gw.url}/a`)).status, 200);
    assert.equal(f.gw.gateway.lastError, event.ok ? undefined : event.error);

    const ok = f.nextReload();
    await f.writeConfig(config(['a', 'recovered']));
    assert.ok((await ok).ok);
    routes = ['a', 'recovered'];
    assert.equal((await request(`${f.gw.url}/recovered`)).status, 200);
    assert.equal(f.gw.gateway.lastError, undefined);
  });

  test('an invalid config (version 2) keeps serving the old one', async () => {
    const failed = f.nextReload();
    await f.writeConfig({ ...config(['a']), version: 2 });
    const event = await failed;
    assert.equal(event.ok, false);
    assert.match(!event.ok ? event.error.message : '', /krakend\.json:\d+:\d+ /);
    assert.equal((await request(`${f.gw.url}/recovered`)).status, 200);
    const ok = f.nextReload((e) => e.ok);
    await f.writeConfig(config(routes));
    await ok;
  });

  test('a config emptied, then deleted, keeps the old one until a good save', async () => {
    const reloadLevels = () =>
      f.lines.filter((l) => l.level >= LEVEL.warn && l.msg.startsWith('[SERVICE: Reload]'));
    const before = reloadLevels().length;
    const emptied = f.nextReload();
    await writeFile(f.configFile, '');
    assert.equal((await emptied).ok, false);
    assert.equal((await request(`${f.gw.url}/a`)).status, 200);
    const deleted = f.nextReload();
    await unlink(f.configFile);
    const gone = await deleted;
    assert.equal(gone.ok, false);
    assert.match(!gone.ok ? gone.error.message : '', /no such file or directory/);
    assert.equal((await request(`${f.gw.url}/a`)).status, 200);
    // reliability.md §6 row 63: a warning each, not an error, while the old config serves.
    assert.deepEqual(
      reloadLevels().slice(before).map((l) => l.level),
      [LEVEL.warn, LEVEL.warn],
    );
    const back = f.nextReload();
    await f.writeConfig(config(['a', 'back']));
    assert.ok((await back).ok);
    routes = ['a', 'back'];
    assert.equal((await request(`${f.gw.url}/back`)).status, 200);
  });

  test('a storm of 50 saves in a second: two reloads at most, the last text wins', async () => {
    await delay(200);
    const all = f.reloads();
    const names = (i: number) => ['a', ...Array.from({ length: i }, (_, k) => `s${k}`)];
    const last = f.nextReload((e) => e.ok && e.routes === 50);
    for (let i = 1; i <= 49; i++) {
      await f.writeConfig(config(names(i)));
      await delay(20);
    }
    await last;
    await delay(300);
    all.stop();
    routes = names(49);
    assert.ok(all.seen.length <= 2, `reloads: ${JSON.stringify(all.seen.map((e) => e.ok))}`);
    assert.equal((await request(`${f.gw.url}/s48`)).status, 200);
  });

  test('a save in two chunks 30 ms apart (2nd event throttled) reports no error', async () => {
    await delay(200);
    const all = f.reloads();
    const errorsBefore = f.lines.filter((l) => l.level >= LEVEL.error).length;
    const done = f.nextReload((e) => e.ok && e.routes === 2);
    await saveInTwoChunks(f.configFile, JSON.stringify(config(['a', 'quick-chunks']), null, 2), 30);
    await done;
    await delay(300);
    all.stop();
    routes = ['a', 'quick-chunks'];
    assert.deepEqual(all.seen.filter((e) => !e.ok), []);
    assert.equal(f.lines.filter((l) => l.level >= LEVEL.error).length, errorsBefore);
    assert.equal((await request(`${f.gw.url}/quick-chunks`)).status, 200);
  });

  test('a save in two chunks 150 ms apart ends on the full text, one error at most', async () => {
    await delay(200);
    const all = f.reloads();
    const errorsBefore = f.lines.filter((l) => l.level >= LEVEL.error).length;
    const done = f.nextReload((e) => e.ok && e.routes === 2);
    await saveInTwoChunks(f.configFile, JSON.stringify(config(['a', 'chunked']), null, 2), 150);
    await done;
    await delay(200);
    all.stop();
    assert.ok(all.seen.filter((e) => !e.ok).length <= 1);
    assert.ok(f.lines.filter((l) => l.level >= LEVEL.error).length - errorsBefore <= 1);
    assert.equal((await request(`${f.gw.url}/chunked`)).status, 200);
  });
});
