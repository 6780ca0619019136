import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { GatewayError } from '../errors.js';
import type { CancelSignal } from './cancel.js';
import { collect, type Collected } from './collect-call.js';
import { raceSignal } from './deadline.js';
import type { BackendDispatchers } from './dispatchers.js';
import { deadlineExceeded, networkError } from './errors.js';
import { canonicalKey } from './headers.js';
import {
  isRedirect,
  MAX_REDIRECTS,
  nextRedirect,
  SENSITIVE_ON_HOST_CHANGE,
  type RedirectStep,
} from './redirect.js';
import type { HeaderMap, RequestBody } from './types.js';

/**
 * One backend exchange over the pooled keep-alive client, as Go's `http.Client` does it for
 * KrakenD (behaviour §2.6): `Accept-Encoding: gzip` added unless the client's was forwarded (and
 * then gzip undone transparently), redirects followed (DECISIONS.md 13), one retry for an
 * idempotent request whose reused socket was reset before any answer (reliability.md row 45).
 */
export interface BackendCall {
  method: string;
  /** Full URL, for messages, `Referer` and redirects. */
  url: string;
  headers: HeaderMap;
  body: RequestBody;
  signal: CancelSignal;
  followRedirects: boolean;
  /** Deadline for the response headers only (no-op endpoints, DECISIONS.md 16). */
  headersTimeout?: number;
  /** The request's params (`Id`, sequential values), for mocks that answer per param. */
  params?: Readonly<Record<string, string>>;
  /**
   * The caller reads the whole body anyway: collect it with a raw dispatch handler (capped at
   * this many bytes) and answer once it is complete, instead of streaming it.
   */
  collectLimit?: number;
}

export interface BackendReply {
  statusCode: number;
  /** Canonical names; `Content-Encoding`/`Content-Length` removed when `gunzip` is set. */
  headers: HeaderMap;
  body: Readable;
  /** The URL that produced this response (after redirects). */
  url: string;
  /** The body is gzip the gateway asked for itself: decode it before use. */
  gunzip: boolean;
  /** The body already read whole ({@link BackendCall.collectLimit}); `body` replays it. */
  collected?: Collected;
}

export const IDEMPOTENT: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'OPTIONS',
  'PUT',
  'DELETE',
  'TRACE',
]);
export const RESET_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** What Go's client sends when the request has no `User-Agent` (behaviour §2.5). */
export const GO_USER_AGENT = 'Go-http-client/1.1';

/**
 * `User-Agent` as Go's client writes it: its default when the map has none (a backend
 * `input_headers` list without it), else the first value, and nothing for an empty one.
 */
export function pushUserAgent(out: string[], headers: HeaderMap): void {
  const ua = headers['User-Agent'];
  if (ua === undefined) out.push('User-Agent', GO_USER_AGENT);
  else if (ua.length > 0 && ua[0] !== '') out.push('User-Agent', ua[0]!);
}

/**
 * The header list for undici. A forwarded `Content-Length` only frames the client's own stream;
 * a buffered (possibly rewritten) or absent body gets its length from undici.
 */
export function flattenHeaders(headers: HeaderMap, body: RequestBody = null): string[] {
  const streamed = body !== null && !Buffer.isBuffer(body);
  const out: string[] = [];
  for (const k in headers) {
    if ((k === 'Content-Length' && !streamed) || k === 'User-Agent') continue;
    for (const v of headers[k]!) out.push(k, v);
  }
  pushUserAgent(out, headers);
  return out;
}

export function toHeaderMap(headers: Record<string, string | string[] | undefined>): HeaderMap {
  const out = Object.create(null) as HeaderMap;
  for (const k in headers) {
    const v = headers[k];
    if (v === undefined) continue;
    const key = canonicalKey(k);
    const list = (out[key] ??= []);
    if (Array.isArray(v)) list.push(...v);
    else list.push(v);
  }
  return out;
}

