import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import type { Dispatcher } from 'undici';
import type { ResolvedConfig, ResolvedEndpoint } from '../types.js';
import { flattenHeaders, splitUrl } from './backend-call.js';
import { requestBody } from './body.js';
import type { PipeDeps } from './deps.js';
import { contextCanceled, deadlineExceeded, errorBody, errorStatus, networkError, toError } from './errors.js';
import { connectionListed, HOP_BY_HOP } from './headers.js';
import { createHostPicker, type HostPicker } from './hosts.js';
import { encodeQuery, filterQuery } from './query.js';
import { MAX_REDIRECTS, nextRedirect, SENSITIVE_ON_HOST_CHANGE } from './redirect.js';
import { createClientRequestReader, toProxyParams, type ClientRequestReader } from './request.js';
import { staticMatcher } from './static.js';
import type { HeaderMap } from './types.js';
import { compileUrlPattern, type UrlTemplate } from './url-pattern.js';

/**
 * The no-op hot path (DECISIONS.md 16, 23): one backend, no plugins; the request streams to an
 * undici pool through a raw dispatch handler and the answer streams back with its status and
 * headers. Everything per endpoint is computed here once; per request there is one call object
 * and no closures. Hardened per reliability.md §1/§9: hop-by-hop and `Trailer` stripped both
 * ways, every failure ends in an answer or a closed socket, the backend is aborted when the
 * client leaves, the client connection is ended when the backend resets. The endpoint `timeout`
 * covers the time to the backend's response headers; the body then streams without deadline.
 */
export interface PassthroughDeps extends PipeDeps {
  config: Pick<ResolvedConfig, 'router' | 'extra'>;
}

export interface PassthroughSpec {
  endpoint: ResolvedEndpoint;
  deps: PassthroughDeps;
  /** `Version 2.13.8` (or `Version undefined`). */
  versionHeader: string;
  userAgent: string;
  followRedirects: boolean;
}

interface Shared {
  deps: PassthroughDeps;
  prefix: string;
  versionHeader: string;
  timeoutMs: number;
  returnErrorMsg: boolean;
  followRedirects: boolean;
  staticOnError: boolean;
  method: string;
  template: UrlTemplate;
  pick: HostPicker;
  read: ClientRequestReader;
  backendQuery: readonly string[] | undefined;
  backendHeaders: readonly string[] | undefined;
  observe: boolean;
}

const kCall = Symbol('krakend-connect.passthrough');
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

type CallResponse = ServerResponse & { [kCall]?: PassthroughCall };

function onClientClose(this: CallResponse): void {
  const call = this[kCall];
  if (call && !this.writableFinished) call.clientGone();
}

function onClientDrain(this: CallResponse): void {
  this[kCall]?.resumeBackend();
}

/** One proxied exchange: an undici (legacy) dispatch handler. */
class PassthroughCall implements Dispatcher.DispatchHandler {
  private abortFn: ((err?: Error) => void) | undefined;
  private resume: (() => void) | undefined;
  private gone = false;
  private headersDone = false;
  private redirect: { url: string; method: string; keepBody: boolean; referer?: string } | undefined;
  private gunzip: Gunzip | undefined;
  private hops = 0;
  private started = 0;
  private askedGzip: boolean;
  private retried = false;
  private redirectFrom = '';
  private redirectReferer: string | undefined;

  constructor(
    private readonly s: Shared,
    private readonly res: CallResponse,
    /** Known origin and raw path of the first hop (redirect hops are parsed from their URL). */
    private first: { origin: string; path: string } | undefined,
    private url: string,
    private method: string,
    private readonly headers: HeaderMap,
    private body: Readable | Buffer | null,
  ) {
    this.askedGzip = headers['Accept-Encoding'] === undefined && headers['Range'] === undefined;
  }

  start(): void {
    if (this.s.observe) this.started = performance.now();
    let origin: string;
    let path: string;
    try {
      ({ origin, path } = this.first ?? splitUrl(this.url));
      this.first = undefined;
    } catch (err) {
      this.fail(err);
      return;
    }
    const sendHeaders = this.hops === 0 ? flattenHeaders(this.headers) : this.redirectHeaders();
    if (this.askedGzip) sendHeaders.push('Accept-Encoding', 'gzip');
    let dispatcher: Dispatcher;
    try {
      dispatcher = this.s.deps.dispatchers.get(origin);
    } catch (err) {
      this.fail(err);
      return;
    }
    dispatcher.dispatch(
      {
        origin,
        path,
        method: this.method as Dispatcher.HttpMethod,
        headers: sendHeaders,
        body: this.body,
        headersTimeout: this.s.timeoutMs,
        bodyTimeout: 0,
      },
      this,
    );
  }

