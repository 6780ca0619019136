import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ROOT } from './config.js';

/** The browser tests are off (`.ci/run` runs them under one Node version only). */
export const SKIP_BROWSER = process.env.KRAKEND_CONNECT_SKIP_BROWSER === '1';
/** Where the browser tests leave their screenshots. */
export const RESULTS = join(ROOT, 'test-results');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, as every browser test launches it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
