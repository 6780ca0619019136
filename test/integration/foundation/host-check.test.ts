import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, type RunningGateway } from '../../helpers/gateway.js';
import { rawRequest } from '../../helpers/http.js';

const get = (host: string) => `GET /__health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;

describe('allowedHosts: DNS-rebinding guard (reliability.md §6 row 29)', () => {
  let gw: RunningGateway;
  let open: RunningGateway;
  before(async () => {
    gw = await startGateway({ config: { version: 3, endpoints: [] }, allowedHosts: ['dev.example.test', '.apps.test'] });
    open = await startGateway({ config: { version: 3, endpoints: [] } });
  });
  after(async () => {
    await gw.close();
    await open.close();
  });

  test('a foreign Host is refused with 403 when the list is on', async () => {
    for (const host of ['attacker.example', '169.254.169.254.nip.io', 'dev.example.test.evil']) {
      const r = await rawRequest(gw.port, get(host));
      assert.equal(r.status, 403, host);
      assert.match(r.text, new RegExp(`Blocked request: the host "${host.replace(/\./g, '\\.')}" is not allowed`));
    }
  });

  test('loopback names, IP literals, listed names and listed subdomains pass', async () => {
    for (const host of ['localhost:8080', 'localhost.', '127.0.0.1', '[::1]:3000', '169.254.169.254', 'dev.example.test', 'a.apps.test']) {
      assert.equal((await rawRequest(gw.port, get(host))).status, 200, host);
    }
  });

  test('a WebSocket upgrade for a foreign Host is refused too', async () => {
    const upgrade = (host: string) =>
      `GET /ws HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
    const r = await rawRequest(gw.port, upgrade('attacker.example'));
    assert.equal(r.status, 403);
    assert.match(r.text, /Blocked request: the host "attacker\.example" is not allowed/);
    // An allowed host reaches the router (no such endpoint here: the helper's host drops it).
    assert.notEqual((await rawRequest(gw.port, upgrade('localhost'))).status, 403);
  });

  test('off by default: any Host is served, and never changes where requests go', async () => {
    assert.equal((await rawRequest(open.port, get('attacker.example'))).status, 200);
  });
});
