// Every real-world config of the shared corpus loads (warnings allowed).
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/index.js';
import { isGatewayError } from '../../src/errors.js';

const dir = fileURLToPath(new URL('../../../shared/corpus/krakend-configs/', import.meta.url));
/** The corpus sits beside the repository in the workspace it is developed in; a lone clone has none. */
const HAS_CORPUS = existsSync(dir);
const files = HAS_CORPUS
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];

/**
 * Files that KrakenD CE 2.13 itself refuses to start with; they must fail here with KrakenD's
 * message. 037 uses `{id}` in a url_pattern of an endpoint without params: lura's
 * `initBackendURLMappings` rejects it (`config/config.go`, UndefinedOutputParamError).
 */
const KRAKEND_REJECTS: Record<string, string> = {};

describe('corpus of real krakend.json files', { skip: !HAS_CORPUS && 'no ../shared/corpus beside the repo' }, () => {
  test('the corpus is there', () => {
    assert.ok(files.length >= 40, `only ${files.length} files in ${dir}`);
  });

  for (const file of files) {
    test(file, async () => {
      const rejected = KRAKEND_REJECTS[file];
      if (rejected) {
        await assert.rejects(loadConfig(file, { cwd: dir }), (err) => {
          assert.ok(isGatewayError(err));
          assert.equal(err.code, 'KC_CONFIG_INVALID');
          assert.deepEqual(
            err.problems.map((p) => p.message),
            [rejected],
          );
          return true;
        });
        return;
      }
      const started = performance.now();
      const config = await loadConfig(file, { cwd: dir });
      const ms = performance.now() - started;
      assert.equal(config.version, 3);
      assert.ok(Object.isFrozen(config));
      if (file.startsWith('037-')) {
        // KrakenD CE refuses this file; we load it and say so at ERROR level.
        assert.ok(
          config.warnings.some(
            (w) =>
              w.level === 'error' &&
              w.message.startsWith(
                "undefined output param 'id'! endpoint: GET /public/customers, backend: 0. input: [], output: [id]",
              ),
          ),
        );
      }
      if (file.startsWith('002-')) {
        console.log(
          `corpus ${file}: ${config.endpoints.length} endpoints loaded in ${ms.toFixed(1)} ms`,
        );
      }
    });
  }
});