function hasHeader(headers: HeaderMap, name: string): boolean {
  return headers[name] !== undefined;
}

/** `^[a-z][a-z0-9+.-]*$`, case-insensitive: a URL scheme (RFC 3986). */
function isScheme(url: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = url.charCodeAt(i) | 0x20; // ASCII lower case; digits and +.- are checked unfolded
    const letter = c >= 97 && c <= 122;
    if (i === 0 ? !letter : !letter && !isSchemeSymbol(url.charCodeAt(i))) return false;
  }
  return end > 0;
}

function isSchemeSymbol(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}

/**
 * Origin and raw path of a built URL: `scheme://authority` and what follows up to a `#`. The
 * path is never normalised: the WHATWG parser would resolve `%2E%2E` as `..` and let an encoded
 * param climb out of its segment. Scanned by hand, as it runs once per backend call.
 */
export function splitUrl(url: string): { origin: string; path: string } {
  const sep = url.indexOf('://');
  let end = -1;
  if (sep !== -1 && isScheme(url, sep)) {
    end = sep + 3;
    for (; end < url.length; end++) {
      const c = url.charCodeAt(end);
      if (c === 47 || c === 63 || c === 35) break; // / ? #
    }
  }
  const origin = end === -1 ? '' : originOf(url.slice(0, end));
  if (!origin.startsWith('http')) {
    throw new GatewayError('KC_BACKEND_UNAVAILABLE', `unsupported protocol scheme in "${url}"`);
  }
  const hash = url.indexOf('#', end);
  const path = hash === -1 ? url.slice(end) : url.slice(end, hash);
  if (path === '') return { origin, path: '/' };
  return { origin, path: path.charCodeAt(0) === 47 ? path : `/${path}` };
}

/** `scheme://authority` → its WHATWG origin ('' when invalid); the few hosts of a config, cached. */
const origins = new Map<string, string>();

function originOf(prefix: string): string {
  let origin = origins.get(prefix);
  if (origin !== undefined) return origin;
  try {
    origin = new URL(prefix).origin;
  } catch {
    origin = '';
  }
  if (origins.size >= 256) origins.clear(); // hosts built from request data must not grow it
  origins.set(prefix, origin);
  return origin;
}

