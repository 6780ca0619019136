import { RawNumber } from '../encoding/go-json.js';
import { isMap, type DataMap } from './data.js';
import { childSignal } from './deadline.js';
import { deadlineExceeded, nullResult, toError } from './errors.js';
import { cloneFor, MergeAccumulator } from './merge.js';
import { copyParams } from './request.js';
import { dropStream } from './response.js';
import type { Proxy, ProxyResponse } from './types.js';

/**
 * `proxy.sequential` (lura `sequentialMerge`, behaviour §3.5): backends in order; `{resp<N>_a.b}`
 * and `sequential_propagated_params` become params (`Resp0_a.b`) of the later backends, read from
 * backend N's formatted data. A failing first backend fails the request; a later failure or an
 * incomplete answer stops the chain with what was merged so far.
 */
interface Replacement {
  index: number;
  destination: string;
  source: string[];
  full: boolean;
}

const URL_REF = /\{\{\.Resp(\d+)_([\w\-.]+)\}\}|\{resp(\d+)_([\w\-.]+)\}/g;
const PROPAGATED = /[Rr]esp(\d+)_?([\w\-.]+)?/g;

function replacement(index: string, field: string | undefined): Replacement {
  return {
    index: Number(index),
    destination: `Resp${index}${field ? `_${field}` : ''}`,
    source: (field ?? '').split('.'),
    full: !field,
  };
}

export function sequentialReplacements(
  patterns: readonly string[],
  propagated: readonly string[],
): Replacement[][] {
  return patterns.map((pattern, i) => {
    const out: Replacement[] = [];
    for (const m of pattern.matchAll(URL_REF)) {
      out.push(replacement(m[1] ?? m[3]!, m[2] ?? m[4]));
    }
    if (i > 0) {
      for (const p of propagated) {
        for (const m of p.matchAll(PROPAGATED)) {
          if (Number(m[1]) < patterns.length) out.push(replacement(m[1]!, m[2]));
        }
      }
    }
    return out;
  });
}

/** Go's `%v` of a decoded JSON value. */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (v instanceof RawNumber) return v.raw;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (isMap(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goFormat(v[k])}`).join(' ')}]`;
  }
  return String(v);
}

function paramValue(v: unknown): string {
  if (Array.isArray(v)) return v.map(goFormat).join(',');
  return goFormat(v);
}

async function readAll(io: NonNullable<ProxyResponse['io']>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of io) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export function sequentialMerge(
  stages: readonly Proxy[],
  replacements: readonly Replacement[][],
  timeoutMs: number,
): Proxy {
  const budget = Math.floor((timeoutMs * 85) / 100);
  return async function mergeSequential(ctx, req) {
    const request = await cloneFor(req);
    const local = childSignal(ctx.signal, budget, deadlineExceeded);
    const parts: (ProxyResponse | undefined)[] = [];
    const registry = new Map<string, string>();
    const acc = new MergeAccumulator(stages.length);
    try {
      for (let i = 0; i < stages.length; i++) {
        if (i > 0) await fill(request.params, replacements[i]!, parts, registry, i);
        let response: ProxyResponse | null = null;
        let error: Error | undefined;
        try {
          response = await stages[i]!(
            { signal: local.signal, calls: ctx.calls },
            { ...request, params: copyParams(request.params) },
          );
          if (!response) error = nullResult();
          else if (local.signal.aborted) error = toError(local.signal.reason);
        } catch (err) {
          error = toError(err);
        }
        if (error) {
          if (i === 0) throw error;
          acc.add({ error });
          break;
        }
        acc.add({ response: { ...response!, io: undefined } });
        if (!response!.isComplete) {
          dropStream(response!.io);
          break;
        }
        parts[i] = response!;
      }
      return acc.result();
    } finally {
      for (const p of parts) dropStream(p?.io);
      local.dispose();
    }
  };
}

async function fill(
  params: Record<string, string>,
  list: readonly Replacement[],
  parts: readonly (ProxyResponse | undefined)[],
  registry: Map<string, string>,
  i: number,
): Promise<void> {
  for (const r of list) {
    const part = r.index < i ? parts[r.index] : undefined;
    if (!part) continue;
    const found = registry.get(r.destination);
    if (found) {
      params[r.destination] = found;
      continue;
    }
    if (r.full) {
      if (!part.io) continue;
      try {
        const text = await readAll(part.io);
        params[r.destination] = text;
        registry.set(r.destination, text);
      } catch {
        // lura ignores a read error here
      }
      continue;
    }
    // lura walks the path and, when a step is missing, keeps looking in the last object reached.
    let data: DataMap | null = part.data;
    for (const k of r.source.slice(0, -1)) {
      const v = data?.[k];
      if (!isMap(v)) break;
      data = v;
    }
    const last = r.source[r.source.length - 1]!;
    if (!data || !Object.prototype.hasOwnProperty.call(data, last)) continue;
    const value = paramValue(data[last]);
    params[r.destination] = value;
    registry.set(r.destination, value);
  }
}
