import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { splitUrl } from '../proxy/backend-call.js';
import { deadlineExceeded, networkError, toError } from '../proxy/errors.js';
import { HOP_BY_HOP } from '../proxy/headers.js';
import { createHostPicker } from '../proxy/hosts.js';
import { encodeQuery, filterQuery } from '../proxy/query.js';
import { createClientRequestReader, toProxyParams } from '../proxy/request.js';
import { compileUrlPattern } from '../proxy/url-pattern.js';
import type { ResolvedEndpoint } from '../types.js';
import type { EndpointDeps, UpgradeHandler } from './endpoint.js';
import { handlerStrings } from './strings.js';

/**
 * WebSocket upgrades through a no-op endpoint (INTERFACE.md, DECISIONS.md 16/17): the handshake
 * goes to the backend with `Upgrade`, `Connection`, `Sec-WebSocket-*` and `Origin` whatever
 * `input_headers` says, bounded by the endpoint timeout; once the backend switches protocols the
 * two sockets are piped with no deadline, and either side closing closes the other.
 */
const HANDSHAKE = /^(upgrade|connection|origin|sec-websocket-.*)$/i;

function statusLine(code: number, text: string, extra: string): string {
  return `HTTP/1.1 ${code} ${text}\r\n${extra}Connection: close\r\nContent-Length: 0\r\n\r\n`;
}

function rawHeaderBlock(raw: readonly string[], keepHopByHop: boolean): string {
  let out = '';
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (!keepHopByHop && (HOP_BY_HOP.has(lower) || lower === 'content-length')) continue;
    out += `${name}: ${raw[i + 1]}\r\n`;
  }
  return out;
}

export function createUpgradeHandler(
  endpoint: ResolvedEndpoint,
  deps: EndpointDeps,
): UpgradeHandler | undefined {
  if (endpoint.outputEncoding !== 'no-op' || endpoint.backends.length !== 1) return undefined;
  const backend = endpoint.backends[0]!;
  const strings = handlerStrings(deps);
  const template = compileUrlPattern(backend.urlPattern, endpoint.wildcard);
  const pick = createHostPicker(backend.hosts);
  const read = createClientRequestReader(endpoint, deps.config, strings.userAgent);
  const prefix = `[ENDPOINT: ${endpoint.routePath}]`;
  const { logger } = deps;
  const krakend = `X-Krakend: ${strings.versionHeader}\r\nX-Krakend-Completed: false\r\n`;

  return function upgradeHandler(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    params: Record<string, string>,
  ) {
    socket.on('error', () => socket.destroy());
    let url: string;
    const headers: string[] = [];
    try {
      const client = read(req);
      const proxyParams = toProxyParams(params);
      const path = template.render({
        params: proxyParams,
        headers: client.headers,
        query: client.query,
      });
      const host = pick(proxyParams);
      const query = encodeQuery(
        backend.inputQueryStrings.length > 0
          ? filterQuery(client.query, backend.inputQueryStrings, false)
          : client.query,
      );
      url = host.base + path;
      if (query) url += (url.includes('?') ? '&' : '?') + query;
      for (const k in client.headers) {
        if (HANDSHAKE.test(k)) continue;
        if (backend.inputHeaders.length > 0 && !backend.inputHeaders.includes(k)) continue;
        for (const v of client.headers[k]!) headers.push(k, v);
      }
      const raw = req.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) {
        if (HANDSHAKE.test(raw[i]!) && raw[i]!.toLowerCase() !== 'connection')
          headers.push(raw[i]!, raw[i + 1]!);
      }
      headers.push('Connection', 'Upgrade');
    } catch (err) {
      logger.error(`${prefix} ${toError(err).message}`);
      socket.end(statusLine(500, 'Internal Server Error', krakend));
      return;
    }
    let target: { origin: string; path: string };
    try {
      target = splitUrl(url);
    } catch (err) {
      logger.error(`${prefix} ${toError(err).message}`);
      socket.end(statusLine(500, 'Internal Server Error', krakend));
      return;
    }
    const u = new URL(target.origin);
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    let proxyReq: ReturnType<typeof send>;
    try {
      proxyReq = send({
        protocol: u.protocol,
        hostname: u.hostname,
        port: u.port || undefined,
        path: target.path,
        method: 'GET',
        headers,
        agent: false,
      });
    } catch (err) {
      // Node refuses some header values synchronously (ERR_INVALID_CHAR): answer, never throw.
      logger.error(`${prefix} ${toError(err).message}`);
      socket.end(statusLine(500, 'Internal Server Error', krakend));
      return;
    }
    const timer = setTimeout(() => proxyReq.destroy(deadlineExceeded()), endpoint.timeoutMs);
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      logger.error(`${prefix} ${err.message}`);
      if (!socket.destroyed) socket.end(statusLine(500, 'Internal Server Error', krakend));
    };
    socket.once('close', () => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        proxyReq.destroy();
      }
    });
    proxyReq.on('error', (err) => {
      const e = err.message === 'context deadline exceeded' ? err : networkError('GET', url, err);
      fail(e);
    });
    proxyReq.on('response', (res) => {
      if (settled) {
        res.destroy();
        return;
      }
      settled = true;
      clearTimeout(timer);
      socket.write(
        `HTTP/1.1 ${res.statusCode} ${res.statusMessage ?? ''}\r\n${krakend}` +
          `${rawHeaderBlock(res.rawHeaders, false)}Connection: close\r\n\r\n`,
      );
      res.on('error', () => socket.destroy());
      res.pipe(socket);
    });
    proxyReq.on('upgrade', (res, backendSocket, backendHead) => {
      if (settled) {
        backendSocket.destroy();
        return;
      }
      settled = true;
      clearTimeout(timer);
      backendSocket.on('error', () => socket.destroy());
      socket.on('error', () => backendSocket.destroy());
      backendSocket.once('close', () => socket.destroy());
      socket.once('close', () => backendSocket.destroy());
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\n${rawHeaderBlock(res.rawHeaders, true)}\r\n`,
      );
      if (backendHead.length > 0) socket.write(backendHead);
      if (head.length > 0) backendSocket.write(head);
      backendSocket.pipe(socket);
      socket.pipe(backendSocket);
    });
    proxyReq.end();
  };
}
