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

/** lura `AllowlistPrune`: true when nothing of `data` survives. */
function allowPrune(tree: AllowTree, data: DataMap): boolean {
  let canDelete = true;
  for (const k of Object.keys(data)) {
    let deleteSibling = true;
    const sub = tree[k];
    if (sub !== undefined) {
      if (sub === true) deleteSibling = false;
      else {
        const v = data[k];
        if (isMap(v) && !allowPrune(sub, v)) deleteSibling = false;
      }
    }
    if (deleteSibling) delete data[k];
    else canDelete = false;
  }
  return canDelete;
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

function denyDelete(tree: DenyTree, v: unknown): void {
  if (!isMap(v)) return;
  for (const k in tree) {
    if (!hasOwn(v, k)) continue;
    const sub = tree[k];
    if (sub === null) delete v[k];
    else denyDelete(sub!, v[k]);
  }
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
    if (d !== null && allow && allowPrune(allow, d)) {
      for (const k of Object.keys(d)) delete d[k];
    }
    if (d !== null && deny) denyDelete(deny, d);
    if (d !== null && mapping.length > 0) {
      for (const [from, to] of mapping) {
        if (!hasOwn(d, from)) continue;
        const v = d[from];
        setKey(d, to, v);
        delete d[from]; // lura deletes after setting, so mapping a key onto itself drops it
      }
    }
    if (group) {
      const wrapped: DataMap = {};
      setKey(wrapped, group, d);
      return wrapped;
    }
    return d;
  };
}
