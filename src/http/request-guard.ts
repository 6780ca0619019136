import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

/**
 * What Node's HTTP parser accepts but an HTTP server must refuse (reliability.md §6 rows 8, 11):
 * a second `Host` header (RFC 9112 §3.2: "MUST respond with a 400"; Go's server says
 * `too many Host headers`), a transfer coding other than a final `chunked` (row 2), and a `#`
 * in the request target, which no client sends and which Vite refuses first in its stack
 * (CVE-2025-32395) because a check and a use may disagree on where the path ends.
 */
export function requestProblem(req: IncomingMessage): string | undefined {
  if (req.url !== undefined && req.url.includes('#')) return 'malformed request target';
  // RFC 9112 §3.2 (Go: `missing required Host header`); HTTP/2 carries `:authority` instead.
  if (req.httpVersionMajor === 1 && req.httpVersionMinor === 1 && req.headers.host === undefined) {
    return 'missing required Host header';
  }
  const te = req.headers['transfer-encoding'];
  if (te !== undefined && !lastCodingIsChunked(te)) return 'unsupported transfer encoding';
  const raw = req.rawHeaders;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host' && ++hosts > 1) {
      return 'too many Host headers';
    }
  }
  return undefined;
}

/**
 * RFC 9112 §6.3: a request whose last transfer coding is not `chunked` has no knowable length.
 * Node's parser refuses it only once it reads the body, after the request reached the handlers
 * (which had already dialed the backend and logged the abort as an error).
 */
function lastCodingIsChunked(te: string): boolean {
  const comma = te.lastIndexOf(',');
  return te.slice(comma + 1).trim().toLowerCase() === 'chunked';
}

/** Go's `400 Bad Request: <why>` answer; the connection is not reused after it (HTTP/1). */
export function writeBadRequest(req: IncomingMessage, res: ServerResponse, why: string): void {
  const body = `400 Bad Request: ${why}`;
  const headers: Record<string, string | number> = {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  };
  if (req.httpVersionMajor === 1) headers['Connection'] = 'close';
  res.writeHead(400, headers);
  res.end(body);
}

/** A declared body over `max_payload` (router option): 413 before any backend call. */
export function payloadTooLarge(req: IncomingMessage, limit: number): number | undefined {
  const declared = Number(req.headers['content-length']);
  return declared > limit ? declared : undefined;
}

export function writePayloadTooLarge(
  req: IncomingMessage,
  res: ServerResponse,
  declared: number,
  limit: number,
  endpoint: string,
  logger: Logger,
): void {
  const why = `request body of ${declared} bytes is over max_payload (${limit} bytes)`;
  logger.warn(`[ENDPOINT: ${endpoint}] ${why}`);
  const body = `413 Payload Too Large: the request body is over ${limit} bytes`;
  const headers: Record<string, string | number> = {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  };
  // The body is never read, so the connection cannot carry another request.
  if (req.httpVersionMajor === 1) headers['Connection'] = 'close';
  res.writeHead(413, headers);
  res.end(body);
}
