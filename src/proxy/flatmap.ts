import type { FlatmapOp } from '../types.js';
import { isMap, setKey, type DataMap } from './data.js';

/**
 * krakend/flatmap's tree (`tree/tree.go`, `tree/node.go`), ported as is: the data is decomposed
 * into labelled edges (array indexes are labels too), `*` matches any edge, and `move`, `del`,
 * `append` rewire edges before the tree is expanded back (behaviour §3.3).
 */
interface Edge {
  label: string;
  n: TreeNode;
}

class TreeNode {
  value: unknown = undefined;
  isCollection = false;
  edges: Edge[] = [];
  constructor(public depth: number) {}

  add(ks: readonly string[], v: unknown): void {
    if (ks.length === 0) {
      this.flatten(v);
      return;
    }
    for (const e of this.edges) {
      if (e.label === ks[0]) {
        e.n.add(ks.slice(1), v);
        return;
      }
    }
    const child = new TreeNode(this.depth + 1);
    this.edges.push({ label: ks[0]!, n: child });
    child.add(ks.slice(1), v);
  }

  del(ks: readonly string[]): void {
    if (ks.length === 0 || this.edges.length === 0) return;
    if (ks[0] === '*') {
      if (ks.length > 1) {
        for (const e of this.edges) e.n.del(ks.slice(1));
        return;
      }
      this.edges = [];
      return;
    }
    const i = this.edges.findIndex((e) => e.label === ks[0]);
    if (i === -1) return;
    if (ks.length === 1) this.edges.splice(i, 1);
    else this.edges[i]!.n.del(ks.slice(1));
  }

  get(ks: readonly string[]): unknown {
    if (this.edges.length === 0 && ks.length > 0) return null;
    if (ks.length === 0) return this.expand();
    if (ks[0] === '*') return this.edges.map((e) => e.n.get(ks.slice(1)));
    for (const e of this.edges) if (e.label === ks[0]) return e.n.get(ks.slice(1));
    return null;
  }

  setDepth(d: number): void {
    this.depth = d;
    for (const e of this.edges) e.n.setDepth(d + 1);
  }

  private expand(): unknown {
    if (this.edges.length === 0) return this.value;
    if (this.isCollection) return this.edges.map((e) => e.n.get([]));
    const res: DataMap = {};
    for (const e of this.edges) setKey(res, e.label, e.n.get([]));
    return res;
  }

  private flatten(v: unknown): void {
    if (Array.isArray(v)) {
      this.isCollection = true;
      if (v.length === 0) this.value = v;
      else v.forEach((item, i) => this.add([String(i)], item));
    } else if (isMap(v)) {
      this.isCollection = false;
      const keys = Object.keys(v);
      if (keys.length === 0) this.value = v;
      else for (const k of keys) this.add([k], v[k]);
    } else {
      this.isCollection = false;
      this.value = v;
    }
  }
}

interface NodeAndPath {
  n: TreeNode;
  p: string[];
}

class Tree {
  readonly root = new TreeNode(0);

  constructor(v: unknown) {
    this.root.add([], v);
  }

  get(ks: readonly string[]): unknown {
    return this.root.get(ks);
  }

  del(ks: readonly string[]): void {
    this.root.del(ks);
  }

  append(src: readonly string[], dst: readonly string[]): void {
    const a = this.root.get(src);
    const b = this.root.get(dst);
    if (!Array.isArray(a) || !Array.isArray(b)) return;
    this.root.add(dst, [...b, ...a]);
    this.root.del(src);
  }

  move(src: readonly string[], dst: readonly string[]): void {
    let next: NodeAndPath[] = [{ n: this.root, p: [] }];
    const prefixLen = src.length;
    if (prefixLen > 1) next = collect(src.slice(0, -1), next);
    const relabel = prefixLen === dst.length;
    const toMove: { nap: NodeAndPath; e: Edge }[] = [];
    for (const nap of next) {
      const i = nap.n.edges.findIndex((e) => e.label === src[prefixLen - 1]);
      if (i === -1) continue;
      const e = nap.n.edges[i]!;
      if (relabel) {
        e.label = dst[prefixLen - 1]!;
        continue;
      }
      toMove.push({ nap, e });
      nap.n.edges.splice(i, 1);
    }
    if (relabel) return;
    if (prefixLen > dst.length) this.promote(toMove, dst);
    else embed(toMove, dst.slice(prefixLen - 1));
  }

  private promote(toMove: { nap: NodeAndPath; e: Edge }[], dst: readonly string[]): void {
    for (const { nap, e } of toMove) {
      let parent = this.root;
      for (let i = 0; i < dst.length - 1; i++) {
        const label = dst[i] === '*' ? nap.p[i]! : dst[i]!;
        const found = parent.edges.find((x) => x.label === label);
        if (!found) break;
        parent = found.n;
      }
      e.n.setDepth(parent.depth + 1);
      e.label = dst[dst.length - 1]!;
      parent.edges.push(e);
    }
  }
}

function collect(src: readonly string[], start: NodeAndPath[]): NodeAndPath[] {
  let next = start;
  for (const step of src) {
    const acc: NodeAndPath[] = [];
    for (const nap of next) {
      for (const e of nap.n.edges) {
        if (step !== '*' && e.label !== step) continue;
        acc.push({ n: e.n, p: [...nap.p, e.label] });
        if (step !== '*') break;
      }
    }
    next = acc;
  }
  return next;
}

function embed(toMove: { nap: NodeAndPath; e: Edge }[], dst: readonly string[]): void {
  for (const { nap, e } of toMove) {
    let root = nap.n;
    for (const k of dst.slice(0, -1)) {
      const found = root.edges.find((x) => x.label === k);
      if (found) {
        root = found.n;
        continue;
      }
      const child = new TreeNode(root.depth + 1);
      root.edges.push({ label: k, n: child });
      root = child;
    }
    e.label = dst[dst.length - 1]!;
    e.n.setDepth(root.depth + 1);
    root.edges.push(e);
  }
}

/** The ops of one `flatmap_filter`, applied in order; data that is not an object becomes null. */
export function createFlatmap(ops: readonly FlatmapOp[]): (data: DataMap | null) => DataMap | null {
  const compiled = ops.map((op) => ({ type: op.type, args: op.args.map((a) => a.split('.')) }));
  return (data) => {
    if (data === null || data === undefined) return data;
    const tree = new Tree(data);
    for (const op of compiled) {
      if (op.type === 'move' && op.args.length >= 2) tree.move(op.args[0]!, op.args[1]!);
      else if (op.type === 'append' && op.args.length >= 2) tree.append(op.args[0]!, op.args[1]!);
      else if (op.type === 'del') for (const a of op.args) tree.del(a);
    }
    const out = tree.get([]);
    return isMap(out) ? out : null;
  };
}
