import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdir, open, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { createFileWatcher, type FileWatcher } from '../../../src/watch/watcher.js';
import {
  collect,
  delay,
  editors,
  nextEvent,
  saveInTwoChunks,
  tempFolder,
  type EditorName,
} from './edit.js';

const fsWatches = () => process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap').length;
const isPlugin = (name: string) => name.endsWith('-plugin.ts');

describe('FileWatcher over chokidar, on real files', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let config: string;
  let plugins: string;
  let watcher: FileWatcher;
  const baseline = fsWatches();

  before(async () => {
    ({ dir, cleanup } = await tempFolder());
  });
  after(() => cleanup());

  async function start(): Promise<FileWatcher> {
    config = join(dir, `krakend-${Math.random().toString(36).slice(2)}.json`);
    plugins = join(dir, `plugins-${Math.random().toString(36).slice(2)}`);
    await writeFile(config, '{"version":3}');
    await mkdir(plugins);
    await writeFile(join(plugins, 'a-plugin.ts'), 'export const a = 1;');
    await writeFile(join(plugins, 'helper.ts'), 'export const h = 1;');
    const w = createFileWatcher();
    await w.set({
      files: [config, join(plugins, 'helper.ts')],
      folders: [{ path: plugins, accept: isPlugin }],
    });
    return w;
  }

  afterEach(async () => {
    await watcher?.close();
  });

  test('a save is reported once, with the path', async () => {
    watcher = await start();
    const got = nextEvent<string[]>(watcher, 'change');
    await writeFile(config, '{"version":3,"port":1}');
    assert.deepEqual(await got, [config]);
  });

  for (const editor of Object.keys(editors) as EditorName[]) {
    test(`${editor} save: one change of the real file, temp names never reported`, async () => {
      watcher = await start();
      const all = collect<string[]>(watcher, 'change');
      const first = nextEvent<string[]>(watcher, 'change');
      await editors[editor](config, `{"version":3,"name":"${editor}"}`);
      assert.deepEqual(await first, [config]);
      // A sentinel save after it: everything reported before the sentinel belongs to the save.
      const helper = join(plugins, 'helper.ts');
      const sentinel = nextEvent<string[]>(watcher, 'change', (p) => p.includes(helper));
      await delay(200);
      await writeFile(join(plugins, 'helper.ts'), `export const h = '${editor}';`);
      await sentinel;
      all.stop();
      assert.deepEqual(all.seen, [[config], [join(plugins, 'helper.ts')]]);
    });
  }

  test('an identical save reports nothing', async () => {
    watcher = await start();
    const all = collect<string[]>(watcher, 'change');
    await writeFile(config, '{"version":3}');
    await editors.atomic(config, '{"version":3}');
    await delay(200);
    const sentinel = nextEvent<string[]>(watcher, 'change');
    await writeFile(join(plugins, 'a-plugin.ts'), 'export const a = 2;');
    await sentinel;
    all.stop();
    assert.deepEqual(all.seen, [[join(plugins, 'a-plugin.ts')]]);
  });

  test('the same text written again, read while still empty, reports nothing', async () => {
    watcher = await start();
    const all = collect<string[]>(watcher, 'change');
    // A save truncates before it writes (in place, or vim's new file); the leading flush can read
    // the file in between.
    const fh = await open(config, 'w');
    await delay(30);
    await fh.write('{"version":3}');
    await fh.close();
    await delay(300);
    const sentinel = nextEvent<string[]>(watcher, 'change');
    await writeFile(join(plugins, 'a-plugin.ts'), 'export const a = 3;');
    await sentinel;
    all.stop();
    assert.deepEqual(all.seen, [[join(plugins, 'a-plugin.ts')]]);
  });

  test('a save in two chunks ends on its last content, whatever chokidar throttles', async () => {
    watcher = await start();
    const all = collect<string[]>(watcher, 'change');
    await saveInTwoChunks(config, '{"version":3,"name":"two chunks"}', 30);
    // The last report must come after the second chunk: write the same text again and the
    // watcher (whose hash is then the full text) reports nothing new.
    await delay(300);
    const count = all.seen.length;
    assert.ok(count >= 1 && count <= 2, `reports: ${count}`);
    await writeFile(config, '{"version":3,"name":"two chunks"}');
    const sentinel = nextEvent<string[]>(watcher, 'change');
    await delay(200);
    await writeFile(join(plugins, 'a-plugin.ts'), 'export const a = 3;');
    await sentinel;
    all.stop();
    assert.equal(all.seen.length, count + 1);
  });

  test('a storm of 50 writes in one second gives two reports at most', async () => {
    watcher = await start();
    const all = collect<string[]>(watcher, 'change');
    for (let i = 0; i < 50; i++) {
      await writeFile(config, `{"version":3,"name":"storm ${i}"}`);
      await delay(20);
    }
    await delay(400);
    await writeFile(config, '{"version":3,"name":"storm 49"}');
    await delay(200);
    const sentinel = nextEvent<string[]>(watcher, 'change');
    await writeFile(join(plugins, 'a-plugin.ts'), 'export const a = 4;');
    await sentinel;
    all.stop();
    const storm = all.seen.slice(0, -1);
    assert.ok(storm.length >= 1 && storm.length <= 2, `storm reports: ${storm.length}`);
    assert.deepEqual(storm.flat(), storm.map(() => config));
  });

  test('settled() waits for the second look at a save', async () => {
    watcher = await start();
    const all = collect<string[]>(watcher, 'change');
    await writeFile(config, '{"version":3,"name":"settled"}');
    await nextEvent<string[]>(watcher, 'change');
    await watcher.settled();
    all.stop();
    assert.deepEqual(all.seen, [[config]]);
  });

  test('a deleted file is reported, and so is its re-creation', async () => {
    watcher = await start();
    const gone = nextEvent<string[]>(watcher, 'change');
    await unlink(config);
    assert.deepEqual(await gone, [config]);
    const back = nextEvent<string[]>(watcher, 'change');
    await writeFile(config, '{"version":3}');
    assert.deepEqual(await back, [config]);
    const edit = nextEvent<string[]>(watcher, 'change');
    await writeFile(config, '{"version":3,"port":2}');
    assert.deepEqual(await edit, [config]);
  });

  test('plugin folder: new matching files count; other names and sub-folders do not', async () => {
    watcher = await start();
    const all = collect<string[]>(watcher, 'change');
    await writeFile(join(plugins, 'notes.md'), 'x');
    await mkdir(join(plugins, 'sub'));
    await writeFile(join(plugins, 'sub', 'b-plugin.ts'), 'x');
    await writeFile(join(plugins, 'a-plugin.ts~'), 'x');
    const added = nextEvent<string[]>(watcher, 'change');
    await writeFile(join(plugins, 'b-plugin.ts'), 'export const b = 1;');
    assert.deepEqual(await added, [join(plugins, 'b-plugin.ts')]);
    all.stop();
    assert.deepEqual(all.seen, [[join(plugins, 'b-plugin.ts')]]);
  });

  test('a plugin deleted, then re-created', async () => {
    watcher = await start();
    const file = join(plugins, 'a-plugin.ts');
    const gone = nextEvent<string[]>(watcher, 'change');
    await unlink(file);
    assert.deepEqual(await gone, [file]);
    const back = nextEvent<string[]>(watcher, 'change');
    await writeFile(file, 'export const a = 5;');
    assert.deepEqual(await back, [file]);
  });

  for (const pause of [0, 200]) {
    const when = pause ? 'later' : 'at once';
    test(`a plugin folder removed and re-created ${when} stays watched`, async () => {
      watcher = await start();
      const file = join(plugins, 'a-plugin.ts');
      const changes = collect<string[]>(watcher, 'change');
      await rm(plugins, { recursive: true });
      if (pause) await delay(pause);
      await mkdir(plugins);
      await writeFile(file, 'export const a = 6;');
      await nextEvent<string[]>(watcher, 'change', (p) => p.includes(plugins));
      await delay(250);
      const next = nextEvent<string[]>(watcher, 'change', (p) => p.includes(file));
      await writeFile(file, 'export const a = 7;');
      assert.deepEqual(await next, [file]);
      changes.stop();
      assert.ok(changes.seen.flat().every((p) => p === plugins || p.startsWith(plugins)));
    });
  }

  test('a file modified after `since` is reported when it is first watched', async () => {
    watcher = createFileWatcher();
    const file = join(dir, 'late.json');
    const since = Date.now() - 60_000;
    await writeFile(file, '{}');
    const got = nextEvent<string[]>(watcher, 'change');
    await watcher.set({ files: [file], folders: [] }, since);
    assert.deepEqual(await got, [file]);
  });

  test('close() releases every fs watch and reports nothing more', async () => {
    watcher = await start();
    assert.ok(fsWatches() > baseline);
    await watcher.close();
    // fs.watch handles are released on the next turn of the loop.
    for (let i = 0; i < 50 && fsWatches() !== baseline; i++) await delay(10);
    assert.equal(fsWatches(), baseline);
    await watcher.close();
  });
});

