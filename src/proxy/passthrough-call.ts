import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import type { Dispatcher } from 'undici';
import type { BackendCallRecord } from '../types.js';
import { flattenHeaders, IDEMPOTENT, pushUserAgent, RESET_CODES, splitUrl } from './backend-call.js';
import type { PipeDeps } from './deps.js';
import {
  contextCanceled,
  deadlineExceeded,
  errorBody,
  errorStatus,
  networkError,
  toError,
} from './errors.js';
import { scanRawHeaders, setGatewayHeaders, writeRawHead } from './raw-headers.js';
import { MAX_REDIRECTS, nextRedirect, SENSITIVE_ON_HOST_CHANGE } from './redirect.js';
import type { HeaderMap } from './types.js';

/**
 * One no-op exchange as a raw undici dispatch handler (the legacy callbacks undici calls without
 * a wrapper): response headers are filtered and written once, body chunks go straight to the
 * client with backpressure, redirects are followed as Go does, and every failure ends in an
 * answer (500 before the headers) or a closed client connection (after them).
 */
export interface CallShared {
  deps: PipeDeps;
  prefix: string;
  timeoutMs: number;
  returnErrorMsg: boolean;
  followRedirects: boolean;
  /** A static proxy whose strategy matches a failure: answer 200 with no body instead. */
  staticOnError: boolean;
  method: string;
  /** Time each exchange (`onBackendCall`, or the request's call list). */
  observe: boolean;
  /** Fill the request's call list (dashboard), set on {@link PassthroughCall.calls}. */
  observeCalls: boolean;
  /** `Server-Timing` on the answer, from the request's call list. */
  serverTiming?: (calls: readonly BackendCallRecord[]) => string;
  /** `X-Krakend`'s value (`Version 2.13.8`), on every answer. */
  versionHeader: string;
}

const kCall = Symbol('krakend-connect.passthrough');

type CallResponse = ServerResponse & { [kCall]?: PassthroughCall };

/** Registers the call on its response with shared listeners (no per-request closures). */
export function attachCall(res: ServerResponse, call: PassthroughCall): void {
  (res as CallResponse)[kCall] = call;
  res.on('close', onClientClose);
  res.on('drain', onClientDrain);
}

/**
 * `writableEnded`, not `writableFinished`: Node's HTTP/2 compat response reports finished once
 * the client resets the stream, which would read as "we answered" and leave the backend running.
 */
function onClientClose(this: CallResponse): void {
  const call = this[kCall];
  if (call && !this.writableEnded) call.clientGone();
}

function onClientDrain(this: CallResponse): void {
  this[kCall]?.resumeBackend();
}

function expireCall(call: PassthroughCall): void {
  call.expire();
}

/** One proxied exchange: an undici (legacy) dispatch handler. */
export class PassthroughCall implements Dispatcher.DispatchHandler {
  private abortFn: ((err?: Error) => void) | undefined;
  private resume: (() => void) | undefined;
  private gone = false;
  private headersDone = false;
  private redirect:
    { url: string; method: string; keepBody: boolean; referer?: string } | undefined;
  private gunzip: Gunzip | undefined;
  private hops = 0;
  private started = 0;
  private askedGzip: boolean;
  private retried = false;
  private redirectFrom = '';
  /**
   * The endpoint timeout until the final response's headers, across redirects (KrakenD's
   * context deadline). undici's own headers timeout stays as a backstop, but it starts only on a
   * socket (a queued call would wait without bound) and its timers have a 0.5-1 s resolution:
   * a 300 ms timeout fired after a second.
   */
  private deadline: NodeJS.Timeout | undefined;
  /** Answered with a failure: later callbacks of the call change nothing. */
  private failed = false;
  private expired = false;
  private redirectReferer: string | undefined;
  /** The request's backend call list (dashboard, `Server-Timing`), when observed. */
  calls: BackendCallRecord[] | undefined = undefined;

