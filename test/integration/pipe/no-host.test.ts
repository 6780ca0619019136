import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startBackend, type TestBackend } from '../../helpers/backend.js';
import { startGateway, type RunningGateway } from '../../helpers/gateway.js';
import { request } from '../../helpers/http.js';
import { logSink } from '../../helpers/log.js';

/**
 * A backend without any host (DECISIONS.md 1): the config loads, and each call fails at request
 * time with `no hosts available`. The host picker throws while the pipe is being entered, before
 * any promise exists: a merge keeps the other backend's data, a lone backend answers 500.
 */
describe('a backend without a host, at request time', () => {
  let a: TestBackend;
  let gw: RunningGateway;
  const sink = logSink('error');

  before(async () => {
    a = await startBackend((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"n":1}');
    });
    gw = await startGateway({
      logger: sink.logger,
      config: {
        version: 3,
        endpoints: [
          {
            endpoint: '/merge',
            backend: [{ host: [a.url], url_pattern: '/u' }, { url_pattern: '/v' }],
          },
          { endpoint: '/single', backend: [{ url_pattern: '/v' }] },
        ],
      },
    });
  });

  after(async () => {
    await gw.close();
    await a.close();
  });

  it('a merge answers 200 with the other backend, incomplete, and logs the failure', async () => {
    const r = await request(`${gw.url}/merge`);
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"n":1}');
    assert.equal(r.headers['x-krakend-completed'], 'false');
    assert.ok(sink.messages().includes('[ENDPOINT: /merge] Error #0: no hosts available'));
  });

  it('a lone backend answers 500 with an empty body and logs the failure', async () => {
    const r = await request(`${gw.url}/single`);
    assert.equal(r.status, 500);
    assert.equal(r.body, '');
    assert.equal(r.headers['x-krakend-completed'], 'false');
    assert.ok(sink.messages().includes('[ENDPOINT: /single] no hosts available'));
  });
});