  private redirectHeaders(): string[] {
    const out: string[] = [];
    let sameHost = true;
    try {
      sameHost = new URL(this.url).host === new URL(this.redirectFrom).host;
    } catch {
      sameHost = false;
    }
    let referer = false;
    for (const k in this.headers) {
      if (!sameHost && SENSITIVE_ON_HOST_CHANGE.has(k)) continue;
      if (k === 'Referer') referer = true;
      for (const v of this.headers[k]!) out.push(k, v);
    }
    if (!referer && this.redirectReferer) out.push('Referer', this.redirectReferer);
    return out;
  }

  clientGone(): void {
    this.gone = true;
    this.abortFn?.(contextCanceled());
    this.gunzip?.destroy();
  }

  resumeBackend(): void {
    this.resume?.();
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortFn = abort;
    if (this.gone) abort(contextCanceled());
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (statusCode < 200) return true;
    this.resume = resume;
    const res = this.res;
    let location: string | undefined;
    let gzip = false;
    const names: string[] = [];
    const values: string[] = [];
    let connection: string | undefined;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!.toString('latin1');
      const value = rawHeaders[i + 1]!.toString('latin1');
      const lower = name.toLowerCase();
      if (lower === 'location') location = value;
      else if (lower === 'connection') connection = value;
      else if (lower === 'content-encoding' && this.askedGzip && value.toLowerCase() === 'gzip') gzip = true;
      names.push(name);
      values.push(value);
    }
    if (this.s.followRedirects && location !== undefined) {
      const sentBody = this.body !== null;
      let step;
      try {
        step = nextRedirect(statusCode, this.method, this.url, location, sentBody, !sentBody);
      } catch (err) {
        this.fail(err);
        return false;
      }
      if (step) {
        this.record(statusCode);
        this.redirect = step;
        return true;
      }
    }
    this.record(statusCode);
    const listed = connectionListed(connection);
    try {
      for (let i = 0; i < names.length; i++) {
        const lower = names[i]!.toLowerCase();
        if (HOP_BY_HOP.has(lower) || listed?.has(lower)) continue;
        if (gzip && (lower === 'content-encoding' || lower === 'content-length')) continue;
        res.appendHeader(names[i]!, values[i]!);
      }
      res.writeHead(statusCode);
    } catch (err) {
      this.fail(err);
      return false;
    }
    this.headersDone = true;
    if (gzip) {
      const gunzip = (this.gunzip = createGunzip());
      gunzip.on('error', () => {
        this.abortFn?.();
        res.destroy();
      });
      gunzip.on('drain', () => this.resume?.());
      gunzip.pipe(res);
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.redirect) return true;
    if (this.gunzip) return this.gunzip.write(chunk);
    return this.res.write(chunk);
  }

  onComplete(): void {
    const step = this.redirect;
    if (step) {
      this.redirect = undefined;
      if (++this.hops >= MAX_REDIRECTS) {
        this.fail(networkError(this.s.method, step.url, new Error('stopped after 10 redirects')));
        return;
      }
      this.redirectFrom = this.url;
      this.redirectReferer = step.referer;
      this.url = step.url;
      this.method = step.method;
      if (!step.keepBody) this.body = null;
      this.abortFn = undefined;
      if (this.gone) return;
      this.start();
      return;
    }
    if (this.gunzip) this.gunzip.end();
    else this.res.end();
  }

  onError(err: Error): void {
    if (this.gone) {
      this.res.destroy();
      return;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (this.canRetry(code)) {
      this.retried = true;
      this.abortFn = undefined;
      this.start();
      return;
    }
    const e = code === 'UND_ERR_HEADERS_TIMEOUT' ? deadlineExceeded() : err;
    if (this.headersDone) {
      this.s.deps.logger.error(`${this.s.prefix} ${toError(e).message}`);
      this.gunzip?.destroy();
      this.res.destroy();
      return;
    }
    this.fail(e === err ? networkError(this.s.method, this.url, err) : e);
  }

  /** A kept-alive socket the backend closed as we wrote: safe to send a bodiless idempotent call again. */
  private canRetry(code: string | undefined): boolean {
    return (
      !this.retried &&
      !this.headersDone &&
      this.redirect === undefined &&
      this.body === null &&
      code !== undefined &&
      RESET_CODES.has(code) &&
      IDEMPOTENT.has(this.method)
    );
  }

  private record(status: number, error?: string): void {
    if (!this.s.observe) return;
    const ms = performance.now() - this.started;
    try {
      this.s.deps.onBackendCall!({ method: this.method, url: this.url, status, ms, error, source: 'live' });
    } catch {
      // observers never break a request
    }
  }

  /** An answer before any backend header reached the client: KrakenD's 500 (DECISIONS.md 12). */
  private fail(err: unknown): void {
    const e = toError(err);
    this.record(0, e.message);
    this.s.deps.logger.error(`${this.s.prefix} ${e.message}`);
    const res = this.res;
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    if (this.s.staticOnError) {
      res.statusCode = 200;
      res.end();
      return;
    }
    res.statusCode = errorStatus(e);
    if (!this.s.returnErrorMsg) {
      res.end();
      return;
    }
    const { body, contentType } = errorBody(e);
    res.setHeader('Content-Type', contentType ?? 'text/plain; charset=utf-8');
    res.end(body);
  }
}