describe('FileWatcher over an injected (Vite-like) watcher', () => {
  class FakeViteWatcher extends EventEmitter {
    added: string[] = [];
    add(paths: string | readonly string[]) {
      this.added.push(...(typeof paths === 'string' ? [paths] : paths));
      return this;
    }
  }

  test('adds our paths, listens, creates no fs watch, and detaches on close', async () => {
    const { dir, cleanup } = await tempFolder();
    const before = fsWatches();
    const host = new FakeViteWatcher();
    const config = join(dir, 'krakend.json');
    const folder = join(dir, 'plugins');
    await writeFile(config, '{}');
    const watcher = createFileWatcher({ injected: host });
    await watcher.set({ files: [config], folders: [{ path: folder, accept: isPlugin }] });
    assert.deepEqual(host.added, [config, folder]);
    assert.equal(fsWatches(), before);
    assert.equal(host.listenerCount('change'), 1);

    const got = nextEvent<string[]>(watcher, 'change');
    host.emit('change', join(dir, 'unrelated.ts'));
    host.emit('change', config);
    await writeFile(config, '{"version":3}');
    host.emit('change', config);
    assert.deepEqual(await got, [config]);

    await watcher.close();
    assert.equal(host.listenerCount('change'), 0);
    assert.equal(host.listenerCount('add'), 0);
    assert.equal(host.listenerCount('unlink'), 0);
    await cleanup();
  });
});
