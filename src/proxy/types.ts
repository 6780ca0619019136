import type { Readable } from 'node:stream';
import type { BackendCallRecord } from '../types.js';
import type { CancelSignal } from './cancel.js';

/** Header name (Go's canonical form, `X-Forwarded-For`) → values, on a null-prototype object. */
export type HeaderMap = Record<string, string[]>;
/** Query key → values, on a null-prototype object. */
export type QueryMap = Record<string, string[]>;

/** A buffered body, the client's stream, or nothing. */
export type RequestBody = Buffer | Readable | null;

/** What travels down one endpoint's pipe (lura `proxy.Request`). */
export interface ProxyRequest {
  method: string;
  /** Backend path (+ the url_pattern's own query) once the request builder ran; '' before. */
  path: string;
  /** Full backend URL once the load balancer ran; '' before. */
  url: string;
  query: QueryMap;
  /** Router params with the first letter upper-cased (`id` → `Id`), plus sequential values. */
  params: Record<string, string>;
  headers: HeaderMap;
  body: RequestBody;
}

export interface ResponseMetadata {
  statusCode: number;
  headers: HeaderMap;
}

/** What comes back up the pipe (lura `proxy.Response`). */
export interface ProxyResponse {
  /** `null` when a `json` backend answered the literal `null`. */
  data: Record<string, unknown> | null;
  isComplete: boolean;
  metadata: ResponseMetadata;
  /** The unread body of a `no-op` backend. */
  io?: Readable;
  /** Errors that left data behind (partial merges, static data over a failure). */
  error?: Error;
}

export interface ProxyContext {
  /** Aborts on the endpoint deadline (reason: the timeout error) or when the client leaves. */
  readonly signal: CancelSignal;
  /** This request's backend calls, appended as each ends (dashboard, `Server-Timing`). */
  readonly calls?: BackendCallRecord[];
}

/** One stage of the pipe; rejects when it has no response to give. */
export type Proxy = (ctx: ProxyContext, req: ProxyRequest) => Promise<ProxyResponse | null>;

/** A layer over the next stage(s), built once per endpoint (lura `proxy.Middleware`). */
export type Middleware = (...next: Proxy[]) => Proxy;

export function emptyHeaders(): HeaderMap {
  return Object.create(null) as HeaderMap;
}

/**
 * The headers of a response that has none (a decoded backend answer, a merge): one frozen map
 * shared by all, since a prototype-less object is built in V8's dictionary mode, ~150 bytes per
 * response. Nothing in the pipe adds to a response's headers; a plugin gets its own copy.
 */
export const NO_HEADERS: HeaderMap = Object.freeze(emptyHeaders());
