import assert from 'node:assert/strict';
import { isGatewayError, type GatewayError } from '../../../src/errors.js';
import { parseConfigText, resolveConfig } from '../../../src/config/index.js';
import type { ResolvedConfig } from '../../../src/types.js';

export const FILE = '/project/krakend.json';

/** Resolves a config given as JSON text, as a file at `/project/krakend.json` would be. */
export function resolveText(text: string): ResolvedConfig {
  return resolveConfig(parseConfigText(text, FILE), text, FILE, '/project');
}

/** Pretty JSON of an object, so positions in assertions are predictable. */
export function resolveObject(config: Record<string, unknown>): ResolvedConfig {
  return resolveText(JSON.stringify(config, null, 2));
}

export function errorOf(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    assert.ok(isGatewayError(err), `not a GatewayError: ${String(err)}`);
    return err;
  }
  assert.fail('expected a GatewayError');
}

export function problemMessages(fn: () => unknown): string[] {
  const err = errorOf(fn);
  assert.equal(err.code, 'KC_CONFIG_INVALID');
  return err.problems.map((p) => p.message);
}

/** A minimal valid v3 config with the given endpoints. */
export function v3(
  endpoints: unknown[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { version: 3, host: ['http://127.0.0.1:8080'], ...extra, endpoints };
}

export const backend = (urlPattern = '/', extra: Record<string, unknown> = {}) => ({
  url_pattern: urlPattern,
  ...extra,
});