async function requestOnce(
  dispatcher: Dispatcher,
  options: Dispatcher.RequestOptions,
  retryable: boolean,
): Promise<Dispatcher.ResponseData> {
  try {
    return await dispatcher.request(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (
      !retryable ||
      !RESET_CODES.has(code) ||
      (options.signal as AbortSignal | undefined)?.aborted
    ) {
      throw err;
    }
    return dispatcher.request(options);
  }
}

export function callBackend(
  dispatchers: BackendDispatchers,
  call: BackendCall,
): Promise<BackendReply> {
  const askGzip = !hasHeader(call.headers, 'Accept-Encoding') && !hasHeader(call.headers, 'Range');
  const first: Hop = { method: call.method, url: call.url, body: call.body, headers: call.headers };
  if (call.collectLimit !== undefined) return collectHop(dispatchers, call, first, 0, askGzip);
  return streamCall(dispatchers, call, first, askGzip);
}

/** One request of a call: where it goes, redirects included. */
interface Hop {
  method: string;
  url: string;
  body: RequestBody;
  headers: HeaderMap;
}

function isReplayable(body: RequestBody): boolean {
  return body === null || Buffer.isBuffer(body);
}

/**
 * A collected call, one hop at a time. Written with `then` rather than as an `async` loop: it
 * runs for every backend of a JSON endpoint, and an async function's frame cost ~200 bytes more
 * per call than the reaction below; the redirect and retry paths are the rare ones.
 */
function collectHop(
  dispatchers: BackendDispatchers,
  call: BackendCall,
  hop: Hop,
  n: number,
  askGzip: boolean,
): Promise<BackendReply> {
  let options: Dispatcher.DispatchOptions;
  let dispatcher: Dispatcher;
  try {
    const { origin, path } = splitUrl(hop.url);
    const sendHeaders = flattenHeaders(hop.headers, hop.body);
    if (askGzip) sendHeaders.push('Accept-Encoding', 'gzip');
    dispatcher = dispatchers.get(origin);
    options = {
      origin,
      path,
      method: hop.method as Dispatcher.HttpMethod,
      headers: sendHeaders,
      body: hop.body,
      headersTimeout: call.headersTimeout,
      bodyTimeout: 0,
    };
  } catch (err) {
    return Promise.reject(err);
  }
  return collect(dispatcher, options, call.signal, call.collectLimit!).then(
    (got) => afterCollect(dispatchers, call, hop, n, askGzip, got),
    (err: unknown) => {
      const retryable = IDEMPOTENT.has(hop.method) && isReplayable(hop.body);
      return collectAgain(err, dispatcher, options, call, retryable, hop.url).then((got) =>
        afterCollect(dispatchers, call, hop, n, askGzip, got),
      );
    },
  );
}

/** The answer of one hop: the reply, or the next hop of a redirect. */
function afterCollect(
  dispatchers: BackendDispatchers,
  call: BackendCall,
  hop: Hop,
  n: number,
  askGzip: boolean,
  got: Collected,
): BackendReply | Promise<BackendReply> {
  const location = isRedirect(got.statusCode) ? got.header('location') : undefined;
  const step = call.followRedirects
    ? nextRedirect(got.statusCode, hop.method, hop.url, location, hop.body !== null, isReplayable(hop.body))
    : undefined;
  if (step === undefined) return collectedReply(got, hop.url, askGzip);
  if (n >= MAX_REDIRECTS - 1) {
    throw networkError(call.method, String(location), new Error('stopped after 10 redirects'));
  }
  return collectHop(dispatchers, call, redirected(call.headers, hop.url, step, hop.body), n + 1, askGzip);
}

/** A streamed call (no-op bodies, client streams): undici's `request`, redirects followed. */
async function streamCall(
  dispatchers: BackendDispatchers,
  call: BackendCall,
  first: Hop,
  askGzip: boolean,
): Promise<BackendReply> {
  let { method, url, body, headers } = first;
  for (let hop = 0; ; hop++) {
    const { origin, path } = splitUrl(url);
    const sendHeaders = flattenHeaders(headers, body);
    if (askGzip) sendHeaders.push('Accept-Encoding', 'gzip');
    const retryable = IDEMPOTENT.has(method) && isReplayable(body);
    let res: Dispatcher.ResponseData;
    try {
      const pending = requestOnce(
        dispatchers.get(origin),
        {
          path,
          method: method as Dispatcher.HttpMethod,
          headers: sendHeaders,
          body,
          signal: call.signal,
          headersTimeout: call.headersTimeout,
          bodyTimeout: 0,
        },
        retryable,
      );
      // undici honours the signal only once a connection takes the call: while every pooled
      // connection is busy the call waits in the queue, and the deadline must still answer.
      pending.catch(() => {});
      res = await raceSignal(pending, call.signal);
    } catch (err) {
      if (call.signal.aborted) throw call.signal.reason;
      if ((err as NodeJS.ErrnoException).code === 'UND_ERR_HEADERS_TIMEOUT')
        throw deadlineExceeded();
      throw networkError(call.method, url, err);
    }
    const location = res.headers['location'];
    const step = call.followRedirects
      ? nextRedirect(
          res.statusCode,
          method,
          url,
          Array.isArray(location) ? location[0] : location,
          body !== null,
          isReplayable(body),
        )
      : undefined;
    if (step === undefined) return toReply(res, url, askGzip);
    res.body.dump().catch(() => {});
    if (hop >= MAX_REDIRECTS - 1) {
      throw networkError(call.method, String(location), new Error('stopped after 10 redirects'));
    }
    ({ headers, method, url, body } = redirected(call.headers, url, step, body));
  }
}

function redirected(original: HeaderMap, url: string, step: RedirectStep, body: RequestBody): Hop {
  const next = Object.create(null) as HeaderMap;
  const sameHost = new URL(step.url).host === new URL(url).host;
  for (const k in original) {
    if (!sameHost && SENSITIVE_ON_HOST_CHANGE.has(k)) continue;
    next[k] = original[k]!;
  }
  if (step.referer !== undefined && next['Referer'] === undefined) next['Referer'] = [step.referer];
  return { headers: next, method: step.method, url: step.url, body: step.keepBody ? body : null };
}

/**
 * A collected exchange that failed: one retry for a reset reused socket, and errors mapped as
 * the streamed path maps them. Apart from the first attempt, so the usual call awaits once.
 */
async function collectAgain(
  first: unknown,
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  call: BackendCall,
  retryable: boolean,
  url: string,
): Promise<Collected> {
  try {
    const code = (first as NodeJS.ErrnoException).code ?? '';
    if (!retryable || !RESET_CODES.has(code) || call.signal.aborted) throw first;
    return await collect(dispatcher, options, call.signal, call.collectLimit!);
  } catch (err) {
    if (call.signal.aborted) throw call.signal.reason;
    if ((err as NodeJS.ErrnoException).code === 'UND_ERR_HEADERS_TIMEOUT')
      throw deadlineExceeded();
    throw networkError(call.method, url, err);
  }
}

/**
 * A collected answer. Only a caller that wants a stream or the header map after all (a
 * recording, a plugin, a status error) pays for it: `body` and `headers` are made on first read
 * (a class, not an object literal with getters, which V8 builds in dictionary mode on every
 * call). Both are accessors, so a copy is made with {@link replyWith}, not a bare spread.
 */
class CollectedReply implements BackendReply {
  readonly statusCode: number;
  private stream: Readable | undefined = undefined;
  private map: HeaderMap | undefined = undefined;

  constructor(
    readonly collected: Collected,
    readonly url: string,
    readonly gunzip: boolean,
  ) {
    this.statusCode = collected.statusCode;
  }

  /** Built on first read, like the collected answer's (a JSON backend's are rarely read). */
  get headers(): HeaderMap {
    if (this.map !== undefined) return this.map;
    const headers = this.collected.headers;
    if (this.gunzip) {
      delete headers['Content-Encoding'];
      delete headers['Content-Length'];
    }
    return (this.map = headers);
  }

  get body(): Readable {
    return (this.stream ??= Readable.from(this.collected.chunks));
  }
}

/** A copy of `reply` with `fields` changed; `headers` and `body` named: spread skips accessors. */
export function replyWith<R extends BackendReply, F extends object>(reply: R, fields: F): R & F {
  return { ...reply, headers: reply.headers, body: reply.body, ...fields };
}

/** `Content-Encoding` as the backend sent it, without building a collected reply's header map. */
export function contentEncodingOf(reply: BackendReply): string | undefined {
  if (reply instanceof CollectedReply) {
    return reply.gunzip ? undefined : reply.collected.header('content-encoding');
  }
  return reply.headers['Content-Encoding']?.[0];
}

function collectedReply(got: Collected, url: string, askedGzip: boolean): BackendReply {
  const encoding = askedGzip ? got.header('content-encoding') : undefined;
  return new CollectedReply(got, url, encoding !== undefined && encoding.toLowerCase() === 'gzip');
}

function toReply(res: Dispatcher.ResponseData, url: string, askedGzip: boolean): BackendReply {
  const headers = toHeaderMap(res.headers);
  const encoding = headers['Content-Encoding'];
  const gunzip = askedGzip && encoding !== undefined && encoding[0]?.toLowerCase() === 'gzip';
  if (gunzip) {
    delete headers['Content-Encoding'];
    delete headers['Content-Length'];
  }
  return { statusCode: res.statusCode, headers, body: res.body, url, gunzip };
}
