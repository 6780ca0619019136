import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { replyWith } from '../proxy/backend-call.js';
import type { CancelSignal } from '../proxy/cancel.js';
import type { BackendTransport } from '../proxy/deps.js';
import { networkError } from '../proxy/errors.js';
import type { FaultOptions } from '../types.js';
import { timingMetric } from './server-timing.js';

/**
 * `krakend-connect/faults` (README: Local API mocking): latency and failures on purpose, so a front end's
 * loading states and error handling can be seen. The delay hits every call; `rate` of the calls
 * then fail with the status or a reset connection instead of being served. On an endpoint the
 * client gets the failure itself; on a backend the gateway sees it as that backend's answer.
 */
export interface FaultRoll {
  delayMs: number;
  fail: boolean;
}

export function rollFault(f: FaultOptions, random: () => number = Math.random): FaultRoll {
  const delayMs = f.delay
    ? Math.round(f.delay.minMs + random() * (f.delay.maxMs - f.delay.minMs))
    : 0;
  const failing = f.status !== undefined || f.reset;
  return { delayMs, fail: failing && (f.rate >= 1 || random() < f.rate) };
}

/** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
export function sleep(ms: number, signal?: CancelSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const FAULT_HEADER = 'X-Krakend-Connect-Fault';

type Handler = (req: IncomingMessage, res: ServerResponse, params: Record<string, string>) => void;

/** A connection reset, as a dropped backend or proxy would do it (TCP RST on HTTP/1). */
function resetConnection(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket as (typeof req.socket & { resetAndDestroy?: () => void }) | undefined;
  if (req.httpVersionMajor === 1 && typeof socket?.resetAndDestroy === 'function') {
    socket.resetAndDestroy();
  } else {
    res.destroy();
  }
}

/** An endpoint's faults around its handler; built once per endpoint that asks for them. */
export function withEndpointFaults(
  handler: Handler,
  faults: FaultOptions,
  versionHeader: string,
  serverTiming = false,
): Handler {
  const status = faults.status ?? 500;
  return function faultyEndpoint(req, res, params) {
    const roll = rollFault(faults);
    const go = (): void => {
      if (res.destroyed || res.writableEnded) return;
      if (!roll.fail) return handler(req, res, params);
      if (faults.reset) return resetConnection(req, res);
      res.statusCode = status;
      res.setHeader('X-Krakend', versionHeader);
      res.setHeader('X-Krakend-Completed', 'false');
      res.appendHeader(FAULT_HEADER, `status ${status}`);
      if (faults.body === undefined) return void res.end();
      res.setHeader('Content-Type', faults.contentType!);
      res.end(faults.body);
    };
    if (roll.delayMs <= 0) return go();
    res.appendHeader(FAULT_HEADER, `delay ${roll.delayMs}ms`);
    if (serverTiming) {
      res.appendHeader('Server-Timing', timingMetric('fault', 'injected delay', roll.delayMs));
    }
    const timer = setTimeout(go, roll.delayMs);
    res.once('close', () => clearTimeout(timer));
  };
}

/** A backend's faults, outside whatever answers for it (network, recording or mock). */
export function faultTransport(faults: FaultOptions): BackendTransport {
  const status = faults.status ?? 500;
  const body = Buffer.from(faults.body ?? '');
  return async function injectFault(call, next) {
    const roll = rollFault(faults);
    if (roll.delayMs > 0) await sleep(roll.delayMs, call.signal);
    const delay = roll.delayMs > 0 ? `injected delay ${roll.delayMs}ms` : undefined;
    if (!roll.fail) {
      const reply = await next(call);
      if (!delay) return reply;
      const note = (reply as { note?: string }).note;
      return replyWith(reply, { note: note ? `${delay}; ${note}` : delay });
    }
    const note = delay ? `${delay}; ` : '';
    if (faults.reset) {
      const cause = Object.assign(new Error('injected reset'), { code: 'ECONNRESET' });
      const err = networkError(call.method, call.url, cause);
      Object.assign(err.context, { source: 'fault', note: `${note}injected fault: reset` });
      throw err;
    }
    const headers = Object.create(null) as Record<string, string[]>;
    if (faults.contentType) headers['Content-Type'] = [faults.contentType];
    headers['Content-Length'] = [String(body.length)];
    headers[FAULT_HEADER] = [`status ${status}`];
    return {
      statusCode: status,
      headers,
      body: Readable.from(body.length > 0 ? [body] : []),
      url: call.url,
      gunzip: false,
      source: 'fault',
      note: `${note}injected fault: status ${status}`,
    };
  };
}

/** A short summary for people (dashboard): `delay 100–2000ms, status 503 for 30% of calls`. */
export function describeFaults(f: FaultOptions): string {
  const parts: string[] = [];
  if (f.delay) {
    const { minMs, maxMs } = f.delay;
    parts.push(minMs === maxMs ? `delay ${minMs}ms` : `delay ${minMs}–${maxMs}ms`);
  }
  const failure = f.reset ? 'reset' : f.status !== undefined ? `status ${f.status}` : undefined;
  if (failure)
    parts.push(f.rate >= 1 ? failure : `${failure} for ${Math.round(f.rate * 100)}% of calls`);
  return parts.join(', ');
}
