import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeGatewayConfigs } from './lib/configs.js';
import { checkLog, compare, get } from './lib/precheck.js';
import { SCENARIOS } from './lib/scenarios.js';
import { SERVER_KINDS, startServer, unavailable, type ServerContext } from './lib/servers.js';
import { corpusConfig, measureStartup } from './lib/startup.js';
import { listenBackend } from './targets/backend.js';

// Every bench server's pre-check (not the load): each server starts in its own process as
// `npm run bench` starts it and must answer each of its scenarios with the expected body.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let backend: Server;
let ctx: ServerContext;

before(async () => {
  backend = await listenBackend();
  const dir = mkdtempSync(join(tmpdir(), 'kc-bench-check-'));
  const backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  ctx = { root, dir, backendUrl, configs: writeGatewayConfigs(dir, backendUrl) };
});

after(async () => {
  backend.closeAllConnections();
  await new Promise<void>((r) => backend.close(() => r()));
  rmSync(ctx.dir, { recursive: true, force: true });
});

describe('bench pre-check', { timeout: 50_000 }, () => {
  for (const kind of SERVER_KINDS) {
    const scenarios = SCENARIOS.filter((s) => s.server === kind);
    it(`${kind} serves ${scenarios.map((s) => s.path).join(', ')}`, { skip: unavailable(kind, root) }, async () => {
      const server = await startServer(kind, ctx, `check-${kind}`);
      try {
        for (const s of scenarios) {
          assert.deepEqual(checkLog(server.logFile, s.logIncludes), [], s.name);
          const problems = compare(await get(`${server.url}${s.path}`), s.expect);
          assert.deepEqual(problems, [], `${s.name}`);
        }
      } finally {
        await server.stop();
      }
    });
  }

  const corpus = corpusConfig(root);
  it('the CLI starts with the 46-backend corpus config', {
    skip: corpus ? unavailable('gateway', root) : 'no ../shared/corpus beside the repo',
  }, async () => {
    // The built bin when fresh (npm test builds first), else tsx: no tsc run inside a test.
    const r = await measureStartup(root, corpus as string, 1, false);
    assert.equal(r.runs.length, 1);
  });
});
