import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { runCli, startCli } from '../../helpers/cli.js';
import { request } from '../../helpers/http.js';

const corpusDir = fileURLToPath(new URL('../../../../shared/corpus/krakend-configs/', import.meta.url));
/** The corpus sits beside the repository in its workspace; a lone clone runs the rest. */
const HAS_CORPUS = existsSync(corpusDir);
const NO_CORPUS = !HAS_CORPUS && 'no ../shared/corpus beside the repo';
const corpus = HAS_CORPUS ? readdirSync(corpusDir).filter((f) => f.endsWith('.json')).sort() : [];
/** Any valid config, for tests about the CLI rather than the corpus. */
const anyConfig = HAS_CORPUS
  ? corpusDir + corpus[0]
  : fileURLToPath(new URL('../../../examples/quickstart/krakend.json', import.meta.url));
const fixtures = fileURLToPath(new URL('../../fixtures/configs/', import.meta.url));

/** Runs `fn` over `items`, `width` at a time (each item is a child process). */
async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
    }),
  );
}

describe('krakend-connect check', () => {
  test('exits 0 on every real config of the corpus', { skip: NO_CORPUS }, async () => {
    assert.equal(corpus.length, 40);
    const failed: string[] = [];
    await pool(corpus, 4, async (file) => {
      const r = await runCli(['check', '-c', corpusDir + file]);
      if (r.code !== 0 || !r.stdout.includes('Syntax OK!')) failed.push(`${file}: ${r.code}\n${r.stderr}`);
    });
    assert.deepEqual(failed, []);
  });

  test('a syntax error: exit 1, file:line:col and Go\'s message, no stack trace', async () => {
    const r = await runCli(['check', '-c', `${fixtures}broken-syntax.json`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /broken-syntax\.json:4:24 .*invalid character '"' after object key:value pair/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  test('rule violations are all reported at once with line and column', async () => {
    const r = await runCli(['check', '-c', `${fixtures}broken-rules.json`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /broken-rules\.json:5:\d+ endpoints\[1\]\S*: ignoring the ' \/b' endpoint, since it has 0 backends defined!/);
    assert.match(r.stderr, /broken-rules\.json:6:5 endpoints\[2\]: handlers are already registered for path '\/a'/);
    assert.match(r.stderr, /broken-rules\.json:7:\d+ endpoints\[3\]\S*: can not use NoOp encoding with more than one backends/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  test('wrong version and a missing file exit 1', async () => {
    const v = await runCli(['check', '-c', `${fixtures}wrong-version.json`]);
    assert.equal(v.code, 1);
    assert.match(v.stderr, /unsupported version: 2 \(want: 3\)/);
    const m = await runCli(['check', '-c', `${fixtures}missing.json`]);
    assert.equal(m.code, 1);
    assert.match(m.stderr, /missing\.json/);
  });

  test('usage errors exit 2', async () => {
    assert.equal((await runCli(['check'])).code, 2);
    assert.equal((await runCli(['nonsense'])).code, 2);
    assert.equal((await runCli(['run', '-c', 'x.json', '--log-level', 'LOUD'])).code, 2);
    const alone = await runCli(['run', '-c', 'x.json', '--replay-fallthrough']);
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /--replay-fallthrough needs --replay <dir>/);
  });

  test('-d prints the routes', async () => {
    const r = await runCli(['check', '-d', '-c', anyConfig]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^GET\s+\/\S+/m);
  });
});

describe('krakend-connect run', () => {
  test('boots every corpus config and serves /__health', { skip: NO_CORPUS }, async () => {
    const failed: string[] = [];
    await pool(corpus, 4, async (file) => {
      try {
        const cli = await startCli(['-c', corpusDir + file, '--log-level', 'error']);
        const r = await request(`${cli.url}/__health`);
        const code = await cli.stop();
        if (r.status !== 200 || code !== 0) failed.push(`${file}: health ${r.status}, exit ${code}`);
      } catch (err) {
        failed.push(`${file}: ${(err as Error).message.slice(0, 500)}`);
      }
    });
    assert.deepEqual(failed, []);
  });

  test('unmatched paths are 404 page not found; SIGTERM exits 0', async () => {
    const cli = await startCli(['-c', anyConfig]);
    const r = await request(`${cli.url}/definitely/not/there`);
    assert.equal(r.status, 404);
    assert.equal(r.body, '404 page not found');
    assert.equal(r.headers['content-type'], 'text/plain');
    assert.equal(await cli.stop('SIGTERM'), 0);
  });

  test('the dashboard: on by default, off with --no-dashboard and under NODE_ENV=production', async () => {
    const config = anyConfig;
    const on = await startCli(['-c', config]);
    const off = await startCli(['-c', config, '--no-dashboard']);
    const prod = await startCli(['-c', config], 20_000, { NODE_ENV: 'production' });
    try {
      assert.equal((await request(`${on.url}/__krakend/`)).status, 200);
      assert.equal((await request(`${off.url}/__krakend/`)).status, 404);
      assert.equal((await request(`${prod.url}/__krakend/`)).status, 404);
    } finally {
      await Promise.all([on.stop(), off.stop(), prod.stop()]);
    }
  });

  test('a broken config exits 1 with its errors', async () => {
    const r = await runCli(['run', '-p', '0', '-c', `${fixtures}broken-rules.json`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /0 backends defined/);
  });
});
