import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, describe, it } from 'node:test';
import { loadPlugins, type PluginRegistry } from '../../../src/plugins/index.js';
import { logSink } from '../../helpers/log.js';
import { tempPlugins } from '../../integration/plugins/helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

// Each generation holds ~1 MiB, so a leak of whole generations shows as ~200 MiB.
const PLUGIN = `import { payload } from './payload.js';
export const HandlerRegisterer = {
  RegisterHandlers(register: any) {
    register('big', (_ctx: unknown, _extra: unknown, next: any) => (req: any, res: any) => {
      res.setHeader('x-size', String(payload.length));
      return next(req, res);
    });
  },
};
`;
const PAYLOAD = "export const payload = 'x'.repeat(1 << 20) + Math.random();\n";

async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await tick();
  }
}

const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

// reference/reliability.md §4: ESM re-imports and require-cache deletion leak every version.
describe('reloading the same plugin folder keeps memory bounded', () => {
  let dir: Awaited<ReturnType<typeof tempPlugins>>;
  before(async () => {
    dir = await tempPlugins({ 'big.ts': PLUGIN, 'payload.ts': PAYLOAD });
  });
  after(() => dir.cleanup());

  const load = () => loadPlugins({ folder: dir.folder, pattern: 'big' }, { logger: logSink('info').logger });

  it('a disposed registry is garbage collected with its module', async () => {
    let registry: PluginRegistry | undefined = await load();
    const factory = new WeakRef(registry.handlers.get('big')!.factory);
    registry.dispose();
    registry = undefined;
    for (let i = 0; i < 10 && factory.deref(); i++) await collect();
    assert.equal(factory.deref(), undefined);
  });

  it('200 loads (prints the growth; bounds belong to the bench)', async () => {
    await collect();
    const before = process.memoryUsage();
    for (let i = 0; i < 200; i++) {
      const registry = await load();
      assert.equal(registry.handlers.size, 1);
      registry.dispose();
    }
    await collect();
    const afterUse = process.memoryUsage();
    console.log(
      `200 plugin reloads: heapUsed ${mib(before.heapUsed)} → ${mib(afterUse.heapUsed)} ` +
        `(${mib(afterUse.heapUsed - before.heapUsed)}), rss ${mib(before.rss)} → ${mib(afterUse.rss)} ` +
        `(${mib(afterUse.rss - before.rss)}), sourceMapsEnabled=${process.sourceMapsEnabled}`,
    );
  });
});
