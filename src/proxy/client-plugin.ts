import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { ClientHandler } from '../plugin.js';
import type { ResolvedBackend } from '../types.js';
import {
  callBackend,
  flattenHeaders,
  toHeaderMap,
  type BackendCall,
  type BackendReply,
} from './backend-call.js';
import { toAbortSignal } from './cancel.js';
import type { BackendTransport, PipeDeps, TransportReply } from './deps.js';
import { toError } from './errors.js';

/**
 * How one backend talks to the network: the pooled client, or a `plugin/http-client` handler
 * (behaviour §5.3) taking a WHATWG `Request` and answering a `Response`, which then goes through
 * the normal status check, decoder and formatter. `no-redirect` is KrakenD's own client plugin
 * and is built in: the default client without following redirects (DECISIONS.md 13).
 */
export type Exchange = (call: BackendCall) => Promise<TransportReply>;

export interface BackendExchange {
  exchange: Exchange;
  followRedirects: boolean;
}

const NAMESPACE = 'plugin/http-client';
const LEGACY = 'github.com/devopsfaith/krakend/transport/http/client/executor';

function pluginConfig(backend: ResolvedBackend): Record<string, unknown> | undefined {
  const v = backend.extra[NAMESPACE] ?? backend.extra[LEGACY];
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function toRequest(call: BackendCall): Request {
  const headers = new Headers();
  const flat = flattenHeaders(call.headers, call.body);
  for (let i = 0; i < flat.length; i += 2) headers.append(flat[i]!, flat[i + 1]!);
  const withBody = call.body !== null && call.method !== 'GET' && call.method !== 'HEAD';
  const body = !withBody
    ? undefined
    : Buffer.isBuffer(call.body)
      ? call.body
      : (Readable.toWeb(call.body as Readable) as unknown as ReadableStream);
  return new Request(call.url, {
    method: call.method,
    headers,
    body,
    signal: toAbortSignal(call.signal),
    redirect: 'manual',
    ...(body ? { duplex: 'half' } : {}),
  } as RequestInit);
}

function fromResponse(res: Response, url: string): BackendReply {
  const raw: Record<string, string | string[]> = {};
  res.headers.forEach((v, k) => {
    if (k !== 'set-cookie') raw[k] = v;
  });
  const cookies = res.headers.getSetCookie?.() ?? [];
  if (cookies.length > 0) raw['set-cookie'] = cookies;
  const body = res.body
    ? Readable.fromWeb(res.body as unknown as NodeReadableStream<Uint8Array>)
    : Readable.from([]);
  return { statusCode: res.status, headers: toHeaderMap(raw), body, url, gunzip: false };
}

export function createBackendExchange(
  backend: ResolvedBackend,
  logPrefix: string,
  deps: PipeDeps,
  transport?: BackendTransport,
): BackendExchange {
  const live = (call: BackendCall): Promise<BackendReply> => callBackend(deps.dispatchers, call);
  const network: Exchange = transport ? (call) => transport(call, live) : live;
  // A mock file stands in for the whole backend, client plugin included.
  if (transport && backend.mock) return { exchange: network, followRedirects: true };
  const cfg = pluginConfig(backend);
  const name = cfg?.['name'];
  if (typeof name !== 'string' || name === '') return { exchange: network, followRedirects: true };
  if (name === 'no-redirect') return { exchange: network, followRedirects: false };
  const registered = deps.plugins?.clients.get(name);
  if (!registered) {
    deps.logger.debug(`${logPrefix} No plugin registered as ${name}`);
    return { exchange: network, followRedirects: true };
  }
  let handler: Promise<ClientHandler | undefined> | undefined;
  const init = async (): Promise<ClientHandler | undefined> => {
    try {
      const h = await registered.factory(deps.plugins!.context(name), cfg!);
      if (typeof h !== 'function')
        throw new Error(`the factory of ${name} did not return a function`);
      deps.logger.debug(`${logPrefix} Injecting plugin ${name}`);
      return h;
    } catch (err) {
      deps.logger.warn(`${logPrefix} Error getting the plugin handler: ${toError(err).message}`);
      return undefined;
    }
  };
  return {
    followRedirects: false,
    exchange: async (call) => {
      handler ??= init();
      const h = await handler;
      if (!h) return network({ ...call, followRedirects: true });
      const res = await h(toRequest(call));
      if (!res || typeof (res as Response).status !== 'number') {
        throw new Error(`${logPrefix} plugin ${name} did not return a Response`);
      }
      return { ...fromResponse(res, call.url), source: 'plugin' };
    },
  };
}
