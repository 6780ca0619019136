import type { ResolvedBackend } from '../types.js';
import { hasOwn, isMap, setKey, type DataMap } from './data.js';
import { createFlatmap } from './flatmap.js';

/**
 * The per-backend entity formatter (lura `proxy/formatter.go`, behaviour §3.2), in its order:
 * `target`, then `allow` (or `deny`), then `mapping` (top level only, new name cut at its first
 * `.`), then `group`. A backend `flatmap_filter` replaces allow/deny/mapping: target → ops → group.
 */
export type Formatter = (data: DataMap | null) => DataMap | null;

export function extractTarget(target: string, data: DataMap | null): DataMap {
  let current: unknown = data;
  for (const part of target.split('.')) {
    if (!isMap(current) || !hasOwn(current, part)) return {};
    current = current[part];
    if (!isMap(current)) return {};
  }
  return current as DataMap;
}

type AllowTree = { [k: string]: AllowTree | true };

function buildAllowTree(paths: readonly string[]): AllowTree {
  const root: AllowTree = Object.create(null);
  for (const p of paths) {
    const fields = p.split('.');
    let node = root;
    for (const f of fields.slice(0, -1)) {
      const child = node[f];
      if (child === undefined || child === true) node = node[f] = Object.create(null) as AllowTree;
      else node = child;
    }
    node[fields[fields.length - 1]!] = true;
  }
  return root;
}

/**
 * lura `AllowlistPrune` as a copy: what survives of `data`, or undefined when nothing does (lura
 * then empties the map). A new object rather than deletes: V8 turns an object it deletes keys
 * from into a slow dictionary, and this runs on every decoded body of an `allow` backend.
 */
function allowPick(tree: AllowTree, data: DataMap): DataMap | undefined {
  let out: DataMap | undefined;
  for (const k of Object.keys(data)) {
    const sub = tree[k];
    if (sub === undefined) continue;
    let v = data[k];
    if (sub !== true) {
      if (!isMap(v)) continue;
      v = allowPick(sub, v);
      if (v === undefined) continue;
    }
    setKey((out ??= {}), k, v);
  }
  return out;
}

type DenyTree = { [k: string]: DenyTree | null };

function buildDenyTree(paths: readonly string[]): DenyTree {
  const root: DenyTree = Object.create(null);
  for (const p of paths) {
    const fields = p.split('.');
    let node = root;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      if (i === fields.length - 1) {
        node[f] = null;
        break;
      }
      const child = node[f];
      if (child === null) break;
      node = child === undefined ? (node[f] = Object.create(null) as DenyTree) : child;
    }
  }
  return root;
}

/**
 * lura's deny list (`proxy/formatter.go` blacklist) as a copy, like {@link allowPick}: `delete`
 * would turn the body into a V8 dictionary that every later step (merge, encode) reads slowly.
 * An object no denied key is in is returned as it is.
 */
function denyPick(tree: DenyTree, v: unknown): unknown {
  if (!isMap(v)) return v;
  let touched = false;
  for (const k in tree) {
    if (hasOwn(v, k)) {
      touched = true;
      break;
    }
  }
  if (!touched) return v;
  const out: DataMap = {};
  for (const k of Object.keys(v)) {
    const sub = tree[k];
    if (sub === null) continue;
    setKey(out, k, sub === undefined ? v[k] : denyPick(sub, v[k]));
  }
  return out;
}

/** What a mapped-away key holds while the renames are worked out. */
const GONE: unique symbol = Symbol('gone');

/**
 * lura's mapping, in config order: for each present `from`, `to` gets its value and then `from`
 * is deleted (so mapping a key onto itself drops it, and chains see earlier renames). Worked out
 * on the few keys involved, then one copy: no `delete` on the body (see {@link denyPick}). The
 * keys involved are kept in two short arrays, in the order they were first set, as a `Map`
 * would keep them: a mapping names a handful of keys, too few to build a `Map` for per call.
 */
function renameKeys(mapping: readonly (readonly [string, string])[], d: DataMap): DataMap {
  let names: string[] | undefined;
  let values: unknown[] | undefined;
  for (const [from, to] of mapping) {
    const i = names === undefined ? -1 : names.indexOf(from);
    const v = i !== -1 ? values![i] : hasOwn(d, from) ? d[from] : GONE;
    if (v === GONE) continue;
    names ??= [];
    values ??= [];
    setChange(names, values, to, v);
    setChange(names, values, from, GONE);
  }
  if (names === undefined || values === undefined) return d;
  const out: DataMap = {};
  for (const k of Object.keys(d)) if (!names.includes(k)) setKey(out, k, d[k]);
  for (let i = 0; i < names.length; i++) if (values[i] !== GONE) setKey(out, names[i]!, values[i]);
  return out;
}

/** Sets `k` in the change list: in place when already there, else appended (a `Map`'s order). */
function setChange(names: string[], values: unknown[], k: string, v: unknown): void {
  const i = names.indexOf(k);
  if (i === -1) {
    names.push(k);
    values.push(v);
  } else values[i] = v;
}

export function createFormatter(
  backend: Pick<ResolvedBackend, 'target' | 'group' | 'allow' | 'deny' | 'mapping' | 'flatmap'>,
): Formatter | undefined {
  const { target, group } = backend;
  if (backend.flatmap.length > 0) {
    const ops = createFlatmap(backend.flatmap);
    return (data) => {
      let d = target ? extractTarget(target, data) : data;
      d = ops(d);
      return group ? { [group]: d } : d;
    };
  }
  const allow = backend.allow.length > 0 ? buildAllowTree(backend.allow) : undefined;
  const deny = !allow && backend.deny.length > 0 ? buildDenyTree(backend.deny) : undefined;
  const mapping = Object.entries(backend.mapping).map(
    ([from, to]) => [from, to.split('.')[0]!] as const,
  );
  if (!target && !group && !allow && !deny && mapping.length === 0) return undefined;
  return (data) => {
    let d = target ? extractTarget(target, data) : data;
    if (d !== null && allow) d = allowPick(allow, d) ?? {};
    if (d !== null && deny) d = denyPick(deny, d) as DataMap;
    if (d !== null && mapping.length > 0) d = renameKeys(mapping, d);
    if (group) {
      const wrapped: DataMap = {};
      setKey(wrapped, group, d);
      return wrapped;
    }
    return d;
  };
}
