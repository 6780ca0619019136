import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startGateway, type RunningGateway } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';

describe('a config that fails at first load (INTERFACE.md)', () => {
  let dir: string;
  let gw: RunningGateway;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kc-not-ready-'));
    await writeFile(join(dir, 'krakend.json'), '{\n  "version": 3,\n  "endpoints": [{ "endpoint": "/a", "backend": [] }]\n}\n');
    gw = await startGateway({ config: join(dir, 'krakend.json') }, { waitReady: false });
  });
  after(async () => {
    await gw.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('ready rejects with the coded error', async () => {
    await assert.rejects(gw.gateway.ready, (err: Error & { code?: string }) => {
      assert.equal(err.code, 'KC_CONFIG_INVALID');
      return true;
    });
  });

  test('every request answers 503 with the error as JSON', async () => {
    const r = await request(`${gw.url}/a`);
    assert.equal(r.status, 503);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    const body = JSON.parse(r.body);
    assert.equal(body.code, 'KC_CONFIG_INVALID');
    assert.deepEqual(body.problems, [
      `${join(dir, 'krakend.json')}:3:17 endpoints[0]: ignoring the ' /a' endpoint, since it has 0 backends defined!`,
    ]);
  });

  test('a browser gets a readable page naming file, line and column', async () => {
    const r = await request(`${gw.url}/anything`, { headers: { Accept: 'text/html' } });
    assert.equal(r.status, 503);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(r.body, /krakend\.json:3:17 endpoints\[0\]: ignoring the &#39; \/a&#39; endpoint/);
    // Marked, and the page polls for the fix (test/e2e/not-ready-browser.test.ts runs it).
    assert.equal(r.headers['x-krakend-connect-not-ready'], 'KC_CONFIG_INVALID');
    assert.match(r.body, /<script>\(function poll\(\)\{setTimeout\(/);
  });
});
