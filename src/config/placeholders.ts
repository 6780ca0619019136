/**
 * `{param}` handling of lura `config/config.go` and `config/uri.go`, messages and quirks included
 * (vectors C6–C8, C10).
 */
const STRICT_ENDPOINT_KEYS = /\/\{([a-zA-Z\-_0-9]+)\}/g;
const SIMPLE_KEYS = /\{([\w\-.:/]+)\}/g;
const SEQUENTIAL_PARAM = /^(resp[\d]+_.+)?(JWT\.([\w\-.:/]+))?$/;
// DECISIONS.md 3: placeholders KrakenD CE lacks, filled from the client request.
const REQUEST_PARAM = /^input_(headers|query_strings)\.[^{}]+$/;

function extract(subject: string, pattern: RegExp): string[] {
  return [...subject.matchAll(pattern)].map((m) => m[1]!);
}

/** Input params of an endpoint path, in order (duplicates kept, as lura does). */
export function endpointParams(path: string, disableRest: boolean): string[] {
  return extract(path, disableRest ? SIMPLE_KEYS : STRICT_ENDPOINT_KEYS);
}

/** `/users/{id}` → `/users/:id`; only the part before `?` is rewritten. */
export function routerPath(path: string, params: readonly string[]): string {
  let result = path;
  for (const p of params) {
    const parts = result.split('?');
    parts[0] = parts[0]!.split(`{${p}}`).join(`:${p}`);
    result = parts.join('?');
  }
  return result;
}

/** Go's `%v` of a `[]string`. */
const goList = (xs: readonly string[]): string => `[${xs.join(' ')}]`;

function isSpecial(p: string): boolean {
  return SEQUENTIAL_PARAM.test(p) || REQUEST_PARAM.test(p);
}

/** lura's `uniqueOutput`: its counter never counts the last distinct name (kept on purpose). */
function uniqueOutput(outputs: string[]): [string[], number] {
  const out = [...outputs].sort();
  if (out.length === 0) return [out, 0];
  let j = 0;
  let size = 0;
  for (let i = 1; i < out.length; i++) {
    if (out[j] === out[i]) continue;
    if (!isSpecial(out[j]!)) size++;
    j++;
    out[j] = out[i]!;
  }
  return [out.slice(0, j + 1), size];
}

export interface UrlPatternCheck {
  /** Every placeholder name in the url_pattern, sorted and unique. */
  outputs: string[];
  error?: string;
  /** `{JWT.x}` names (JWT validation is not implemented: they stay empty). */
  jwt: string[];
}

/** Validates a cleaned url_pattern against the endpoint's inputs with lura's two messages. */
export function checkUrlPattern(
  urlPattern: string,
  inputs: ReadonlySet<string>,
  method: string,
  routePath: string,
  backendIndex: number,
): UrlPatternCheck {
  const [outputs, size] = uniqueOutput(extract(urlPattern, SIMPLE_KEYS));
  const ip = [...inputs].sort();
  const where = `endpoint: ${method} ${routePath}, backend: ${backendIndex}. input: ${goList(ip)}, output: ${goList(outputs)}`;
  const jwt = outputs.filter((o) => o.startsWith('JWT.'));
  if (size > ip.length)
    return { outputs, jwt, error: `input and output params do not match. ${where}` };
  for (const o of outputs) {
    if (!isSpecial(o) && !inputs.has(o))
      return { outputs, jwt, error: `undefined output param '${o}'! ${where}` };
  }
  return { outputs, jwt };
}
