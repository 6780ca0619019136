import { randomBytes } from 'node:crypto';

/**
 * JSON as KrakenD reads and writes it (behaviour §3.1, §3.6): backend numbers keep their lexeme
 * (`4.20` stays `4.20`, big integers stay exact, like Go's `json.Number`), only the first value
 * of a body is read, output keys are sorted and `<`, `>`, `&`, U+2028, U+2029 are escaped.
 */

/** A JSON number whose lexeme would not survive a round trip through a JS number. */
export class RawNumber {
  constructor(readonly raw: string) {}
  valueOf(): number {
    return Number(this.raw);
  }
  toString(): string {
    return this.raw;
  }
  toJSON(): number {
    return Number(this.raw);
  }
}

/** Marks an object whose keys render in insertion order (a Go struct, not a map). */
export const GO_STRUCT: unique symbol = Symbol.for('krakend-connect.go-struct');

export function goStruct<T extends object>(value: T): T {
  Object.defineProperty(value, GO_STRUCT, { value: true, enumerable: false });
  return value;
}

/** Deeper documents are refused: every walk over decoded data stays far from the stack limit. */
export const MAX_DEPTH = 1000;

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
// Random per process: a backend cannot forge a string that decodes to a RawNumber.
const SENTINEL = `\u0000${randomBytes(6).toString('hex')}:`;
const SENTINEL_JSON = JSON.stringify(SENTINEL).slice(1, -1);

function isNumberStart(c: number): boolean {
  return c === 45 || (c >= 48 && c <= 57);
}

function isNumberChar(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69;
}

function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/**
 * Parses the first JSON value of `text`. Throws a `SyntaxError` on malformed input, `Error('EOF')`
 * on an empty body (Go's message) and a `RangeError` past {@link MAX_DEPTH}.
 */
export function parseJson(text: string): unknown {
  if (plainJson(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // trailing data after the first value, or malformed: the exact path below decides
    }
  }
  return parseExact(text);
}

/**
 * Every number lexeme a JS number cannot round-trip: a fraction ending in 0, 16+ digits (more
 * than a double keeps), an exponent, `-0`, or a value under 1e-6 (printed as `1e-7`). Matches in
 * strings too; that only costs the exact path. Numbers of at most 15 digits outside these
 * shapes print back as they were written.
 */
const MAYBE_INEXACT = /\.\d*0(?!\d)|[\d.]{16}|\d[eE][-+]?\d|-0(?![.\d])|\.0{6}/;

/** `JSON.parse` alone gives what the exact scan would: no inexact number, no deep nesting. */
function plainJson(text: string): boolean {
  if (MAYBE_INEXACT.test(text)) return false;
  if (text.length <= MAX_DEPTH) return true;
  // Nesting deeper than the cap needs more than MAX_DEPTH opening brackets.
  let open = 0;
  for (let i = text.indexOf('{'); i !== -1; i = text.indexOf('{', i + 1)) {
    if (++open > MAX_DEPTH) return false;
  }
  for (let i = text.indexOf('['); i !== -1; i = text.indexOf('[', i + 1)) {
    if (++open > MAX_DEPTH) return false;
  }
  return true;
}

