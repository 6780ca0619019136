import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { GatewayError } from '../errors.js';
import type { BackendCall } from '../proxy/backend-call.js';
import { bufferBody } from '../proxy/body.js';
import type { BackendTransport, TransportReply } from '../proxy/deps.js';
import { toError } from '../proxy/errors.js';
import type { HeaderMap } from '../proxy/types.js';
import type { ResolvedEndpoint } from '../types.js';
import { answerMock, type MockAnswer, type MockDefaults, type MockRequest } from './mock-answer.js';
import type { MockModule } from './mock-module.js';

/**
 * A backend answered by a mock file or folder instead of the network
 * (`"krakend-connect/mock"`). The answer then goes through the backend's usual status check,
 * decoder, filters and merge, as a live one would.
 */
export interface MockLookup {
  /** The module answering this call and the params its location binds, or a reason it has none. */
  find(
    method: string,
    path: string,
  ): Promise<{ module: MockModule; shown: string; params: Record<string, string> } | string>;
}

function lowerHeaders(headers: HeaderMap): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in headers) out[k.toLowerCase()] = headers[k]!.join(', ');
  return out;
}

/** The endpoint's params under their written names (`id`), from the pipe's (`Id`). */
function endpointParams(endpoint: ResolvedEndpoint, call: BackendCall): Record<string, string> {
  const out: Record<string, string> = {};
  const given = call.params ?? {};
  for (const name of endpoint.params) {
    const v = given[name.charAt(0).toUpperCase() + name.slice(1)];
    if (v !== undefined) out[name] = v;
  }
  return out;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** RFC 9110 §8.6: no `Content-Length` on a 1xx or a 204 (nor a 304, which mirrors a 200). */
export function bodiless(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

function reply(call: BackendCall, a: MockAnswer, file: string, note?: string): TransportReply {
  if (!bodiless(a.status)) a.headers['Content-Length'] = [String(a.body.length)];
  return {
    statusCode: a.status,
    headers: a.headers,
    body: Readable.from(a.body.length > 0 ? [a.body] : []),
    url: call.url,
    gunzip: false,
    source: 'mock',
    file,
    ...(note ? { note } : {}),
  };
}

export function mockTransport(
  endpoint: ResolvedEndpoint,
  lookup: MockLookup,
  defaults: MockDefaults,
  logger: Logger,
  prefix: string,
): BackendTransport {
  return async function mockBackend(call) {
    const url = new URL(call.url);
    const found = await lookup.find(call.method, url.pathname);
    if (typeof found === 'string') {
      logger.warn(`${prefix} ${found}`);
      const body = Buffer.from(JSON.stringify({ error: found }));
      const headers = Object.create(null) as HeaderMap;
      headers['Content-Type'] = ['application/json'];
      return reply(call, { status: 404, headers, body }, '', 'no mock file');
    }
    const text = (await bufferBody(call.body))?.toString('utf8') ?? '';
    const req: MockRequest = {
      method: call.method,
      url: call.url,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      searchParams: url.searchParams,
      params: { ...endpointParams(endpoint, call), ...found.params },
      headers: lowerHeaders(call.headers),
      body: text,
      json: parseJson(text),
    };
    let answer: MockAnswer;
    try {
      answer = await answerMock(found.module, req, defaults);
    } catch (err) {
      const e = toError(err);
      logger.error({ err: e }, `${prefix} mock ${found.shown} failed: ${e.message}`);
      throw new GatewayError('KC_BACKEND_UNAVAILABLE', `mock ${found.shown}: ${e.message}`, {
        cause: err,
        context: { source: 'mock', file: found.shown },
      });
    }
    if (call.signal.aborted) throw call.signal.reason;
    return reply(call, answer, found.shown);
  };
}
