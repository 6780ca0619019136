// The dashboard at /__krakend/ in headless Chromium, for a gateway serving the quickstart's
// krakend.json (pointed at the example backends on a free port): every endpoint path as written is
// in the routes table with its backends (mocks and faults marked), and requests appear live, with
// their backend calls, without a reload. The screenshot lands in test-results/dashboard.png.
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import connect from 'connect';
import { createGateway, type Gateway } from 'krakend-connect';
import type { Browser, Page } from 'playwright-core';
import { startBackends } from '../../examples/backends/server.mjs';
import { request } from '../helpers/http.js';
import { launchChromium, RESULTS, SKIP_BROWSER as SKIP } from './support/browser.js';
import { QUICKSTART, quickstartConfig, tempConfig, type TempConfig } from './support/config.js';


/** Routes table rows as the page shows them: method, endpoint, backends text. */
const ROUTE_ROWS = `[...document.querySelectorAll('#routes tbody tr')].map((tr) => ({
  method: tr.cells[0].textContent,
  endpoint: tr.cells[1].querySelector('code').textContent,
  backends: tr.cells[3].textContent,
}))`;

describe('dashboard in Chromium', { skip: SKIP && 'KRAKEND_CONNECT_SKIP_BROWSER=1' }, () => {
  let backends: Server;
  let config: TempConfig;
  let gateway: Gateway;
  let server: Server;
  let browser: Browser;
  let page: Page;
  let url: string;
  const pageErrors: string[] = [];

  before(async () => {
    mkdirSync(RESULTS, { recursive: true });
    backends = await startBackends(0);
    const backendUrl = `http://127.0.0.1:${(backends.address() as AddressInfo).port}`;
    config = tempConfig(quickstartConfig(backendUrl));
    gateway = createGateway({
      config: config.file,
      logger: false,
      watch: false,
      fallthrough: false,
    });
    await gateway.ready;
    const app = connect();
    app.use(gateway);
    server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  after(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await gateway?.close();
    await new Promise((r) => backends?.close(r));
    config?.remove();
  });

  test('lists every endpoint of the quickstart as written, with its backends', async () => {
    await page.goto(`${url}/__krakend/`);
    await page.waitForFunction(
      () => document.getElementById('live')?.textContent === '● live',
      null,
      {
        timeout: 15_000,
      },
    );
    const quickstart = JSON.parse(readFileSync(QUICKSTART, 'utf8')) as {
      endpoints: { endpoint: string; method?: string }[];
    };
    const rows = (await page.evaluate(ROUTE_ROWS)) as {
      method: string;
      endpoint: string;
      backends: string;
    }[];
    assert.deepEqual(
      rows.map((r) => `${r.method} ${r.endpoint}`),
      quickstart.endpoints.map((e) => `${e.method ?? 'GET'} ${e.endpoint}`),
    );
    assert.equal(await page.textContent('#route-count'), `(${quickstart.endpoints.length})`);
    const byPath = new Map(rows.map((r) => [r.endpoint, r]));
    assert.match(
      byPath.get('/users/{id}/profile')!.backends,
      /GET http:\/\/127\.0\.0\.1:\d+\/users\/\{id\}\/posts/,
    );
    assert.match(
      byPath.get('/mocked/users/{id}')!.backends,
      /^GET \/users\/\{id\} json mock \/.+\/mocks\/user\.json$/,
    );
    assert.match(byPath.get('/mocked/products/{id}')!.backends, /mock \/.+\/mocks\/api\/$/);
    assert.equal(
      await page.textContent('#routes tr[data-endpoint="/flaky"] .tag.fault'),
      'status 503 for 50% of calls',
    );
    assert.equal(await page.textContent('#mocking-mode'), 'off');
  });

  test('shows new requests live, with each backend call, without a reload', async () => {
    const before = await page.locator('#requests tbody tr.request').count();
    assert.equal((await request(`${url}/users/1/profile`)).status, 200);
    await page.waitForFunction(
      (n) => document.querySelectorAll('#requests tbody tr.request').length > n,
      before,
      { timeout: 15_000 },
    );
    const row = page.locator('#requests tbody tr.request').first();
    const cells = await row.locator('td').allTextContents();
    assert.equal(cells[1], 'GET');
    assert.equal(cells[2], '/users/1/profile');
    assert.equal(cells[3], '/users/{id}/profile');
    assert.equal(cells[4], '200');
    const calls = await row.locator('td li').allTextContents();
    assert.deepEqual(
      calls.map((c) => c.replace(/ [\d.]+ ms/, ' N ms').replace(/:\d+\//, ':PORT/')).sort(),
      [
        'GET http://127.0.0.1:PORT/users/1 200 N ms',
        'GET http://127.0.0.1:PORT/users/1/posts 200 N ms',
      ],
    );

    assert.equal((await request(`${url}/mocked/users/3`)).status, 200);
    await page.waitForFunction(
      () =>
        document.querySelector('#requests tbody tr.request td:nth-child(3)')?.textContent ===
        '/mocked/users/3',
      null,
      { timeout: 15_000 },
    );
    const mocked = await page
      .locator('#requests tbody tr.request')
      .first()
      .locator('td li')
      .textContent();
    assert.match(
      mocked!,
      /^GET http:\/\/127\.0\.0\.1:\d+\/users\/3 200 [\d.]+ ms mock \/.+\/mocks\/user\.json$/,
    );
    assert.equal(await page.textContent('#request-count'), `(${before + 2})`);
    assert.deepEqual(pageErrors, []);
    await page.screenshot({ path: join(RESULTS, 'dashboard.png'), fullPage: true });
  });
});
