import { readFile } from 'node:fs/promises';
import { GatewayError } from '../errors.js';
import type { Obj } from './coerce.js';
import { goType } from './coerce.js';
import { findSyntaxError } from './json-scan.js';
import { lineColumn } from './positions.js';

const OS_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
};

/** The file's text, or `KC_CONFIG_READ` worded like Go's `os.Open` error, as KrakenD prints it. */
export async function readConfigText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? '';
    const op = code === 'EISDIR' ? 'read' : 'open';
    const why = OS_ERRORS[code] ?? (cause as Error).message;
    // `gone`: an editor or a checkout removed it for a moment (reliability.md §6 row 63).
    const context = code === 'ENOENT' ? { gone: true } : undefined;
    throw new GatewayError('KC_CONFIG_READ', `'${file}': ${op} ${file}: ${why}`, {
      cause,
      file,
      context,
    });
  }
}

function syntaxError(text: string, file: string, offset: number, message: string): GatewayError {
  const { line, column } = lineColumn(text, offset);
  return new GatewayError('KC_CONFIG_SYNTAX', `${file}:${line}:${column} ${message}`, {
    file,
    line,
    column,
    problems: [{ file, line, column, path: '', message }],
    // An emptied file (an editor truncating before it writes) is `gone` too.
    context: text.trim() === '' ? { gone: true } : undefined,
  });
}

/** Go's wording for a root that is not an object (`encoding/json` UnmarshalTypeError). */
export function rootTypeMessage(value: unknown): string {
  const kind = Array.isArray(value)
    ? 'array'
    : goType(value) === 'float64'
      ? 'number'
      : goType(value);
  return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
}

/**
 * Parses a config's text: `JSON.parse` for speed, then, only on failure, a scan that finds the
 * first error's position and Go's wording. A `null` root is an empty config, as in Go.
 */
export function parseConfigText(text: string, file: string): Obj {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const found = findSyntaxError(text) ?? { offset: 0, message: 'invalid JSON' };
    throw syntaxError(text, file, found.offset, found.message);
  }
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    const offset = text.length - text.trimStart().length;
    throw syntaxError(text, file, offset, rootTypeMessage(value));
  }
  return value as Obj;
}