  constructor(
    private readonly s: CallShared,
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
    const sendHeaders =
      this.hops === 0 ? flattenHeaders(this.headers, this.body) : this.redirectHeaders();
    if (this.askedGzip) sendHeaders.push('Accept-Encoding', 'gzip');
    let dispatcher: Dispatcher;
    try {
      dispatcher = this.s.deps.dispatchers.get(origin);
    } catch (err) {
      this.fail(err);
      return;
    }
    // Once per call: a redirect hop or the reset retry keeps the first deadline.
    if (this.hops === 0 && !this.retried && this.s.timeoutMs > 0) {
      this.deadline = setTimeout(expireCall, this.s.timeoutMs, this);
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

  /** The endpoint timeout passed before any answer: KrakenD's 500, and the call is dropped. */
  expire(): void {
    this.deadline = undefined;
    if (this.headersDone || this.gone || this.expired) return;
    this.expired = true;
    this.fail(deadlineExceeded()); // aborts the call too
  }

  private clearDeadline(): void {
    if (this.deadline === undefined) return;
    clearTimeout(this.deadline);
    this.deadline = undefined;
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
      if (k === 'Content-Length' && (this.body === null || Buffer.isBuffer(this.body))) continue;
      if (!sameHost && SENSITIVE_ON_HOST_CHANGE.has(k)) continue;
      if (k === 'Referer') referer = true;
      if (k === 'User-Agent') continue;
      for (const v of this.headers[k]!) out.push(k, v);
    }
    if (!referer && this.redirectReferer) out.push('Referer', this.redirectReferer);
    pushUserAgent(out, this.headers);
    return out;
  }

  clientGone(): void {
    this.gone = true;
    this.clearDeadline();
    this.abortFn?.(contextCanceled());
    this.gunzip?.destroy();
  }

  resumeBackend(): void {
    this.resume?.();
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortFn = abort;
    if (this.gone) abort(contextCanceled());
    else if (this.expired) abort(deadlineExceeded());
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (statusCode < 200 || this.failed) return true;
    this.resume = resume;
    const res = this.res;
    const head = scanRawHeaders(rawHeaders, this.askedGzip);
    if (this.s.followRedirects && head.location !== undefined) {
      const sentBody = this.body !== null;
      let step;
      try {
        step = nextRedirect(statusCode, this.method, this.url, head.location, sentBody, !sentBody);
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
    this.clearDeadline();
    try {
      // Before the backend's own headers, which may add more `Server-Timing` metrics.
      const timing = this.s.serverTiming && this.calls ? this.s.serverTiming(this.calls) : undefined;
      writeRawHead(res, statusCode, head, this.s.versionHeader, timing);
    } catch (err) {
      this.fail(err);
      return false;
    }
    this.headersDone = true;
    if (head.gzip) {
      const gunzip = (this.gunzip = createGunzip());
      gunzip.on('error', (err) => {
        // Logged as a failed body is (onError): the client only sees the connection close.
        this.s.deps.logger.error(`${this.s.prefix} gzip: ${err.message}`);
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
    if (this.failed) return; // answered already (an expiry fails the call too)
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
    this.clearDeadline();
    const e = code === 'UND_ERR_HEADERS_TIMEOUT' ? deadlineExceeded() : err;
    if (this.headersDone) {
      this.s.deps.logger.error(`${this.s.prefix} ${toError(e).message}`);
      this.gunzip?.destroy();
      this.res.destroy();
      return;
    }
    this.fail(e === err ? networkError(this.s.method, this.url, err) : e);
  }

  /** A reused socket the backend closed as we wrote: a bodiless idempotent call can go again. */
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
    const ms = Math.round((performance.now() - this.started) * 100) / 100;
    const { method, url } = this;
    const rec: BackendCallRecord = { method, url, status, ms, source: 'live' };
    if (error !== undefined) rec.error = error;
    this.calls?.push(rec);
    const observer = this.s.deps.onBackendCall;
    if (!observer) return;
    try {
      observer(rec);
    } catch {
      // observers never break a request
    }
  }

  /** An answer before any backend header reached the client: KrakenD's 500 (DECISIONS.md 12). */
  private fail(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.clearDeadline();
    const e = toError(err);
    // The backend may still hold a connection for this call (a bad redirect, a head Node
    // refused): abort it, or the pool keeps that socket until the process ends.
    const abort = this.abortFn;
    this.abortFn = undefined;
    abort?.(e);
    this.record(0, e.message);
    this.s.deps.logger.error(`${this.s.prefix} ${e.message}`);
    const res = this.res;
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    setGatewayHeaders(res, this.s.versionHeader);
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
