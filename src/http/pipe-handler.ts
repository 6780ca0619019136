import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError, isGatewayError } from '../errors.js';
import { getState } from '../internal/request-state.js';
import { isReplayMissing, markBackendCalls } from '../mock/response-marks.js';
import { serverTimingValue } from '../mock/server-timing.js';
import { Cancel } from '../proxy/cancel.js';
import {
  contextCanceled,
  deadlineExceeded,
  errorBody,
  errorStatus,
  MultiError,
  toError,
} from '../proxy/errors.js';
import { createPipe } from '../proxy/factory.js';
import { hasKeys } from '../proxy/query.js';
import { headUntouched } from '../proxy/raw-headers.js';
import { createClientRequestReader, createProxyRequest } from '../proxy/request.js';
import { copyResponseHeaders, dropStream } from '../proxy/response.js';
import type { ProxyResponse } from '../proxy/types.js';
import type { BackendCallRecord, ResolvedEndpoint } from '../types.js';
import type { EndpointDeps, EndpointHandler } from './endpoint.js';
import { writeNoop } from './noop-render.js';
import { getBodyRender } from './render.js';
import { isWebSocketUpgrade, rejectUpgradeResponse } from './upgrade-reject.js';

/**
 * lura's endpoint handler (`router/gin/endpoint.go`, behaviour §3.7) over the pipe: the deadline
 * (the whole pipe; for no-op only until the backend's headers), `X-Krakend`,
 * `X-Krakend-Completed`, `Cache-Control` on complete non-empty data, `[ENDPOINT: …]` error logs,
 * the error status when there is no response, else the render.
 */
export interface HandlerStrings {
  versionHeader: string;
  userAgent: string;
}

/** lura's `headerResponseError`: an error may carry headers for the client. */
function addErrorHeaders(res: ServerResponse, err: Error): void {
  const headers = (err as { headers?: unknown }).headers;
  if (typeof headers !== 'object' || headers === null) return;
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
    for (const value of Array.isArray(v) ? v : [v]) {
      try {
        res.appendHeader(k, String(value));
      } catch {
        // a header Node refuses is dropped
      }
    }
  }
}

function onDeadline(cancel: Cancel): void {
  cancel.abort(deadlineExceeded());
}

const kCancel = Symbol('krakend-connect.cancel');
type CancelResponse = ServerResponse & { [kCancel]?: Cancel };

/**
 * The client left before the answer: the pipe is cancelled. One shared listener, the request's
 * `Cancel` in a slot on the response (no closure per request). Not `writableFinished`: an HTTP/2
 * stream reset reports it true (see passthrough-call.ts).
 */
function onClientClose(this: CancelResponse): void {
  if (!this.writableEnded) this[kCancel]?.abort(contextCanceled());
}

