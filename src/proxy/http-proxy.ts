import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { getDecoder } from '../encoding/index.js';
import { GatewayError } from '../errors.js';
import type { BackendCallRecord, ResolvedBackend } from '../types.js';
import type { BackendReply } from './backend-call.js';
import type { BackendExchange } from './client-plugin.js';
import type { PipeDeps } from './deps.js';
import { toError } from './errors.js';
import { createFormatter } from './formatter.js';
import { readReply } from './read-body.js';
import { createStatusHandler } from './status.js';
import { emptyHeaders, type Proxy, type ProxyResponse } from './types.js';

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

function record(deps: PipeDeps, rec: BackendCallRecord): void {
  try {
    deps.onBackendCall?.(rec);
  } catch {
    // an observer must never break a request
  }
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
  const observe = deps.onBackendCall !== undefined;

  return async function httpProxy(ctx, req): Promise<ProxyResponse> {
    const started = observe ? performance.now() : 0;
    let reply: BackendReply & { source?: BackendCallRecord['source'] };
    try {
      reply = await exchange.exchange({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: req.body,
        signal: ctx.signal,
        followRedirects: exchange.followRedirects,
        headersTimeout: options.headersTimeout,
      });
    } catch (err) {
      const e = ctx.signal.aborted ? toError(ctx.signal.reason) : toError(err);
      if (observe) {
        const ms = performance.now() - started;
        record(deps, {
          method: req.method,
          url: req.url,
          status: 0,
          ms,
          error: e.message,
          source: 'live',
        });
      }
      throw e;
    }
    if (observe) {
      const ms = performance.now() - started;
      record(deps, {
        method: req.method,
        url: req.url,
        status: reply.statusCode,
        ms,
        source: reply.source ?? 'live',
      });
    }
    if (ctx.signal.aborted) {
      reply.body.destroy();
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
      const failed = await status(reply);
      if (failed) return failed;
      const body = await readReply(reply);
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
        metadata: { statusCode: reply.statusCode, headers: emptyHeaders() },
      };
    } catch (err) {
      if (ctx.signal.aborted) throw toError(ctx.signal.reason);
      throw err;
    }
  };
}
