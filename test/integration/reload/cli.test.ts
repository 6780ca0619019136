import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startBackend, jsonRoutes, type TestBackend } from '../../helpers/backend.js';
import { startCli } from '../../helpers/cli.js';
import { request } from '../../helpers/http.js';
import { delay, editors, tempFolder } from './edit.js';
import { endpoints } from './fixture.js';

/** Polls `check` every 10 ms until it holds (bounded), for output of a child process. */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  for (let waited = 0; !check(); waited += 10) {
    if (waited >= ms) throw new Error('condition not met in time');
    await delay(10);
  }
}

describe('krakend-connect run -w (issue 6)', () => {
  let backend: TestBackend;
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    backend = await startBackend(jsonRoutes({ '/a': { a: 1 }, '/b': { b: 2 } }));
    ({ dir, cleanup } = await tempFolder());
  });
  after(async () => {
    await backend.close();
    await cleanup();
  });

  test('a saved config is served without a restart, with one reload line', async () => {
    const file = join(dir, 'krakend.json');
    await writeFile(file, JSON.stringify(endpoints(backend.url, ['a'])));
    const cli = await startCli(['-c', file, '-w']);
    try {
      assert.equal((await request(`${cli.url}/b`)).status, 404);
      await editors.atomic(file, JSON.stringify(endpoints(backend.url, ['a', 'b'])));
      await until(() => cli.output().includes('[SERVICE: Reload]'));
      const res = await request(`${cli.url}/b`);
      assert.equal(res.status, 200);
      assert.equal(res.body, '{"b":2}');
      const lines = cli.output().split('\n').filter((l) => l.includes('[SERVICE: Reload]'));
      assert.equal(lines.length, 1);
      assert.match(
        lines[0]!,
        /krakend\.json → generation 2 in \d+ ms \(2 routes, \+1 -0 added: GET \/b\)/,
      );
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });

  test('started on a broken config, it answers 503 until a good save', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{ "version": 3, ');
    const cli = await startCli(['-c', file, '-w']);
    try {
      assert.equal((await request(`${cli.url}/a`)).status, 503);
      await writeFile(file, JSON.stringify(endpoints(backend.url, ['a'])));
      await until(() => /generation \d+ in \d+ ms|endpoints loaded/.test(cli.output()));
      const res = await request(`${cli.url}/a`);
      assert.equal(res.status, 200);
      assert.equal(res.body, '{"a":1}');
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });

  test('recovering from a broken first config, plugins load with their start-up lines', async () => {
    const file = join(dir, 'broken-plugins.json');
    await mkdir(join(dir, 'plugins'), { recursive: true });
    await writeFile(
      join(dir, 'plugins', 'hello.ts'),
      `export const HandlerRegisterer = {
  RegisterHandlers(register: any) {
    register('hello', (_c: any, _e: any, next: any) => (req: any, res: any) =>
      req.url === '/hello' ? res.end('hi') : next(req, res));
  },
};
`,
    );
    await writeFile(file, '{ "version": 3, ');
    const cli = await startCli(['-c', file, '-w']);
    try {
      assert.equal((await request(`${cli.url}/hello`)).status, 503);
      const good = endpoints(backend.url, ['a'], {
        plugin: { pattern: '.ts', folder: './plugins/' },
        extra_config: { 'plugin/http-server': { name: ['hello'] } },
      });
      await writeFile(file, JSON.stringify(good));
      await until(() => cli.output().includes('endpoints loaded'));
      assert.equal((await request(`${cli.url}/hello`)).body, 'hi');
      // Nothing served before: this load is the start, and logs as one.
      assert.ok(cli.output().includes('[SERVICE: Handler Plugin] Total plugins loaded: 1'), cli.output());
      assert.ok(cli.output().includes('[PLUGIN: Server] Injecting plugin hello'), cli.output());
    } finally {
      assert.equal(await cli.stop(), 0);
    }
  });
});
