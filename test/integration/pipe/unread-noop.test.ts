import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBackend, type TestBackend } from '../../helpers/backend.js';
import { startCli, type RunningCli } from '../../helpers/cli.js';
import { request } from '../../helpers/http.js';

/**
 * A `no-op` backend in an endpoint with several backends: nobody reads its body, and the
 * gateway drops it. undici turns a plain `destroy()` of an unread body into an `'error'`
 * (`RequestAbortedError`), which with no listener killed the whole process after the first
 * answer. Run through the CLI: the process must still answer afterwards.
 */
describe('an unread no-op body in a multi-backend endpoint', () => {
  let backend: TestBackend;
  let cli: RunningCli;
  let dir: string;
  /** Open `/stream` answers: each sends one chunk and never ends until its client goes. */
  let streaming = 0;

  before(async () => {
    backend = await startBackend((req, res) => {
      if (req.url === '/stream') {
        streaming++;
        res.on('close', () => streaming--);
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        res.write('data: 1\n\n');
        return;
      }
      if (req.url === '/raw') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('hello');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"supu":42}');
    });
    const host = [backend.url];
    const json = { host, url_pattern: '/json' };
    const raw = { host, url_pattern: '/raw', encoding: 'no-op' };
    const config = {
      version: 3,
      endpoints: [
        { endpoint: '/merge', backend: [json, raw] },
        { endpoint: '/seq-last', extra_config: { proxy: { sequential: true } }, backend: [json, raw] },
        { endpoint: '/seq-first', extra_config: { proxy: { sequential: true } }, backend: [raw, json] },
        { endpoint: '/shadow', backend: [json, { ...raw, extra_config: { proxy: { shadow: true } } }] },
        {
          endpoint: '/concurrent',
          output_encoding: 'no-op',
          concurrent_calls: 3,
          backend: [{ host, url_pattern: '/stream', encoding: 'no-op' }],
        },
      ],
    };
    dir = await mkdtemp(join(tmpdir(), 'kc-unread-'));
    await writeFile(join(dir, 'krakend.json'), JSON.stringify(config));
    cli = await startCli(['-c', join(dir, 'krakend.json'), '--log-level', 'error']);
  });

  after(async () => {
    await cli.stop();
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const path of ['/merge', '/seq-last', '/seq-first', '/shadow']) {
    it(`${path} answers the json backend's data, again and again`, async () => {
      for (let i = 0; i < 3; i++) {
        const r = await request(`${cli.url}${path}`);
        assert.equal(r.status, 200, `request ${i + 1}`);
        assert.equal(r.body, '{"supu":42}');
      }
      assert.equal(cli.child.exitCode, null, cli.output());
      assert.doesNotMatch(cli.output(), /RequestAbortedError|Unhandled 'error' event/);
    });
  }

  it('concurrent calls: the losing streams are dropped, the winner streams on', async () => {
    const first = await new Promise<string>((resolve, reject) => {
      const req = get(`${cli.url}/concurrent`, (res) => {
        res.once('data', (c: Buffer) => {
          resolve(`${res.statusCode} ${c.toString()}`);
          req.destroy();
        });
      });
      req.on('error', reject);
    });
    assert.equal(first, '200 data: 1\n\n');
    // The client left: the winner's stream closes with it, and no loser is left open.
    for (let i = 0; i < 100 && streaming > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(streaming, 0);
    assert.equal(cli.child.exitCode, null, cli.output());
  });
});
