// The vite-app example in headless Chromium: the page fetches through the gateway on Vite's own
// port, a broken krakend.json shows Vite's error overlay in the page (file, line, column), and
// the next good save clears it. Screenshots land in test-results/.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { krakend } from 'krakend-connect/vite';
import type { Browser, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { startBackends } from '../../examples/backends/server.mjs';
import { launchChromium, RESULTS, SKIP_BROWSER as SKIP } from './support/browser.js';
import { quickstartConfig, ROOT, tempConfig, type TempConfig, viteCacheDir } from './support/config.js';

/**
 * What the overlay's shadow DOM shows, or null when there is no overlay. A string, so the test
 * transpiler's helpers (`__name`) never reach the page.
 */
const OVERLAY_TEXT = `(() => {
  const root = document.querySelector('vite-error-overlay')?.shadowRoot;
  if (!root) return null;
  const text = (sel) => root.querySelector(sel)?.textContent ?? '';
  return { plugin: text('.plugin'), message: text('.message-body'), file: text('.file'), frame: text('.frame') };
})()`;

function overlayText(page: Page) {
  return page.evaluate(OVERLAY_TEXT) as Promise<{
    plugin: string;
    message: string;
    file: string;
    frame: string;
  } | null>;
}

describe('Vite dev server in Chromium', { skip: SKIP && 'KRAKEND_CONNECT_SKIP_BROWSER=1' }, () => {
  const cacheDir = viteCacheDir();
  let backends: Server;
  let config: TempConfig;
  let server: ViteDevServer;
  let browser: Browser;
  let page: Page;
  let url: string;
  const consoleLines: string[] = [];

  before(async () => {
    mkdirSync(RESULTS, { recursive: true });
    backends = await startBackends(0);
    config = tempConfig(
      quickstartConfig(`http://127.0.0.1:${(backends.address() as AddressInfo).port}`),
    );
    server = await createServer({
      root: join(ROOT, 'examples/vite-app'),
      cacheDir,
      configFile: false,
      logLevel: 'silent',
      clearScreen: false,
      plugins: [krakend({ config: config.file })],
      server: { host: '127.0.0.1', port: 0 },
    });
    await server.listen();
    url = `http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('console', (m) => consoleLines.push(m.text()));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((r) => backends?.close(r));
    config?.remove();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  test('the page fetches every endpoint through the gateway and Vite HMR connects', async () => {
    await page.goto(url);
    await page.waitForSelector('#users-1[data-status]', { timeout: 15_000 });
    await page.waitForSelector('#ws[data-done]', { timeout: 15_000 });
    await page.waitForSelector('#stream[data-done]', { timeout: 15_000 });
    const users = await page.textContent('#users-1');
    assert.match(users!, /^200 OK/);
    assert.match(users!, /"contact": "ada@example.com"/);
    assert.doesNotMatch(users!, /password_hash/);
    assert.match((await page.textContent('#profile'))!, /"posts": \[/);
    assert.match((await page.textContent('#summary'))!, /"tier": "gold"/);
    assert.match((await page.textContent('#promo'))!, /"promo": "SPRING"/);
    assert.equal(await page.textContent('#ws'), 'echo: hello through the gateway');
    assert.equal(await page.getAttribute('#stream', 'data-done'), 'true');
    assert.equal(await page.locator('#stream li').count(), 3);
    assert.ok(
      consoleLines.some((l) => l.includes('[vite] connected')),
      consoleLines.join('\n'),
    );
    await page.screenshot({ path: join(RESULTS, 'vite-app.png'), fullPage: true });
  });

  test('a broken krakend.json shows the overlay in the page; fixing it clears it', async () => {
    const good = JSON.stringify(quickstartConfig(''), null, 2);
    const working = (await page.textContent('#users-1'))!;
    const broken = `{\n  "version": 3,\n  "endpoints": [\n    { "endpoint": "/users/{id}" "backend": [] }\n  ]\n}\n`;
    try {
      config.write(broken);
      await page.waitForSelector('vite-error-overlay', { timeout: 15_000 });
      const overlay = await overlayText(page);
      assert.ok(overlay);
      assert.equal(overlay.plugin, '[plugin:krakend-connect] ');
      assert.equal(overlay.file, `${config.file}:4:33`);
      assert.match(overlay.message, /invalid character '"' after object key:value pair/);
      assert.ok(overlay.frame.includes('4 |     { "endpoint": "/users/{id}" "backend": [] }'));
      assert.ok(overlay.frame.includes(`  | ${' '.repeat(32)}^`), overlay.frame);
      await page.screenshot({ path: join(RESULTS, 'vite-overlay.png') });
    } finally {
      const fixed = JSON.parse(good) as Record<string, unknown>;
      fixed.host = quickstartConfig(
        `http://127.0.0.1:${(backends.address() as AddressInfo).port}`,
      ).host;
      config.write(`${JSON.stringify(fixed, null, 2)}\n`);
    }
    await page.waitForSelector('vite-error-overlay', { state: 'detached', timeout: 15_000 });
    await page.waitForSelector('#users-1[data-status="200"]', { timeout: 15_000 });
    assert.equal(await page.textContent('#users-1'), working);
    assert.equal(await overlayText(page), null);
    await page.screenshot({ path: join(RESULTS, 'vite-overlay-cleared.png') });
  });
});
