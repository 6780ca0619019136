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

function bodyTooLarge(limit: number): GatewayError {
  return new GatewayError('KC_BODY_TOO_LARGE', `request body over ${limit} bytes`);
}

/**
 * Reads a streamed body whole (bounded); buffers and null pass through. A declared length over
 * the limit is refused before reading; a stream that passes it is paused, not destroyed, so the
 * 413 still reaches the client (destroying a request closes its socket).
 */
export function bufferBody(
  body: RequestBody,
  limit = MAX_BUFFERED_REQUEST,
): Promise<Buffer | null> {
  if (body === null || Buffer.isBuffer(body)) return Promise.resolve(body);
  const stream = body as Readable & Partial<Pick<IncomingMessage, 'headers'>>;
  const declared = Number(stream.headers?.['content-length']);
  if (declared > limit) return Promise.reject(bodyTooLarge(limit));
  if (stream.readableEnded) return Promise.resolve(Buffer.alloc(0));
  if (stream.destroyed) return Promise.reject(new Error('the request body was cut short'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: Error): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer | string): void => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += b.length;
      if (size > limit) {
        stream.pause();
        chunks.length = 0;
        done(bodyTooLarge(limit));
        return;
      }
      chunks.push(b);
    };
    const onEnd = (): void => done();
    const onError = (err: Error): void => done(err);
    const onClose = (): void => done(new Error('the request body was cut short'));
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/** The same bytes again for another backend (a buffer is shared, a stream cannot be). */
export function replayable(body: RequestBody): boolean {
  return body === null || Buffer.isBuffer(body);
}
