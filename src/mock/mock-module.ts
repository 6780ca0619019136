import { readFile, stat } from 'node:fs/promises';
import { findSyntaxError } from '../config/json-scan.js';
import { lineColumn } from '../config/positions.js';
import { GatewayError } from '../errors.js';
import { bundlePlugin } from '../plugins/bundle.js';
import { evaluatePlugin } from '../plugins/evaluate.js';
import { PluginFileError } from '../plugins/failure.js';
import { locate, StackMapper } from '../plugins/source-map.js';

/**
 * One mock file, loaded: JSON (the body, `{param}` filled in per call) or a JS/TS module whose
 * default export is a value or a function of the request (bundled and evaluated the way plugins
 * are, so TypeScript needs no build step and every load is fresh). A file that fails to load
 * says where: `mocks/users.json:3:14 invalid character …`.
 */
export interface MockModule {
  kind: 'json' | 'js';
  file: string;
  /** The file and every local module it imports (what to watch). */
  inputs: readonly string[];
  /** JSON: the parsed value. JS: the default export (a value or a function). */
  value: unknown;
}

export const MOCK_EXTENSIONS = ['.json', '.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'] as const;

export function isMockFile(name: string): boolean {
  return MOCK_EXTENSIONS.some((ext) => name.endsWith(ext)) && !/\.d\.[mc]?ts$/.test(name);
}

function loadError(
  shown: string,
  message: string,
  where?: { file?: string; line: number; column: number },
  cause?: unknown,
): GatewayError {
  const at = where ? `${where.file ?? shown}:${where.line}:${where.column}` : shown;
  const file = where?.file ?? shown;
  const problem = { file, line: where?.line ?? 0, column: where?.column ?? 0, path: '', message };
  return new GatewayError('KC_CONFIG_INVALID', `${at} ${message}`, {
    cause,
    file,
    ...(where ? { line: where.line, column: where.column } : {}),
    problems: [problem],
    context: { missing: (cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' },
  });
}

async function loadJson(file: string, shown: string): Promise<MockModule> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw loadError(shown, `cannot read the mock file: ${(err as Error).message}`, undefined, err);
  }
  try {
    return { kind: 'json', file, inputs: [file], value: JSON.parse(text) };
  } catch {
    const found = findSyntaxError(text) ?? { offset: 0, message: 'invalid JSON' };
    throw loadError(shown, found.message, { ...lineColumn(text, found.offset) });
  }
}

async function loadJs(file: string, shown: string): Promise<MockModule> {
  try {
    await stat(file);
  } catch (err) {
    throw loadError(shown, `cannot read the mock file: ${(err as Error).message}`, undefined, err);
  }
  let bundle;
  try {
    bundle = await bundlePlugin(file);
  } catch (err) {
    const loc = err instanceof PluginFileError ? err.location : undefined;
    throw loadError(shown, (err as Error).message, loc, err);
  }
  const mapper = new StackMapper();
  mapper.add(file, bundle.map);
  let exports: unknown;
  try {
    exports = evaluatePlugin(bundle.code, file);
  } catch (err) {
    const stack = err instanceof Error && err.stack ? mapper.map(err.stack) : undefined;
    throw loadError(
      shown,
      (err as Error)?.message ?? String(err),
      locate(stack, bundle.inputs),
      err,
    );
  }
  const value =
    typeof exports === 'object' && exports !== null && 'default' in exports
      ? (exports as { default: unknown }).default
      : exports;
  return { kind: 'js', file, inputs: bundle.inputs, value };
}

/** Loads a mock file; `shown` is how messages name it (relative to the config's folder). */
export function loadMockFile(file: string, shown: string): Promise<MockModule> {
  return file.endsWith('.json') ? loadJson(file, shown) : loadJs(file, shown);
}

/** A load failure caused by the file not existing (yet): never fatal, even on a reload. */
export function isMissingFile(err: unknown): boolean {
  return (err as GatewayError | undefined)?.context?.['missing'] === true;
}
