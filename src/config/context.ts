import type { JsonPath } from './json-path.js';
import type { NamespaceUses } from './namespaces.js';
import type { Report } from './report.js';

/** v2 keys that KrakenD v3 no longer reads (behaviour §1.1): they silently do nothing there. */
export const LEGACY_KEYS: Record<string, string> = {
  headers_to_pass: 'input_headers',
  querystring_params: 'input_query_strings',
  whitelist: 'allow',
  blacklist: 'deny',
};

/** State shared by the passes of one load. */
export interface LoadContext {
  r: Report;
  namespaces: NamespaceUses;
  legacy: Map<string, JsonPath[]>;
  disableRest: boolean;
}

export function noteLegacyKeys(
  ctx: LoadContext,
  raw: Record<string, unknown>,
  path: JsonPath,
): void {
  for (const key of Object.keys(LEGACY_KEYS)) {
    if (!Object.hasOwn(raw, key)) continue;
    const list = ctx.legacy.get(key) ?? [];
    list.push([...path, key]);
    ctx.legacy.set(key, list);
  }
}

export function legacyWarning(key: string, places: number): string {
  const where = places === 1 ? '1 place' : `${places} places`;
  return `'${key}' is a KrakenD v2 key that KrakenD v3 ignores (used in ${where}); use '${LEGACY_KEYS[key]}'`;
}
