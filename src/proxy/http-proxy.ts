import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { getDecoder } from '../encoding/index.js';
import { GatewayError } from '../errors.js';
import type { BackendCallRecord, ResolvedBackend } from '../types.js';
import type { BackendReply } from './backend-call.js';
import type { BackendExchange } from './client-plugin.js';
import type { PipeDeps, TransportReply } from './deps.js';
import { toError } from './errors.js';
import { createFormatter } from './formatter.js';
import { MAX_BACKEND_BODY, plainCollectedBody, readReply } from './read-body.js';
import { dropStream } from './response.js';
import { createStatusHandler, isSuccessStatus } from './status.js';
import {
  NO_HEADERS,
  type Proxy,
  type ProxyContext,
  type ProxyRequest,
  type ProxyResponse,
} from './types.js';

/**
 * The innermost stage of a backend (lura `proxy/http.go`): the exchange, then the status handler,
 * the decoder and the formatter; a `no-op` backend keeps status, headers and the unread body.
 */
export interface HttpProxyOptions {
  backend: ResolvedBackend;
  luraTemplate: string;
  exchange: BackendExchange;
  deps: PipeDeps;
  /** Deadline for response headers only (no-op endpoints stream without one). */
  headersTimeout?: number;
}

function record(deps: PipeDeps, ctx: ProxyContext, rec: BackendCallRecord): void {
  ctx.calls?.push(rec);
  try {
    deps.onBackendCall?.(rec);
  } catch {
    // an observer must never break a request
  }
}

/** Where a failed call was headed, when a mocking layer said so (`GatewayError` context). */
function failedCall(err: Error): Pick<BackendCallRecord, 'source' | 'file' | 'note'> {
  const c = (err as { context?: Partial<Record<'source' | 'file' | 'note', unknown>> }).context;
  const out: Pick<BackendCallRecord, 'source' | 'file' | 'note'> = { source: 'live' };
  if (!c) return out;
  if (typeof c.source === 'string') out.source = c.source as BackendCallRecord['source'];
  if (typeof c.file === 'string') out.file = c.file;
  if (typeof c.note === 'string') out.note = c.note;
  return out;
}

function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}

export function noopBody(reply: BackendReply): Readable {
  if (!reply.gunzip) return reply.body;
  return pipeline(reply.body, createGunzip(), () => {});
}

/**
 * The stage, written with `then` rather than as an `async` function: it runs twice per merged
 * request, and an async function's frame (its promise, generator and register file) was ~200
 * bytes more per call than the one reaction below (docs/performance.md).
 */
export function createHttpProxy(options: HttpProxyOptions): Proxy {
  const { backend, deps, exchange } = options;
  const noop = backend.encoding === 'no-op';
  const decode = getDecoder(backend.encoding, backend.isCollection);
  const format = createFormatter(backend);
  const status = createStatusHandler(backend, options.luraTemplate, backend.method);
  const observer = deps.onBackendCall !== undefined;

  /** The exchange failed: recorded, and the deadline's reason wins over the network's. */
  function failed(ctx: ProxyContext, req: ProxyRequest, started: number, err: unknown): never {
    const e = ctx.signal.aborted ? toError(ctx.signal.reason) : toError(err);
    if (started >= 0) {
      const ms = roundMs(performance.now() - started);
      const { method, url } = req;
      const rec = { method, url, status: 0, ms, error: e.message, ...failedCall(toError(err)) };
      record(deps, ctx, rec);
    }
    throw e;
  }

  /** The answer: recorded, then kept as a stream (no-op) or read, decoded and formatted. */
  function answered(
    ctx: ProxyContext,
    req: ProxyRequest,
    started: number,
    reply: TransportReply,
  ): ProxyResponse | Promise<ProxyResponse> {
    if (started >= 0) {
      const rec: BackendCallRecord = {
        method: req.method,
        url: req.url,
        status: reply.statusCode,
        ms: roundMs(performance.now() - started),
        source: reply.source ?? 'live',
      };
      if (reply.file !== undefined) rec.file = reply.file;
      if (reply.note !== undefined) rec.note = reply.note;
      record(deps, ctx, rec);
    }
    if (ctx.signal.aborted) {
      if (!reply.collected) dropStream(reply.body);
      throw toError(ctx.signal.reason);
    }
    if (noop) {
      return {
        data: {},
        isComplete: true,
        io: noopBody(reply),
        metadata: { statusCode: reply.statusCode, headers: reply.headers },
      };
    }
    if (isSuccessStatus(reply.statusCode)) {
      const plain = plainCollectedBody(reply);
      if (plain !== undefined) return decoded(plain, reply.statusCode);
    }
    return readAndDecode(ctx, reply);
  }

  function decoded(body: Buffer, statusCode: number): ProxyResponse {
    let data: Record<string, unknown> | null;
    try {
      data = decode(body);
    } catch (err) {
      throw new GatewayError('KC_BACKEND_DECODE', toError(err).message, { cause: err });
    }
    if (format) data = format(data);
    return { data, isComplete: true, metadata: { statusCode, headers: NO_HEADERS } };
  }

  /** A failed status, a streamed or gzipped body: the asynchronous path. */
  async function readAndDecode(ctx: ProxyContext, reply: TransportReply): Promise<ProxyResponse> {
    try {
      if (!isSuccessStatus(reply.statusCode)) return await status(reply);
      return decoded(await readReply(reply), reply.statusCode);
    } catch (err) {
      if (ctx.signal.aborted) throw toError(ctx.signal.reason);
      throw err;
    }
  }

  return function httpProxy(ctx, req): Promise<ProxyResponse> {
    const started = observer || ctx.calls !== undefined ? performance.now() : -1;
    let pending: Promise<TransportReply>;
    try {
      pending = exchange.exchange({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: req.body,
        signal: ctx.signal,
        followRedirects: exchange.followRedirects,
        headersTimeout: options.headersTimeout,
        params: req.params,
        collectLimit: noop ? undefined : MAX_BACKEND_BODY,
      });
    } catch (err) {
      pending = Promise.reject(err);
    }
    return pending.then(
      (reply) => answered(ctx, req, started, reply),
      (err: unknown) => failed(ctx, req, started, err),
    );
  };
}