export function createPipeHandler(
  endpoint: ResolvedEndpoint,
  deps: EndpointDeps,
  strings: HandlerStrings,
): EndpointHandler {
  const noop = endpoint.outputEncoding === 'no-op';
  const pipe = createPipe(endpoint, deps, noop ? { headersTimeout: endpoint.timeoutMs } : {});
  const bodyRender = getBodyRender(endpoint);
  const read = createClientRequestReader(endpoint, deps.config, strings.userAgent);
  const { versionHeader } = strings;
  const cacheOn = endpoint.cacheTtlSeconds !== 0;
  const cacheControl = `public, max-age=${Math.trunc(endpoint.cacheTtlSeconds)}`;
  const prefix = `[ENDPOINT: ${endpoint.routePath}]`;
  const returnErrorMsg = deps.config.router.returnErrorMsg;
  const serverTiming = deps.serverTiming !== undefined;
  const observeCalls = deps.observeCalls === true;
  const { logger } = deps;

  function logError(err: Error): void {
    if (err instanceof MultiError) {
      err.errors.forEach((e, i) => logger.error(`${prefix} Error #${i}: ${e.message}`));
    } else {
      logger.error(`${prefix} ${err.message}`);
    }
  }

  /**
   * The usual answer, data encoded and nothing set on the response before: every line goes to
   * `writeHead` as one array, in the order the general path sets them. Undefined when that does
   * not apply.
   */
  function headLines(
    res: ServerResponse,
    response: ProxyResponse | null,
    calls: readonly BackendCallRecord[] | undefined,
  ): string[] | undefined {
    if (!headUntouched(res)) return undefined;
    if (response !== null && hasKeys(response.metadata.headers)) return undefined;
    const lines = ['X-Krakend', versionHeader];
    if (calls !== undefined && calls.length > 0) {
      if (calls.some((c) => c.source === 'replay')) return undefined; // their marks: general path
      if (serverTiming) lines.push('Server-Timing', serverTimingValue(calls));
    }
    return lines;
  }

  function answer(
    req: IncomingMessage,
    res: ServerResponse,
    response: ProxyResponse | null,
    err: Error | undefined,
    calls: readonly BackendCallRecord[] | undefined,
  ): void {
    // A response with data: its headers are copied, and it is complete when it says so.
    const withData = response !== null && hasKeys(response.data) ? response : null;
    const complete = withData?.isComplete === true;
    const lines = !err && bodyRender ? headLines(res, response, calls) : undefined;
    if (lines !== undefined) {
      if (complete && cacheOn) lines.push('Cache-Control', cacheControl);
      const { type, body } = bodyRender!(req, response);
      lines.push('X-Krakend-Completed', complete ? 'true' : 'false', 'Content-Type', type);
      lines.push('Content-Length', String(Buffer.byteLength(body)));
      res.writeHead(res.statusCode, lines);
      res.end(body);
      return;
    }
    res.setHeader('X-Krakend', versionHeader);
    if (calls !== undefined) markBackendCalls(res, calls, serverTiming);
    if (complete && cacheOn) res.setHeader('Cache-Control', cacheControl);
    // The no-op render copies the backend's headers itself: copied here too, a response modifier
    // that gave a no-op answer data sent each header twice (two Content-Length lines, which
    // Node's fetch refuses). lura has the same double copy; one copy is what clients can read.
    if (withData && bodyRender !== undefined) copyResponseHeaders(res, withData.metadata.headers);
    res.setHeader('X-Krakend-Completed', complete ? 'true' : 'false');
    if (err) logError(err);
    if (err && response === null) {
      addErrorHeaders(res, err);
      // The rest of an over-limit body is never read: the connection cannot carry another request.
      if (isGatewayError(err) && err.code === 'KC_BODY_TOO_LARGE' && req.httpVersionMajor === 1) {
        res.setHeader('Connection', 'close');
      }
      const missing = isReplayMissing(err);
      res.statusCode = missing ? 502 : errorStatus(err);
      if (!returnErrorMsg && !missing) {
        res.end();
        return;
      }
      const { body, contentType } = errorBody(err);
      res.setHeader('Content-Type', contentType ?? 'text/plain; charset=utf-8');
      res.end(body);
      return;
    }
    if (bodyRender === undefined) return writeNoop(req, res, response);
    const { type, body } = bodyRender(req, response);
    res.setHeader('Content-Type', type);
    res.end(body);
  }

  /** The client's answer once the pipe settled. */
  function finish(
    req: IncomingMessage,
    res: ServerResponse,
    cancel: Cancel,
    calls: BackendCallRecord[] | undefined,
    response: ProxyResponse | null,
    failure: Error | undefined,
  ): void {
    // The proxy's error: a failure, or the one kept beside data (a partial merge, static data
    // over a failed backend, which lura's static proxy returns with its data).
    let err = failure ?? response?.error;
    // lura: a context that ended while the proxy still said "no error" is an internal error.
    if (!err && cancel.aborted) {
      err = new GatewayError('KC_BACKEND_TIMEOUT', 'internal server error');
    }
    if (res.destroyed || res.writableEnded) {
      dropStream(response?.io);
      if (err) logError(err);
      return;
    }
    answer(req, res, response, err, calls);
  }

  /** {@link finish}, and a last answer if that threw. */
  function settle(
    req: IncomingMessage,
    res: ServerResponse,
    cancel: Cancel,
    timer: NodeJS.Timeout,
    calls: BackendCallRecord[] | undefined,
    response: ProxyResponse | null,
    failure: Error | undefined,
  ): void {
    clearTimeout(timer);
    try {
      finish(req, res, cancel, calls, response, failure);
    } catch (e) {
      logger.error(`${prefix} ${toError(e).message}`);
      if (res.headersSent) res.destroy();
      else {
        res.setHeader('X-Krakend', versionHeader);
        res.statusCode = 500;
        res.end();
      }
    }
  }

  /**
   * Written with `then` rather than as an `async` function: its frame was ~200 bytes per request
   * more than the one reaction (docs/performance.md).
   */
  return function endpointHandler(req, res, params) {
    if (!noop && isWebSocketUpgrade(req)) {
      res.setHeader('X-Krakend', versionHeader);
      rejectUpgradeResponse(res);
      return;
    }
    const cancel = new Cancel();
    const timer = setTimeout(onDeadline, endpoint.timeoutMs, cancel);
    (res as CancelResponse)[kCancel] = cancel;
    res.on('close', onClientClose);
    const calls = observeCalls ? getState(req)?.backends : undefined;
    let pending: Promise<ProxyResponse | null>;
    try {
      pending = pipe({ signal: cancel, calls }, createProxyRequest(req, params, read));
    } catch (e) {
      pending = Promise.reject(e);
    }
    pending.then(
      (response) => settle(req, res, cancel, timer, calls, response, undefined),
      (e: unknown) => settle(req, res, cancel, timer, calls, null, toError(e)),
    );
  };
}
