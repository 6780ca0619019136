import type { IncomingMessage, ServerResponse } from 'node:http';
import { getState } from '../internal/request-state.js';
import type { ResolvedConfig, ResolvedEndpoint } from '../types.js';
import { requestBody } from './body.js';
import type { PipeDeps } from './deps.js';
import { errorStatus, toError } from './errors.js';
import { createHostPicker, type HostPicker } from './hosts.js';
import { attachCall, PassthroughCall, type CallShared } from './passthrough-call.js';
import { encodeQuery, filterQuery } from './query.js';
import { setGatewayHeaders } from './raw-headers.js';
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

interface Shared extends CallShared {
  template: UrlTemplate;
  pick: HostPicker;
  read: ClientRequestReader;
  backendQuery: readonly string[] | undefined;
  backendHeaders: readonly string[] | undefined;
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
    staticOnError:
      endpoint.static !== undefined && staticMatcher(endpoint.static)(null, new Error('failed')),
    method: backend.method,
    template: compileUrlPattern(backend.urlPattern, endpoint.wildcard),
    pick: createHostPicker(backend.hosts),
    read: createClientRequestReader(endpoint, deps.config, spec.userAgent),
    backendQuery: backend.inputQueryStrings.length > 0 ? backend.inputQueryStrings : undefined,
    backendHeaders: backend.inputHeaders.length > 0 ? backend.inputHeaders : undefined,
    observe: deps.onBackendCall !== undefined || deps.observeCalls === true,
    observeCalls: deps.observeCalls === true,
    serverTiming: deps.serverTiming,
  };

  return function passthroughHandler(req, res, params) {
    let call: PassthroughCall;
    try {
      // `X-Krakend` and `X-Krakend-Completed` go out with the answer's head (writeRawHead) or
      // with a failure (PassthroughCall.fail), never set ahead: the head is then one array.
      const { headers: clientHeaders, query: clientQuery } = shared.read(req);
      const query = shared.backendQuery
        ? filterQuery(clientQuery, shared.backendQuery, false)
        : clientQuery;
      let headers = clientHeaders;
      if (shared.backendHeaders) {
        headers = Object.create(null) as HeaderMap;
        for (const name of shared.backendHeaders) {
          const v = clientHeaders[name];
          if (v !== undefined) headers[name] = v;
        }
      }
      const proxyParams = toProxyParams(params);
      const path = shared.template.render({
        params: proxyParams,
        headers: clientHeaders,
        query: clientQuery,
      });
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
      call = new PassthroughCall(shared, res, first, url, shared.method, headers, body);
      if (shared.observeCalls) call.calls = getState(req)?.backends;
    } catch (err) {
      const e = toError(err);
      deps.logger.error(`${shared.prefix} ${e.message}`);
      if (!res.headersSent) {
        res.statusCode = errorStatus(e);
        setGatewayHeaders(res, shared.versionHeader);
      }
      res.end();
      return;
    }
    attachCall(res, call);
    call.start();
  };
}
