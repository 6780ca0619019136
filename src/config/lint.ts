import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2019.js';
import { createRequire } from 'node:module';
import { isGatewayError } from '../errors.js';
import type { ConfigProblem } from '../types.js';
import { formatPath, type JsonPath } from './json-path.js';
import { isOwnNamespace } from './namespaces.js';
import { createPositionMap } from './positions.js';
import { parseConfigText } from './read.js';

let validator: ValidateFunction | undefined;

/** The package root: the nearest folder with a package.json, from `src/` and `dist/src/` alike. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir)
      throw new Error('krakend-connect: package.json not found above the config module');
    dir = up;
  }
  return dir;
}

/**
 * The official KrakenD 2.13 schema (vendored at `schema/krakend.json`), compiled on first use.
 * Its regexes need `unicodeRegExp: false`, and it is not strict-mode clean.
 */
function getValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(
      readFileSync(join(packageRoot(), 'schema', 'krakend.json'), 'utf8'),
    ) as object;
    // Ajv is only needed by `check --lint`: loading it lazily keeps it off `run`'s start-up.
    const { Ajv2019 } = createRequire(import.meta.url)('ajv/dist/2019.js') as typeof import('ajv/dist/2019.js');
    const ajv = new Ajv2019({
      strict: false,
      unicodeRegExp: false,
      allErrors: true,
      validateFormats: false,
    });
    validator = ajv.compile(schema);
  }
  return validator;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

function describe(e: ErrorObject): { path: JsonPath; message: string } {
  const path = pointerToPath(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return {
        path: [...path, String(p['additionalProperty'])],
        message: `property '${String(p['additionalProperty'])}' is not allowed`,
      };
    case 'required':
      return { path, message: `missing required property '${String(p['missingProperty'])}'` };
    case 'enum':
      return { path, message: `must be one of ${JSON.stringify(p['allowedValues'])}` };
    default:
      return { path, message: e.message ?? e.keyword };
  }
}

/**
 * A copy without our `krakend-connect/*` namespaces in any `extra_config` (array indices and other
 * keys unchanged): they are checked when the config loads, and unknown to the schema.
 */
function withoutOwnNamespaces(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutOwnNamespaces);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'extra_config' && typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const kept = Object.entries(v).filter(([ns]) => !isOwnNamespace(ns));
      out[k] = withoutOwnNamespaces(Object.fromEntries(kept));
    } else {
      out[k] = withoutOwnNamespaces(v);
    }
  }
  return out;
}

/**
 * `krakend check --lint`: the config against the official schema (our own namespaces aside).
 * Every schema error is one problem at the offending node; combinator noise (`anyOf`/`oneOf`
 * summaries, duplicates) is cut.
 */
export function lintConfig(text: string, file: string): ConfigProblem[] {
  let data: unknown;
  try {
    data = parseConfigText(text, file);
  } catch (err) {
    if (isGatewayError(err)) return [...err.problems];
    throw err;
  }
  const validate = getValidator();
  if (validate(withoutOwnNamespaces(data))) return [];
  const positions = createPositionMap(text);
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const e of validate.errors ?? []) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') continue;
    const { path, message } = describe(e);
    const key = `${formatPath(path)}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({
      file,
      ...positions.locate(path),
      path: formatPath(path),
      message: `schema: ${message}`,
    });
  }
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}
