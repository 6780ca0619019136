import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundlePlugin } from '../../../src/plugins/bundle.js';
import { evaluatePlugin } from '../../../src/plugins/evaluate.js';
import { locate, StackMapper } from '../../../src/plugins/source-map.js';
import { tempPlugins } from '../../integration/plugins/helpers.js';

const PLUGIN = `import { explode } from './helper.js';

export function run(): void {
  explode('x');
}
`;
const HELPER = `// a comment to shift lines
type Reason = string;
export function explode(reason: Reason): never {
  throw new Error('exploded: ' + reason);
}
`;

describe('stacks of bundled plugins point at the original files', () => {
  let dir: Awaited<ReturnType<typeof tempPlugins>>;
  let run: () => void;
  const mapper = new StackMapper();
  let inputs: string[];
  before(async () => {
    dir = await tempPlugins({ 'plugin.ts': PLUGIN, 'helper.ts': HELPER });
    const file = join(dir.folder, 'plugin.ts');
    const bundle = await bundlePlugin(file);
    inputs = bundle.inputs;
    mapper.add(file, bundle.map);
    run = evaluatePlugin(bundle.code, file).run as () => void;
  });
  after(() => dir.cleanup());

  const stackOf = () => {
    try {
      run();
    } catch (err) {
      return (err as Error).stack ?? '';
    }
    throw new Error('did not throw');
  };

  it('maps frames itself when Node\'s source maps are off', () => {
    const enabled = process.sourceMapsEnabled;
    process.setSourceMapsEnabled(false);
    let mapped: string;
    try {
      mapped = mapper.map(stackOf());
    } finally {
      process.setSourceMapsEnabled(enabled);
    }
    const frames = mapped.split('\n').slice(1, 3).map((l) => l.trim());
    assert.deepEqual(frames, [
      `at explode (${join(dir.folder, 'helper.ts')}:4:9)`,
      `at run (${join(dir.folder, 'plugin.ts')}:4:3)`,
    ]);
    assert.deepEqual(locate(mapped, inputs), { file: join(dir.folder, 'helper.ts'), line: 4, column: 9 });
  });

  it('maps frames the same with Node\'s source maps on (tsx, --enable-source-maps)', () => {
    process.setSourceMapsEnabled(true);
    const raw = stackOf();
    // Bundles carry no sourceMappingURL, so Node never maps them first, on any version.
    assert.match(raw, /plugin\.ts:\d+:\d+\)/);
    const frames = mapper.map(raw).split('\n').slice(1, 3).map((l) => l.trim());
    assert.deepEqual(frames, [
      `at explode (${join(dir.folder, 'helper.ts')}:4:9)`,
      `at run (${join(dir.folder, 'plugin.ts')}:4:3)`,
    ]);
  });

  it('lists the plugin and its local imports as inputs', () => {
    assert.deepEqual([...inputs].sort(), [join(dir.folder, 'helper.ts'), join(dir.folder, 'plugin.ts')]);
  });
});
