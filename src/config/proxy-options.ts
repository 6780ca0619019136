import type { FlatmapOp, StaticProxyOptions } from '../types.js';
import { isObject, type Obj } from './coerce.js';
import type { JsonPath } from './json-path.js';
import type { Report } from './report.js';

const STRATEGIES = new Set(['always', 'success', 'errored', 'complete', 'incomplete']);
const FLATMAP_TYPES = new Set(['del', 'move', 'append']);

/** `proxy.static`: unknown strategies mean `always`; missing or non-object data disables it. */
export function readStatic(r: Report, path: JsonPath, proxy: Obj): StaticProxyOptions | undefined {
  const value = proxy['static'];
  if (value === undefined) return undefined;
  if (!isObject(value) || !isObject(value['data'])) {
    r.warn(path, `'proxy.static' has no 'data' object; the static proxy is off`);
    return undefined;
  }
  const s = value['strategy'];
  const strategy = (
    typeof s === 'string' && STRATEGIES.has(s) ? s : 'always'
  ) as StaticProxyOptions['strategy'];
  if (s !== undefined && strategy !== s) {
    r.warn(
      [...path, 'strategy'],
      `unknown static strategy ${JSON.stringify(s)}; KrakenD uses 'always'`,
    );
  }
  return { strategy, data: value['data'] };
}

/** `flatmap_filter`: operations in order; unknown types are skipped as flatmap does. */
export function readFlatmap(r: Report, path: JsonPath, proxy: Obj): FlatmapOp[] {
  const value = proxy['flatmap_filter'];
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    r.warn(path, `'flatmap_filter' must be a list of operations; it is ignored`);
    return [];
  }
  const ops: FlatmapOp[] = [];
  value.forEach((op, i) => {
    const type = isObject(op) ? op['type'] : undefined;
    const args = isObject(op) ? op['args'] : undefined;
    if (typeof type !== 'string' || !FLATMAP_TYPES.has(type)) {
      r.warn([...path, i], `flatmap operation type ${JSON.stringify(type)} is unknown and skipped`);
      return;
    }
    if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
      r.warn([...path, i], `flatmap '${type}' needs 'args' as a list of strings; skipped`);
      return;
    }
    ops.push({ type: type as FlatmapOp['type'], args });
  });
  return ops;
}

export function readStringList(proxy: Obj, key: string): string[] {
  const v = proxy[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
