import { MAX_DEPTH, RawNumber } from './go-json.js';

/**
 * krakend-xml's render (mxj `Map.Xml` with escaping on): a single top key is the root element,
 * otherwise everything goes under `<doc>`; keys sorted; `-name` keys are attributes, `#text` is
 * the element text; an array repeats its element; an empty object or value gives `<key/>`.
 */
export function toXml(data: Record<string, unknown> | null | undefined): string {
  const m = data ?? {};
  const keys = Object.keys(m);
  if (keys.length === 1) {
    const key = keys[0]!;
    const value = m[key];
    const mixed = Array.isArray(value) && value.some((v) => !isMap(v));
    if (!mixed) return element(key, value, 0);
  }
  return element('doc', m, 0);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof RawNumber);
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function escapeXml(s: string): string {
  return /[&<>"']/.test(s) ? s.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : s;
}

function scalar(v: unknown): string {
  return typeof v === 'string' ? escapeXml(v) : String(v);
}

function element(key: string, value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new RangeError(`exceeded max depth of ${MAX_DEPTH}`);
  if (Array.isArray(value)) {
    if (value.length === 0) return `<${key}/>`;
    let out = '';
    for (const item of value) out += element(key, item, depth + 1);
    return out;
  }
  if (value === null || value === undefined) return `<${key}/>`;
  if (!isMap(value)) {
    const s = scalar(value);
    return s === '' ? `<${key}/>` : `<${key}>${s}</${key}>`;
  }
  const keys = Object.keys(value).sort();
  let attrs = '';
  const children: string[] = [];
  for (const k of keys) {
    if (k.length > 1 && k.startsWith('-')) attrs += ` ${k.slice(1)}="${scalar(value[k])}"`;
    else if (k !== '#text') children.push(k);
  }
  const hasText = Object.prototype.hasOwnProperty.call(value, '#text');
  if (children.length === 0 && !hasText) return `<${key}${attrs}/>`;
  let out = `<${key}${attrs}>`;
  if (hasText) out += scalar(value['#text']);
  for (const k of children) out += element(k, value[k], depth + 1);
  return `${out}</${key}>`;
}
