import { canonicalKey } from '../proxy/headers.js';
import type { HeaderMap } from '../proxy/types.js';
import type { MockModule } from './mock-module.js';

/**
 * What a mock answers for one call. JSON files are the body, with `{param}` in their strings
 * filled from the call's path params. A JS module's default export is the answer, or a function
 * of the {@link MockRequest} returning one (sync or async): a WHATWG `Response` for full control,
 * a string (text), bytes, `undefined` (204), or any other value (JSON).
 */
export interface MockRequest {
  method: string;
  /** The backend URL the call would have gone to. */
  url: string;
  path: string;
  /** Query values by key (the last one when repeated); `searchParams` has them all. */
  query: Record<string, string>;
  searchParams: URLSearchParams;
  /** Path params of the endpoint (`id`) and of the mock folder (`[id]`), decoded. */
  params: Record<string, string>;
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
  /** The request body as text ('' when none), and parsed when it is JSON. */
  body: string;
  json: unknown;
}

export interface MockAnswer {
  status: number;
  headers: HeaderMap;
  body: Buffer;
}

export interface MockDefaults {
  status: number;
  headers: Readonly<Record<string, string>>;
}

const PLACEHOLDER = /\{([A-Za-z_][\w.-]*)\}/g;

/** `{id}` → the param's value in every string of a JSON value; unknown names stay as written. */
export function fillParams(value: unknown, params: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (m, name: string) =>
      Object.hasOwn(params, name) ? params[name]! : m,
    );
  }
  if (Array.isArray(value)) return value.map((v) => fillParams(v, params));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fillParams(v, params);
    return out;
  }
  return value;
}

function headerMap(contentType: string | undefined, defaults: MockDefaults): HeaderMap {
  const out = Object.create(null) as HeaderMap;
  if (contentType) out['Content-Type'] = [contentType];
  for (const [k, v] of Object.entries(defaults.headers)) out[canonicalKey(k)] = [v];
  return out;
}

function isResponse(v: unknown): v is Response {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Response).status === 'number' &&
    typeof (v as Response).arrayBuffer === 'function' &&
    typeof (v as Response).headers?.forEach === 'function'
  );
}

async function fromResponse(res: Response, defaults: MockDefaults): Promise<MockAnswer> {
  const headers = headerMap(undefined, defaults);
  res.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[canonicalKey(name)] = [value];
  });
  const cookies = res.headers.getSetCookie?.() ?? [];
  if (cookies.length > 0) headers['Set-Cookie'] = cookies;
  return { status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** A plain value as an answer: its type picks the content type. */
function fromValue(value: unknown, defaults: MockDefaults): MockAnswer {
  if (value === undefined) {
    const status = defaults.status === 200 ? 204 : defaults.status;
    return { status, headers: headerMap(undefined, defaults), body: Buffer.alloc(0) };
  }
  if (typeof value === 'string') {
    const headers = headerMap('text/plain; charset=utf-8', defaults);
    return { status: defaults.status, headers, body: Buffer.from(value) };
  }
  if (value instanceof Uint8Array) {
    const headers = headerMap('application/octet-stream', defaults);
    return { status: defaults.status, headers, body: Buffer.from(value) };
  }
  const headers = headerMap('application/json', defaults);
  return { status: defaults.status, headers, body: Buffer.from(JSON.stringify(value) ?? 'null') };
}

export async function answerMock(
  mod: MockModule,
  req: MockRequest,
  defaults: MockDefaults,
): Promise<MockAnswer> {
  if (mod.kind === 'json') {
    const body = Buffer.from(JSON.stringify(fillParams(mod.value, req.params)));
    return { status: defaults.status, headers: headerMap('application/json', defaults), body };
  }
  const result = typeof mod.value === 'function' ? await mod.value(req) : mod.value;
  return isResponse(result) ? fromResponse(result, defaults) : fromValue(result, defaults);
}
