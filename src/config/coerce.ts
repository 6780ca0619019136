import { formatPath, type JsonPath } from './json-path.js';
import type { Report } from './report.js';

/**
 * KrakenD decodes with mapstructure's `WeaklyTypedInput`: `"port": "8080"` works, a lone string
 * becomes a one-element list, numbers become strings. What cannot be converted is a load error
 * worded like mapstructure's.
 */
export type Obj = Record<string, unknown>;

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function goType(v: unknown): string {
  if (Array.isArray(v)) return '[]interface {}';
  if (isObject(v)) return 'map[string]interface {}';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

function unconvertible(r: Report, path: JsonPath, want: string, v: unknown): undefined {
  r.problem(
    path,
    `'${formatPath(path)}' expected type '${want}', got unconvertible type '${goType(v)}'`,
  );
  return undefined;
}

/** Go's `FormatFloat(f, 'f', -1, 64)`: no exponent. */
function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) >= 1e21) return BigInt(n).toString();
  const s = String(n);
  if (!s.includes('e')) return s;
  return n.toFixed(20).replace(/\.?0+$/, '');
}

export function asString(r: Report, path: JsonPath, v: unknown, fallback = ''): string {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  return unconvertible(r, path, 'string', v) ?? fallback;
}

export function asInt(r: Report, path: JsonPath, v: unknown, fallback = 0): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    if (v === '') return 0;
    if (/^[+-]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$/.test(v)) {
      const neg = v.startsWith('-');
      const body = v.replace(/^[+-]/, '').replace(/^0(?=[0-7])/, '0o');
      return (neg ? -1 : 1) * Number(body);
    }
    r.problem(
      path,
      `cannot parse '${formatPath(path)}' as int: strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`,
    );
    return fallback;
  }
  return unconvertible(r, path, 'int', v) ?? fallback;
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False', '']);

export function asBool(r: Report, path: JsonPath, v: unknown, fallback = false): boolean {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
    r.problem(
      path,
      `cannot parse '${formatPath(path)}' as bool: strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`,
    );
    return fallback;
  }
  return unconvertible(r, path, 'bool', v) ?? fallback;
}

export function asStringList(r: Report, path: JsonPath, v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map((item, i) => asString(r, [...path, i], item));
  if (isObject(v)) return unconvertible(r, path, '[]string', v) ?? [];
  return [asString(r, path, v)];
}

/** A list of objects (`endpoints`, `backend`); a lone object counts as a list of one. */
export function asObjectList(
  r: Report,
  path: JsonPath,
  v: unknown,
): { value: Obj; path: JsonPath }[] {
  if (v === undefined || v === null) return [];
  const items = Array.isArray(v) ? v : [v];
  const out: { value: Obj; path: JsonPath }[] = [];
  items.forEach((item, i) => {
    const itemPath = Array.isArray(v) ? [...path, i] : path;
    if (isObject(item)) out.push({ value: item, path: itemPath });
    else if (item === null) out.push({ value: {}, path: itemPath });
    else unconvertible(r, itemPath, 'map[string]interface {}', item);
  });
  return out;
}

export function asStringMap(r: Report, path: JsonPath, v: unknown): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) return unconvertible(r, path, 'map[string]string', v) ?? {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) out[k] = asString(r, [...path, k], val);
  return out;
}
