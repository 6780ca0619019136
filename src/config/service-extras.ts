import { isAbsolute, resolve } from 'node:path';
import type { LoggingOptions, PluginFolder } from '../types.js';
import { isObject } from './coerce.js';
import type { JsonPath } from './json-path.js';
import type { Report } from './report.js';

/** `telemetry/logging`: level, prefix and stdout are honoured (DECISIONS.md 21). */
export function readLogging(r: Report, path: JsonPath, value: unknown): LoggingOptions {
  if (value === undefined) return {};
  if (!isObject(value)) {
    r.warn(path, `'telemetry/logging' must be an object; it is ignored`);
    return {};
  }
  const out: LoggingOptions = {};
  if (typeof value['level'] === 'string') out.level = value['level'];
  if (typeof value['prefix'] === 'string') out.prefix = value['prefix'];
  if (typeof value['stdout'] === 'boolean') out.stdout = value['stdout'];
  // Their defaults (`syslog: false`, `format: "default"`) are what the gateway does anyway:
  // only a value that asks for something else gets the warning.
  const defaults: Record<string, unknown> = { syslog: false, format: 'default' };
  for (const key of ['syslog', 'format']) {
    if (value[key] !== undefined && value[key] !== defaults[key]) {
      r.warn(
        [...path, key],
        `'telemetry/logging' option '${key}' is not supported; logs go to stdout through pino`,
      );
    }
  }
  return out;
}

/** Top-level `plugin`: the folder is relative to the config file's folder. */
export function readPluginFolder(r: Report, value: unknown, dir: string): PluginFolder | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    r.problem(
      ['plugin'],
      `'plugin' expected type 'map[string]interface {}', got ${JSON.stringify(value)}`,
    );
    return undefined;
  }
  const { folder, pattern } = value;
  if (typeof folder !== 'string' || folder === '') {
    r.warn(['plugin'], `'plugin' has no 'folder'; no plugins are loaded`);
    return undefined;
  }
  if (pattern !== undefined && typeof pattern !== 'string') {
    r.problem(['plugin', 'pattern'], `'plugin.pattern' expected type 'string'`);
    return undefined;
  }
  if (!pattern) r.warn(['plugin'], `'plugin' has no 'pattern'; every file in the folder is tried`);
  return { folder: isAbsolute(folder) ? folder : resolve(dir, folder), pattern: pattern ?? '' };
}
