import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { GatewayError } from '../errors.js';
import type { RequestBody } from './types.js';

/** Bodies the gateway must hold in memory (merges, modifiers, retries) are capped. */
export const MAX_BUFFERED_REQUEST = 32 * 1024 * 1024;

interface ParsedRequest extends IncomingMessage {
  body?: unknown;
}

/** Whether the client sent a body at all (a POST without one still goes out with length 0). */
export function hasBody(req: IncomingMessage): boolean {
  const h = req.headers;
  if (h['transfer-encoding'] !== undefined) return true;
  const cl = h['content-length'];
  if (cl !== undefined) return cl !== '0' && cl.trim() !== '0';
  if (req.httpVersionMajor === 2) {
    const stream = (req as unknown as { stream?: { endAfterHeaders?: boolean } }).stream;
    return stream?.endAfterHeaders === false;
  }
  return false;
}

/**
 * The body to forward: the client stream, or (after a host body parser consumed it) the parsed
 * `req.body` serialised back, or null.
 */
export function requestBody(req: IncomingMessage): RequestBody {
  const parsed = (req as ParsedRequest).body;
  const consumed = req.readableEnded || (req.complete && !req.readable);
  if (consumed || (parsed !== undefined && !req.readable)) {
    return parsed === undefined ? null : serialiseParsed(parsed, req.headers['content-type']);
  }
  return hasBody(req) ? req : null;
}

function serialiseParsed(body: unknown, contentType: string | undefined): Buffer | null {
  if (body === undefined || body === null) return null;
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.length);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (typeof body === 'object' && /application\/x-www-form-urlencoded/i.test(contentType ?? '')) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      for (const item of Array.isArray(v) ? v : [v]) params.append(k, String(item));
    }
    return Buffer.from(params.toString(), 'utf8');
  }
  return Buffer.from(JSON.stringify(body), 'utf8');
}

/** Reads a streamed body whole (bounded); buffers and null pass through. */
export async function bufferBody(
  body: RequestBody,
  limit = MAX_BUFFERED_REQUEST,
): Promise<Buffer | null> {
  if (body === null || Buffer.isBuffer(body)) return body;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as Readable) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > limit) {
      body.destroy();
      throw new GatewayError('KC_BODY_TOO_LARGE', `request body over ${limit} bytes`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks, size);
}

/** The same bytes again for another backend (a buffer is shared, a stream cannot be). */
export function replayable(body: RequestBody): boolean {
  return body === null || Buffer.isBuffer(body);
}
