import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatGoDuration, testPlugins } from '../../../src/plugins/index.js';
import { tempPlugins } from '../../integration/plugins/helpers.js';

const examples = fileURLToPath(new URL('../../../examples/plugins/', import.meta.url));
const DURATION = /\d+(\.\d+)?(ns|µs|ms|s)/;

describe('testPlugins: KrakenD\'s test-plugin lines (behaviour §5.5)', () => {
  let bad: Awaited<ReturnType<typeof tempPlugins>>;
  before(async () => {
    bad = await tempPlugins({
      'broken.ts': 'export const HandlerRegisterer = {\n  oops(\n};\n',
      'legacy.so': 'ELF, a Go plugin',
    });
  });
  after(() => bad.cleanup());

  it('prints [OK] per file and kind, and the summary', async () => {
    const { lines, ok } = await testPlugins([join(examples, 'krakend-server-example.ts')], { server: true });
    assert.equal(ok, true);
    assert.equal(lines[0], '[OK] SERVER\tkrakend-server-example.ts');
    assert.match(lines[1], new RegExp(`^\\[OK\\] 1 tested plugin\\(s\\) in ${DURATION.source}$`));
    assert.equal(lines.length, 2);
  });

  it('checks all three kinds, in KrakenD\'s order, when none is asked for', async () => {
    const files = ['fake-backend.ts', 'add-header-modifier.ts'].map((f) => join(examples, f));
    const { lines, ok } = await testPlugins(files);
    assert.equal(ok, false);
    assert.deepEqual(lines.slice(0, 6), [
      '[KO] SERVER\tfake-backend.ts: The plugin does not contain a HandlerRegisterer.',
      '[KO] MODIFIER\tfake-backend.ts: The plugin does not contain a ModifierRegisterer.',
      '[OK] CLIENT\tfake-backend.ts',
      '[KO] SERVER\tadd-header-modifier.ts: The plugin does not contain a HandlerRegisterer.',
      '[OK] MODIFIER\tadd-header-modifier.ts',
      '[KO] CLIENT\tadd-header-modifier.ts: The plugin does not contain a ClientRegisterer.',
    ]);
    assert.match(lines[6], new RegExp(`^\\[KO\\] 2 tested plugin\\(s\\) in ${DURATION.source}\\.$`));
    assert.equal(lines[7], '2 plugin(s) failed.');
  });

  it('a Go .so is reported as not a JS/TS module, as run says it', async () => {
    const { lines, ok } = await testPlugins([join(bad.folder, 'legacy.so')], { server: true });
    assert.equal(ok, false);
    assert.equal(
      lines[0],
      '[KO] SERVER\tlegacy.so: not a JS/TS module (.ts .mts .cts .js .mjs .cjs); krakend-connect loads JS/TS plugins',
    );
  });

  it('gives the reason of a file that does not load, and of a missing file', async () => {
    const broken = join(bad.folder, 'broken.ts');
    const { lines, ok } = await testPlugins([broken, 'no/such/plugin.ts'], { server: true, client: true });
    assert.equal(ok, false);
    assert.deepEqual(lines.slice(0, 3), [
      `[KO] SERVER\tbroken.ts: ${broken}:3:1 Expected identifier but found "}"`,
      `[KO] CLIENT\tbroken.ts: ${broken}:3:1 Expected identifier but found "}"`,
      '[KO] Unable to open the plugin no/such/plugin.ts.',
    ]);
    assert.equal(lines[4], '2 plugin(s) failed.');
  });
});

describe('formatGoDuration', () => {
  const cases: [number, string][] = [
    [13.498341, '13.498341ms'],
    [2, '2ms'],
    [1500, '1.5s'],
    [0.85, '850µs'],
    [0.0005, '500ns'],
  ];
  for (const [ms, text] of cases) it(`${ms} ms → ${text}`, () => assert.equal(formatGoDuration(ms), text));
});
