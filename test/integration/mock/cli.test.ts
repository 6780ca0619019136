// The CLI's --record, --replay and --replay-fallthrough flags on the built bin, and `check` on
// the mocking namespaces.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { jsonRoutes, startBackend } from '../../helpers/backend.js';
import { runCli, startCli } from '../../helpers/cli.js';
import { request } from '../../helpers/http.js';
import { workspace } from './helpers.js';

describe('krakend-connect run --record / --replay', () => {
  test('records against the backend, then replays it stopped; a miss is a 502', async () => {
    const backend = await startBackend(jsonRoutes({ '/users/1': { id: 1, name: 'Ada' } }));
    const ws = workspace({
      version: 3,
      host: [backend.url],
      endpoints: [{ endpoint: '/users/{id}', backend: [{ url_pattern: '/users/{id}' }] }],
    });
    const dir = join(ws.dir, 'recordings');
    try {
      const recording = await startCli(['-c', ws.file, '--record', dir]);
      try {
        assert.equal((await request(`${recording.url}/users/1`)).body, '{"id":1,"name":"Ada"}');
      } finally {
        assert.equal(await recording.stop('SIGTERM'), 0);
      }
      const file = join(dir, `127.0.0.1_${backend.port}`, 'users', '1', 'GET.json');
      assert.equal(JSON.parse(readFileSync(file, 'utf8')).response.body.name, 'Ada');
      await backend.close();

      const replaying = await startCli(['-c', ws.file, '--replay', dir]);
      try {
        const hit = await request(`${replaying.url}/users/1`);
        assert.equal(hit.status, 200);
        assert.equal(hit.body, '{"id":1,"name":"Ada"}');
        assert.equal(hit.headers['x-krakend-connect-replay'], file);
        const miss = await request(`${replaying.url}/users/2`);
        assert.equal(miss.status, 502);
        assert.equal(
          miss.body,
          `no recording for GET ${backend.url}/users/2: looked for ${join(dir, `127.0.0.1_${backend.port}`, 'users', '2', 'GET.json')}`,
        );
      } finally {
        await replaying.stop('SIGTERM');
      }

      const fallthrough = await startCli(['-c', ws.file, '--replay', dir, '--replay-fallthrough']);
      try {
        // Not recorded, and the live backend is gone: KrakenD's answer for a dead backend.
        assert.equal((await request(`${fallthrough.url}/users/2`)).status, 500);
        assert.equal((await request(`${fallthrough.url}/users/1`)).status, 200);
      } finally {
        await fallthrough.stop('SIGTERM');
      }
    } finally {
      await backend.close();
      ws.remove();
    }
  });

  test('check reports mocking mistakes with file, line and column', async () => {
    const ws = workspace({
      version: 3,
      endpoints: [
        {
          endpoint: '/a',
          extra_config: { 'krakend-connect/faults': { status: 503, rate: 1.5 } },
          backend: [
            { url_pattern: '/a', extra_config: { 'krakend-connect/mock': { file: 'a.json' } } },
          ],
        },
      ],
    });
    try {
      const r = await runCli(['check', '-c', ws.file]);
      assert.equal(r.code, 1);
      assert.ok(
        r.stderr.includes(
          `${ws.file}:9:19 endpoints[0].extra_config.krakend-connect/faults.rate: 'rate' must be a number from 0 to 1, got 1.5`,
        ),
        r.stderr,
      );
    } finally {
      ws.remove();
    }
  });
});
