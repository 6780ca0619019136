import { createServer, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { ResolvedConfig } from '../types.js';

/**
 * The CLI's `http.Server` settings: KrakenD's service keys where the config sets them
 * (`read_header_timeout`, `read_timeout`, `idle_timeout`, `max_header_bytes`,
 * `max_shutdown_wait_time`), else bounded defaults for a dev server (reliability.md §1.12).
 */
export interface ServerSettings {
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  /** Node's 16 KiB unless `max_header_bytes` says otherwise (KrakenD's own default is 1 MB). */
  maxHeaderSize?: number;
  /** How long SIGTERM waits for in-flight requests before closing their sockets. */
  shutdownGraceMs: number;
}

const DEFAULT_HEADERS_TIMEOUT = 20_000;
const DEFAULT_SHUTDOWN_GRACE = 10_000;
/** Node checks its header and request timeouts only on this tick (30 s by default). */
const CHECK_INTERVAL = 1000;

export function serverSettings(config: ResolvedConfig | undefined): ServerSettings {
  const t = config?.server;
  // Go: a zero ReadHeaderTimeout falls back to ReadTimeout, a zero IdleTimeout too.
  const requestTimeout = t?.readTimeoutMs ?? 0;
  let headersTimeout = t?.readHeaderTimeoutMs || requestTimeout || DEFAULT_HEADERS_TIMEOUT;
  if (requestTimeout > 0) headersTimeout = Math.min(headersTimeout, requestTimeout);
  const idle = t?.idleTimeoutMs || requestTimeout;
  return {
    headersTimeout,
    requestTimeout,
    keepAliveTimeout: idle || 5000,
    maxHeaderSize: config && config.maxHeaderBytes > 0 ? config.maxHeaderBytes : undefined,
    // KrakenD's 0 waits forever; the CLI promises a bounded stop (INTERFACE.md).
    shutdownGraceMs: t?.maxShutdownWaitMs || DEFAULT_SHUTDOWN_GRACE,
  };
}

export function createCliServer(app: RequestListener, settings: ServerSettings): Server {
  const server = createServer(
    {
      connectionsCheckingInterval: CHECK_INTERVAL,
      // Node would answer a bare, empty 400; the request guard answers Go's (request-guard.ts).
      requireHostHeader: false,
      ...(settings.maxHeaderSize ? { maxHeaderSize: settings.maxHeaderSize } : {}),
    },
    app,
  );
  server.headersTimeout = settings.headersTimeout;
  server.requestTimeout = settings.requestTimeout;
  server.keepAliveTimeout = settings.keepAliveTimeout;
  server.on('connect', refuseConnect);
  return server;
}

/**
 * `CONNECT host:port`: Node hands it to a `connect` listener and, with none, drops the socket
 * without an answer. KrakenD's router has no route for it: Go's 404 (a browser pointed at the
 * gateway as its proxy gets an answer that says so).
 */
function refuseConnect(_req: unknown, socket: Duplex): void {
  socket.on('error', () => {});
  const body = '404 page not found';
  socket.end(
    'HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n' +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Statuses Node's own `clientError` default gives (kept: a listener replaces the default). */
const CLIENT_ERROR_STATUS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
};

/**
 * A request the parser refused (smuggling shapes, bare CR/LF, oversize headers) or a client too
 * slow to send its headers: a bare status and a closed connection, never a half answer on a
 * socket that already carries a response. The limits a developer runs into (431 for a pile of
 * cookies, 413, 408) are logged at WARN with the limit to change; malformed requests at DEBUG.
 */
export function answerClientError(err: Error, socket: Duplex, logger?: Logger): void {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const busy = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || busy?.headersSent || code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const limit = CLIENT_ERROR_STATUS[code];
  const status = limit ?? '400 Bad Request';
  const line = `[SERVICE: Gin] ${status}: ${code || err.message}`;
  if (limit) logger?.warn(`${line}${LIMIT_HINT[code] ?? ''}`);
  else logger?.debug(line);
  socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
}

const LIMIT_HINT: Record<string, string> = {
  HPE_HEADER_OVERFLOW: ' (the request headers are over max_header_bytes, default 16 KiB)',
  ERR_HTTP_REQUEST_TIMEOUT: ' (the request took longer than read_header_timeout/read_timeout)',
};
