import type { ServerResponse } from 'node:http';
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

/**
 * Writes the status and the backend headers, minus hop-by-hop, `Trailer` and `Connection`-listed
 * names (reliability.md §1.1, §1.5), minus the encoding and length of a body the gateway ungzips.
 */
export function writeRawHead(res: ServerResponse, status: number, head: RawHead): void {
  const listed = connectionListed(head.connection);
  for (let i = 0; i < head.names.length; i++) {
    const lower = head.names[i]!.toLowerCase();
    if (HOP_BY_HOP.has(lower) || listed?.has(lower)) continue;
    if (head.gzip && (lower === 'content-encoding' || lower === 'content-length')) continue;
    res.appendHeader(head.names[i]!, head.values[i]!);
  }
  res.writeHead(status);
}
