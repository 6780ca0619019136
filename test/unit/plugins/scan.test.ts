import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { matchesPattern, scanFolder } from '../../../src/plugins/scan.js';

describe('matchesPattern: KrakenD\'s "name contains pattern", .so standing for JS/TS', () => {
  const cases: [name: string, pattern: string, expected: boolean][] = [
    ['hijack.ts', '.so', true],
    ['hijack.mts', '.so', true],
    ['hijack.cts', '.so', true],
    ['hijack.js', '.so', true],
    ['hijack.mjs', '.so', true],
    ['hijack.cjs', '.so', true],
    ['hijack.so', '.so', false], // a Go plugin: cannot be loaded here
    ['hijack.d.ts', '.so', false],
    ['data.json', '.so', false],
    ['README.md', '.so', false],
    ['auth-plugin.ts', '-plugin.so', true],
    ['auth-helper.ts', '-plugin.so', false],
    ['auth.ts', '.ts', true],
    ['auth.mts', '.ts', false], // substring semantics: ".mts" does not contain ".ts"
    ['auth.js', '.ts', false],
    ['my-plugin.js', 'plugin', true],
    ['other.js', 'plugin', false],
    ['anything.ts', '', true],
  ];
  for (const [name, pattern, expected] of cases) {
    it(`${JSON.stringify(pattern)} ${expected ? 'matches' : 'skips'} ${name}`, () => {
      assert.equal(matchesPattern(name, pattern), expected);
    });
  }
});

describe('scanFolder', () => {
  it('is not recursive, sorts by name, reports pattern matches it cannot load', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kc-scan-'));
    try {
      await mkdir(join(dir, 'sub.ts'));
      await mkdir(join(dir, 'lib'));
      for (const f of ['b.ts', 'a.mjs', 'lib/c.ts', 'legacy.so', 'notes.txt']) {
        await writeFile(join(dir, f), '');
      }
      const result = await scanFolder(dir, '.so');
      assert.deepEqual(result.files, [join(dir, 'a.mjs'), join(dir, 'b.ts')]);
      assert.deepEqual(result.skipped, [join(dir, 'legacy.so')]);
      assert.equal(result.error, undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('returns the error of a missing folder', async () => {
    const result = await scanFolder(join(tmpdir(), 'kc-does-not-exist-4711'), '.so');
    assert.deepEqual(result.files, []);
    assert.equal(result.error?.code, 'ENOENT');
  });
});
