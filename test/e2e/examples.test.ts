// The examples run with their one command, importing the package by its public name, against the
// quickstart's krakend.json (pointed at the example backends on a free port).
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startBackends } from '../../examples/backends/server.mjs';
import { request } from '../helpers/http.js';
import { quickstartConfig, ROOT, tempConfig, type TempConfig } from './support/config.js';
import { freePort, startProcess, type Running } from './support/process.js';
import { wsRoundTrip } from './support/streams.js';

let backends: Server;
let config: TempConfig;

before(async () => {
  backends = await startBackends(0);
  config = tempConfig(
    quickstartConfig(`http://127.0.0.1:${(backends.address() as AddressInfo).port}`),
  );
});

after(async () => {
  await new Promise((r) => backends.close(r));
  config.remove();
});

describe('examples/express: node server.mjs', () => {
  let app: Running;
  let url = '';

  before(async () => {
    const port = await freePort();
    app = await startProcess(['server.mjs'], {
      cwd: join(ROOT, 'examples/express'),
      env: { PORT: String(port), KRAKEND_CONFIG: config.file },
      ready: /listening on/,
    });
    url = `http://127.0.0.1:${port}`;
  });

  after(() => app?.stop());

  test('serves the quickstart under /api beside its own routes, WebSockets included', async () => {
    const echoed = await wsRoundTrip(`${url.replace('http', 'ws')}/api/ws`, 3);
    assert.deepEqual(echoed.texts, ['text 0', 'text 1', 'text 2']);
    const user = await request(`${url}/api/users/1`);
    assert.deepEqual(JSON.parse(user.body), {
      contact: 'ada@example.com',
      id: 1,
      name: 'Ada Lovelace',
      role: 'admin',
    });
    const own = await request(`${url}/api/hello`);
    assert.equal(JSON.parse(own.body).from, 'express');
    const page = await request(`${url}/`);
    assert.match(page.body, /<h1>krakend-connect in Express<\/h1>/);
  });
});

describe('examples/vite-app: vite', () => {
  let vite: Running;
  let url = '';

  before(async () => {
    const port = await freePort();
    vite = await startProcess(
      [
        join(ROOT, 'node_modules/vite/bin/vite.js'),
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--strictPort',
      ],
      {
        cwd: join(ROOT, 'examples/vite-app'),
        env: { KRAKEND_CONFIG: config.file },
        ready: /ready in/,
      },
    );
    url = `http://127.0.0.1:${port}`;
  });

  after(() => vite?.stop());

  test('serves the page and the quickstart on one port, logging through Vite', async () => {
    const page = await request(`${url}/`, { headers: { Accept: 'text/html' } });
    assert.match(page.body, /<title>krakend-connect in Vite<\/title>/);
    const summary = await request(`${url}/orders/100/summary`);
    assert.equal(JSON.parse(summary.body).customer.tier, 'gold');
    assert.match(vite.output(), /\[krakend\] \[SERVICE: Gateway\] \d+ endpoints loaded/);
  });
});
