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
import { createStatusHandler, isSuccessStatus } from './status.js';
import { NO_HEADERS, type Proxy, type ProxyContext, type ProxyResponse } from './types.js';

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

export function createHttpProxy(options: HttpProxyOptions): Proxy {
  const { backend, deps, exchange } = options;
  const noop = backend.encoding === 'no-op';
  const decode = getDecoder(backend.encoding, backend.isCollection);
  const format = createFormatter(backend);
  const status = createStatusHandler(backend, options.luraTemplate, backend.method);
  const observer = deps.onBackendCall !== undefined;

  return async function httpProxy(ctx, req): Promise<ProxyResponse> {
    const observe = observer || ctx.calls !== undefined;
    const started = observe ? performance.now() : 0;
    let reply: TransportReply;
    try {
      reply = await exchange.exchange({
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
      const e = ctx.signal.aborted ? toError(ctx.signal.reason) : toError(err);
      if (observe) {
        const ms = roundMs(performance.now() - started);
        const { method, url } = req;
        const rec = { method, url, status: 0, ms, error: e.message, ...failedCall(toError(err)) };
        record(deps, ctx, rec);
      }
      throw e;
    }
    if (observe) {
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
      if (!reply.collected) reply.body.destroy();
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
    try {
      if (!isSuccessStatus(reply.statusCode)) return await status(reply);
      const body = plainCollectedBody(reply) ?? (await readReply(reply));
      let data: Record<string, unknown> | null;
      try {
        data = decode(body);
      } catch (err) {
        throw new GatewayError('KC_BACKEND_DECODE', toError(err).message, { cause: err });
      }
      if (format) data = format(data);
      return {
        data,
        isComplete: true,
        metadata: { statusCode: reply.statusCode, headers: NO_HEADERS },
      };
    } catch (err) {
      if (ctx.signal.aborted) throw toError(ctx.signal.reason);
      throw err;
    }
  };
}
