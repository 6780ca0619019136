// The error page a browser gets while no good config has loaded (INTERFACE.md: 503 with a
// readable page) recovers by itself: after the fix is saved, the open tab shows the route's
// real answer without a manual reload, in headless Chromium.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { jsonRoutes, startBackend, type TestBackend } from '../helpers/backend.js';
import { startGateway, type RunningGateway } from '../helpers/gateway.js';
import { launchChromium, SKIP_BROWSER as SKIP } from './support/browser.js';

describe('the not-ready page in Chromium', { skip: SKIP && 'KRAKEND_CONNECT_SKIP_BROWSER=1' }, () => {
  let dir: string;
  let backend: TestBackend;
  let gw: RunningGateway;
  let browser: Browser;
  let page: Page;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kc-not-ready-browser-'));
    backend = await startBackend(jsonRoutes({ '/a': { a: 1 } }));
    await writeFile(join(dir, 'krakend.json'), '{ "version": 3,, }');
    gw = await startGateway({ config: join(dir, 'krakend.json'), watch: true }, { waitReady: false });
    browser = await launchChromium();
    page = await browser.newPage();
  });

  after(async () => {
    await browser?.close();
    await gw?.close();
    await backend?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('shows the error, then the route once the fix is saved', async () => {
    const first = await page.goto(`${gw.url}/a`);
    assert.equal(first?.status(), 503);
    assert.match((await page.textContent('h1'))!, /krakend-connect cannot serve: KC_CONFIG_SYNTAX/);
    const config = { version: 3, host: [backend.url], endpoints: [{ endpoint: '/a', backend: [{ url_pattern: '/a' }] }] };
    await writeFile(join(dir, 'krakend.json'), JSON.stringify(config));
    await page.waitForFunction(() => document.body.innerText.includes('{"a":1}'), undefined, {
      timeout: 10_000,
    });
    assert.equal(await page.evaluate(() => document.body.innerText.trim()), '{"a":1}');
  });
});