function parseExact(text: string): unknown {
  const n = text.length;
  let i = 0;
  while (i < n && isWhitespace(text.charCodeAt(i))) i++;
  if (i === n) throw new Error('EOF');
  const start = i;
  let end = n;
  let depth = 0;
  let unsafe: number[] | undefined;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      for (i++; i < n; i++) {
        const s = text.charCodeAt(i);
        if (s === 92) i++;
        else if (s === 34) break;
      }
      if (depth === 0) {
        end = i + 1;
        break;
      }
    } else if (c === 123 || c === 91) {
      if (++depth > MAX_DEPTH) throw new RangeError(`exceeded max depth of ${MAX_DEPTH}`);
    } else if (c === 125 || c === 93) {
      if (--depth <= 0) {
        end = i + 1;
        break;
      }
    } else if (isNumberStart(c)) {
      let j = i + 1;
      while (j < n && isNumberChar(text.charCodeAt(j))) j++;
      const lexeme = text.slice(i, j);
      if (String(Number(lexeme)) !== lexeme) (unsafe ??= []).push(i, j);
      i = j - 1;
      if (depth === 0) {
        end = j;
        break;
      }
    } else if (depth === 0 && !isWhitespace(c)) {
      let j = i + 1;
      while (j < n && /[a-z]/.test(text[j]!)) j++;
      end = j;
      break;
    }
  }
  if (unsafe === undefined) return JSON.parse(text.slice(start, end));
  let rewritten = '';
  let last = start;
  for (let k = 0; k < unsafe.length; k += 2) {
    const lexeme = text.slice(unsafe[k], unsafe[k + 1]);
    rewritten += `${text.slice(last, unsafe[k])}"${SENTINEL_JSON}${lexeme}"`;
    last = unsafe[k + 1]!;
  }
  rewritten += text.slice(last, end);
  return JSON.parse(rewritten, reviveRawNumbers);
}

function reviveRawNumbers(_key: string, value: unknown): unknown {
  if (typeof value !== 'string' || !value.startsWith(SENTINEL)) return value;
  const lexeme = value.slice(SENTINEL.length);
  if (!NUMBER.test(lexeme)) throw new SyntaxError(`invalid number literal ${lexeme}`);
  return new RawNumber(lexeme);
}

// ------------------------------------------------------------------------------------- output

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Lone surrogates (invalid UTF-16) replaced by U+FFFD, as Go does for invalid UTF-8. */
export function wellFormed(s: string): string {
  return /[\ud800-\udfff]/.test(s) ? s.replace(LONE_SURROGATE, '\ufffd') : s;
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f<>&\u2028\u2029\ud800-\udfff]/;
const HTML_ESCAPES = /[<>&\u2028\u2029]/g;

function htmlEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** A Go-encoded JSON string literal (invalid UTF-16 becomes U+FFFD, as Go does for bad UTF-8). */
export function quoteGo(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  return JSON.stringify(wellFormed(s)).replace(HTML_ESCAPES, htmlEscape);
}

/** Go's `json.Marshal` of a decoded value (maps sorted, structs in order). */
export function stringifyGo(value: unknown): string {
  return write(value, 0) ?? 'null';
}

/**
 * `keys.sort()`, in place. A short list is sorted by insertion: `Array.prototype.sort` allocates
 * a work area per call, which was ~0.9 KB per merged request; the order is the same
 * (string `<` compares UTF-16 code units, as the default comparator does).
 */
export function sortKeys(keys: string[]): void {
  if (keys.length > 16) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > k) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = k;
  }
}

function write(v: unknown, depth: number): string | undefined {
  switch (typeof v) {
    case 'string':
      return quoteGo(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (v === null) return 'null';
  if (depth > MAX_DEPTH) throw new RangeError(`exceeded max depth of ${MAX_DEPTH}`);
  if (v instanceof RawNumber) return v.raw;
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out += ',';
      out += write(v[i], depth + 1) ?? 'null';
    }
    return `${out}]`;
  }
  if (v instanceof Uint8Array)
    return `"${Buffer.from(v.buffer, v.byteOffset, v.length).toString('base64')}"`;
  const obj = v as Record<string | symbol, unknown>;
  if (typeof obj['toJSON'] === 'function')
    return write((obj['toJSON'] as () => unknown)(), depth + 1);
  const keys = Object.keys(obj);
  if (obj[GO_STRUCT] !== true) sortKeys(keys);
  let out = '{';
  let first = true;
  for (const k of keys) {
    const item = write(obj[k], depth + 1);
    if (item === undefined) continue;
    out += `${first ? '' : ','}${quoteGo(k)}:${item}`;
    first = false;
  }
  return `${out}}`;
}