export function createPassthroughHandler(
  spec: PassthroughSpec,
): (req: IncomingMessage, res: ServerResponse, params: Readonly<Record<string, string>>) => void {
  const { endpoint, deps } = spec;
  const backend = endpoint.backends[0]!;
  const shared: Shared = {
    deps,
    prefix: `[ENDPOINT: ${endpoint.routePath}]`,
    versionHeader: spec.versionHeader,
    timeoutMs: endpoint.timeoutMs,
    returnErrorMsg: deps.config.router.returnErrorMsg,
    followRedirects: spec.followRedirects,
    staticOnError: endpoint.static !== undefined && staticMatcher(endpoint.static)(null, new Error('failed')),
    method: backend.method,
    template: compileUrlPattern(backend.urlPattern, endpoint.wildcard),
    pick: createHostPicker(backend.hosts),
    read: createClientRequestReader(endpoint, deps.config, spec.userAgent),
    backendQuery: backend.inputQueryStrings.length > 0 ? backend.inputQueryStrings : undefined,
    backendHeaders: backend.inputHeaders.length > 0 ? backend.inputHeaders : undefined,
    observe: deps.onBackendCall !== undefined,
  };

  return function passthroughHandler(req, res, params) {
    res.setHeader('X-Krakend', shared.versionHeader);
    res.setHeader('X-Krakend-Completed', 'false');
    let call: PassthroughCall;
    try {
      const { headers: clientHeaders, query: clientQuery } = shared.read(req);
      const query = shared.backendQuery ? filterQuery(clientQuery, shared.backendQuery, false) : clientQuery;
      let headers = clientHeaders;
      if (shared.backendHeaders) {
        headers = Object.create(null) as HeaderMap;
        for (const name of shared.backendHeaders) {
          const v = clientHeaders[name];
          if (v !== undefined) headers[name] = v;
        }
      }
      const proxyParams = toProxyParams(params);
      const path = shared.template.render({ params: proxyParams, headers: clientHeaders, query: clientQuery });
      const host = shared.pick(proxyParams);
      let url = host.base + path;
      const encoded = encodeQuery(query);
      if (encoded !== '') {
        const q = url.indexOf('?');
        url += q === -1 ? `?${encoded}` : q < url.length - 1 ? `&${encoded}` : encoded;
      }
      const body = requestBody(req);
      // The picker already knows the origin: no URL parsing per request.
      const rest = host.basePath + url.slice(host.base.length);
      const first = { origin: host.origin, path: rest.startsWith('/') ? rest : `/${rest}` };
      call = new PassthroughCall(shared, res as CallResponse, first, url, shared.method, headers, body);
    } catch (err) {
      const e = toError(err);
      deps.logger.error(`${shared.prefix} ${e.message}`);
      if (!res.headersSent) res.statusCode = errorStatus(e);
      res.end();
      return;
    }
    (res as CallResponse)[kCall] = call;
    res.on('close', onClientClose);
    res.on('drain', onClientDrain);
    call.start();
  };
}
