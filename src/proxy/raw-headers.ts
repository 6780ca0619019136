import { ServerResponse } from 'node:http';
import { connectionListed, HOP_BY_HOP } from './headers.js';

/**
 * Backend response headers as undici hands them to a raw dispatch handler (latin1 buffers), read
 * once: what the redirect logic and the gzip decision need, and what goes to the client.
 */
export interface RawHead {
  names: string[];
  values: string[];
  location: string | undefined;
  connection: string | undefined;
  /** The body is gzip the gateway asked for itself (Go's transport would undo it). */
  gzip: boolean;
}

export function scanRawHeaders(raw: readonly Buffer[], askedGzip: boolean): RawHead {
  const head: RawHead = {
    names: [],
    values: [],
    location: undefined,
    connection: undefined,
    gzip: false,
  };
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    const value = raw[i + 1]!.toString('latin1');
    const lower = name.toLowerCase();
    if (lower === 'location') head.location = value;
    else if (lower === 'connection') head.connection = value;
    else if (lower === 'content-encoding' && askedGzip && value.toLowerCase() === 'gzip') {
      head.gzip = true;
    }
    head.names.push(name);
    head.values.push(value);
  }
  return head;
}

/** `X-Krakend` and `X-Krakend-Completed: false`: what every no-op answer, failed or not, carries. */
export function setGatewayHeaders(res: ServerResponse, versionHeader: string): void {
  res.setHeader('X-Krakend', versionHeader);
  res.setHeader('X-Krakend-Completed', 'false');
}

/**
 * Nothing was set on the response yet (no CORS, plugin or fault header) and it is Node's own
 * HTTP/1 response: its head can go to `writeHead` as one array, which spares Node its
 * per-response header map.
 */
export function headUntouched(res: ServerResponse): boolean {
  return res instanceof ServerResponse && res.getHeaderNames().length === 0;
}

/**
 * Writes the status, the gateway's own `X-Krakend`, `X-Krakend-Completed: false` and
 * `Server-Timing`, then the backend headers, minus hop-by-hop, `Trailer` and `Connection`-listed
 * names (reliability.md §1.1, §1.5), minus the encoding and length of a body the gateway ungzips.
 * The backend's lines are added, never replacing the gateway's (Go's `Header().Add`). When
 * nothing set a header before (the usual no-op answer over HTTP/1.1), every line goes to
 * `writeHead` as one array, which spares Node its per-response header map; otherwise they join
 * the headers already set.
 */
export function writeRawHead(
  res: ServerResponse,
  status: number,
  head: RawHead,
  versionHeader: string,
  serverTiming: string | undefined,
): void {
  let lines: string[] | undefined;
  if (headUntouched(res)) {
    lines = ['X-Krakend', versionHeader, 'X-Krakend-Completed', 'false'];
    if (serverTiming !== undefined) lines.push('Server-Timing', serverTiming);
  } else {
    setGatewayHeaders(res, versionHeader);
    if (serverTiming !== undefined) res.appendHeader('Server-Timing', serverTiming);
  }
  const listed = connectionListed(head.connection);
  for (let i = 0; i < head.names.length; i++) {
    const name = head.names[i]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || listed?.has(lower)) continue;
    if (head.gzip && (lower === 'content-encoding' || lower === 'content-length')) continue;
    if (lines) lines.push(name, head.values[i]!);
    else res.appendHeader(name, head.values[i]!);
  }
  if (lines) res.writeHead(status, lines);
  else res.writeHead(status);
}
