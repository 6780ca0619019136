import { resolve } from 'node:path';
import { formatProblem, GatewayError } from '../errors.js';
import type { ResolvedConfig } from '../types.js';
import { isObject } from './coerce.js';
import { cloneJson, deepFreeze } from './freeze.js';
import { createPositionMap } from './positions.js';
import { parseConfigText, readConfigText, rootTypeMessage } from './read.js';
import { Report } from './report.js';
import { resolveService, sha256 } from './service.js';

export { lintConfig } from './lint.js';
export { parseConfigText } from './read.js';

export interface LoadOptions {
  /** Folder a relative path (and an inline config's plugin folder) resolves against. */
  cwd: string;
  /** Where `KRAKEND_*` overrides come from (a file config only); default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Checks and normalises a parsed config. `text` (when the config came from a file) gives every
 * problem and warning its line and column. Throws `KC_CONFIG_INVALID` with all problems at once.
 */
export function resolveConfig(
  raw: unknown,
  text: string | undefined,
  file: string,
  dir: string,
  overlay: Readonly<Record<string, string>> = {},
): ResolvedConfig {
  if (raw !== null && raw !== undefined && !isObject(raw)) {
    const message = rootTypeMessage(raw);
    throw new GatewayError('KC_CONFIG_SYNTAX', `${file} ${message}`, {
      file,
      problems: [{ file, line: 0, column: 0, path: '', message }],
    });
  }
  const base = text === undefined ? cloneJson(raw ?? {}) : (raw ?? {});
  const report = new Report();
  const source = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(overlay)) {
    source[key] = value;
    const name = `KRAKEND_${key.toUpperCase()}`;
    report.warn([key], `set to ${JSON.stringify(value)} by ${name} (KrakenD's environment overlay)`);
  }
  const resolved = resolveService(source, dir, report);
  const positions = createPositionMap(text);
  if (report.failed) {
    const problems = report.toProblems(file, positions);
    throw new GatewayError('KC_CONFIG_INVALID', problems.map(formatProblem).join('\n'), {
      file,
      problems,
      ...(problems[0]!.line > 0 ? { line: problems[0]!.line, column: problems[0]!.column } : {}),
    });
  }
  return deepFreeze({
    file,
    dir,
    ...resolved,
    warnings: report.toWarnings(positions),
    hash: sha256(text ?? JSON.stringify(raw ?? {})),
  });
}

/** Reads, parses and resolves `krakend.json` (a path relative to `cwd`, or a parsed object). */
export async function loadConfig(
  source: string | Record<string, unknown>,
  options: LoadOptions,
): Promise<ResolvedConfig> {
  if (typeof source !== 'string') return resolveConfig(source, undefined, '<inline>', options.cwd);
  const file = resolve(options.cwd, source);
  const text = await readConfigText(file);
  const format = /\.(ya?ml|toml)$/i.exec(file)?.[1];
  if (format) {
    // KrakenD picks YAML or TOML by extension; reading it as JSON would blame the first byte.
    const kind = format.toUpperCase().replace('YML', 'YAML');
    const message =
      `${kind} configs are not supported: krakend-connect reads JSON ` +
      '(convert the file, or point -c at its JSON twin)';
    throw new GatewayError('KC_CONFIG_SYNTAX', `${file} ${message}`, {
      file,
      problems: [{ file, line: 0, column: 0, path: '', message }],
    });
  }
  const raw = parseConfigText(text, file);
  const overlay = environmentOverlay(options.env ?? process.env);
  return resolveConfig(raw, text, file, resolve(file, '..'), overlay);
}

/**
 * KrakenD CE's environment overlay (behaviour §1.1): after the file, `KRAKEND_<NAME>` sets the
 * top-level key `<name>` (`KRAKEND_PORT=9000` → `port`), a string coerced like the file's values.
 */
export function environmentOverlay(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    // KRAKEND_CONNECT_* are this tool's own settings, never config keys.
    const ours = name.startsWith('KRAKEND_CONNECT_');
    if (name.length > 8 && name.startsWith('KRAKEND_') && !ours && value !== undefined) {
      out[name.slice(8).toLowerCase()] = value;
    }
  }
  return out;
}
