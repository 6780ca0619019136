import { wellFormed } from '../encoding/go-json.js';
import { queryEscape } from './query.js';
import type { HeaderMap, QueryMap } from './types.js';

/**
 * A backend `url_pattern`, compiled once (lura `GeneratePath`, behaviour §1.5, §2.4). Params are
 * substituted escaped, so a value can never add a path segment, a query or a fragment: `/`, `\`,
 * `?`, `#`, `%` and `.`/`..` values are percent-encoded (KrakenD inserts them raw, then relies on
 * the router to refuse them; here the router may be told not to, `disable_path_decoding`).
 */
export interface UrlSource {
  params: Readonly<Record<string, string>>;
  headers: Readonly<HeaderMap>;
  query: Readonly<QueryMap>;
}

export interface UrlTemplate {
  /** lura's internal form, as its error messages print it (`/provider/{{.Param}}`). */
  readonly lura: string;
  readonly hasPlaceholders: boolean;
  render(src: UrlSource): string;
}

type Part =
  | { kind: 'text'; text: string }
  | { kind: 'param'; key: string; missing: string; query: boolean }
  | { kind: 'header'; name: string; query: boolean }
  | { kind: 'input-query'; name: string; query: boolean }
  | { kind: 'remainder' };

const PLACEHOLDER = /\{([\w\-.:/]+)\}/g;

/** lura's param key: the first letter upper-cased (`id` → `Id`, `resp0_x` → `Resp0_x`). */
export function paramKey(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export function toLuraTemplate(pattern: string): string {
  return pattern.replace(PLACEHOLDER, (_m, name: string) => `{{.${paramKey(name)}}}`);
}

const PCHAR = /[A-Za-z0-9\-._~!$&'()*+,;=:@]/;

function percentEncode(ch: string): string {
  let out = '';
  for (const b of Buffer.from(ch, 'utf8'))
    out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/** One path segment's worth of value: anything but RFC 3986 `pchar` is encoded. */
export function escapePathValue(value: string): string {
  if (value === '.') return '%2E';
  if (value === '..') return '%2E%2E';
  let out = '';
  for (const ch of wellFormed(value)) out += PCHAR.test(ch) ? ch : percentEncode(ch);
  return out;
}

/** Config text kept as written, except bytes a request target cannot carry. */
export function escapeLiteral(text: string): string {
  if (/^[\x21-\x7e]*$/.test(text) && !/["<>\\^`{|}]/.test(text)) return text;
  let out = '';
  for (const ch of wellFormed(text)) {
    out += /[\x21-\x7e]/.test(ch) && !/["<>\\^`{|}]/.test(ch) ? ch : percentEncode(ch);
  }
  return out;
}

/** The wildcard remainder (`a/b/c`): each segment escaped, empty and dot segments neutralised. */
export function escapeRemainder(rest: string): string {
  const segments = rest.split('/');
  const out: string[] = [];
  segments.forEach((s, i) => {
    if (s === '' && i < segments.length - 1) return;
    out.push(escapePathValue(s));
  });
  return out.join('/');
}

export function compileUrlPattern(pattern: string, wildcard = false): UrlTemplate {
  const q = pattern.indexOf('?');
  const parts: Part[] = [];
  let hasPlaceholders = false;
  const pushText = (text: string): void => {
    if (text) parts.push({ kind: 'text', text: escapeLiteral(text) });
  };
  const scan = (text: string, query: boolean): void => {
    let last = 0;
    for (const m of text.matchAll(PLACEHOLDER)) {
      pushText(text.slice(last, m.index));
      last = m.index! + m[0].length;
      hasPlaceholders = true;
      const name = m[1]!;
      if (name.startsWith('JWT.')) continue;
      if (name.startsWith('input_headers.')) {
        parts.push({ kind: 'header', name: name.slice(14), query });
      } else if (name.startsWith('input_query_strings.')) {
        parts.push({ kind: 'input-query', name: name.slice(20), query });
      } else {
        const key = paramKey(name);
        parts.push({ kind: 'param', key, missing: escapeLiteral(`{{.${key}}}`), query });
      }
    }
    pushText(text.slice(last));
  };
  scan(q === -1 ? pattern : pattern.slice(0, q), false);
  if (wildcard) parts.push({ kind: 'remainder' });
  if (q !== -1) {
    parts.push({ kind: 'text', text: '?' });
    scan(pattern.slice(q + 1), true);
  }
  const lura = toLuraTemplate(pattern);
  if (!hasPlaceholders && !wildcard) {
    const fixed = parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');
    return { lura, hasPlaceholders, render: () => fixed };
  }
  return {
    lura,
    hasPlaceholders,
    render(src) {
      let out = '';
      for (const p of parts) {
        switch (p.kind) {
          case 'text':
            out += p.text;
            break;
          case 'param': {
            const v = src.params[p.key];
            out += v === undefined ? p.missing : p.query ? queryEscape(v) : escapePathValue(v);
            break;
          }
          case 'header': {
            const v = headerValue(src.headers, p.name);
            out += p.query ? queryEscape(v) : escapePathValue(v);
            break;
          }
          case 'input-query': {
            const v = src.query[p.name]?.[0] ?? '';
            out += p.query ? queryEscape(v) : escapePathValue(v);
            break;
          }
          case 'remainder': {
            const rest = src.params['*'];
            if (rest) out += (out.endsWith('/') ? '' : '/') + escapeRemainder(rest);
            break;
          }
        }
      }
      return out;
    },
  };
}

function headerValue(headers: Readonly<HeaderMap>, name: string): string {
  const direct = headers[name];
  if (direct) return direct[0] ?? '';
  const lower = name.toLowerCase();
  for (const k in headers) if (k.toLowerCase() === lower) return headers[k]![0] ?? '';
  return '';
}
