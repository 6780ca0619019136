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
): ResolvedConfig {
  if (raw !== null && raw !== undefined && !isObject(raw)) {
    const message = rootTypeMessage(raw);
    throw new GatewayError('KC_CONFIG_SYNTAX', `${file} ${message}`, {
      file,
      problems: [{ file, line: 0, column: 0, path: '', message }],
    });
  }
  const source = text === undefined ? cloneJson(raw ?? {}) : (raw ?? {});
  const report = new Report();
  const resolved = resolveService(source as Record<string, unknown>, dir, report);
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
  const raw = parseConfigText(text, file);
  return resolveConfig(raw, text, file, resolve(file, '..'));
}
