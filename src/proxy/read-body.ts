import { promisify } from 'node:util';
import { gunzip as gunzipCb } from 'node:zlib';
import { GatewayError } from '../errors.js';
import { contentEncodingOf, type BackendReply } from './backend-call.js';
import type { Collected } from './collect-call.js';
import { dropStream } from './response.js';

const gunzip = promisify(gunzipCb);

/** Decoded backend bodies are held in memory: capped before and after gzip (reliability.md §3). */
export const MAX_BACKEND_BODY = 32 * 1024 * 1024;

function tooLarge(): GatewayError {
  return new GatewayError('KC_BACKEND_TOO_LARGE', `backend body over ${MAX_BACKEND_BODY} bytes`);
}

/** The whole body of a reply, gzip undone (lura decodes `Content-Encoding: gzip` itself too). */
export async function readReply(reply: BackendReply, limit = MAX_BACKEND_BODY): Promise<Buffer> {
  const raw = reply.collected
    ? collectedBody(reply.collected, limit)
    : await readStream(reply, limit);
  const encoding = reply.headers['Content-Encoding']?.[0]?.toLowerCase();
  if (encoding === 'br') {
    // Node 20's Brotli decoder is affected by CVE-2026-111497: never feed it backend bytes.
    throw new GatewayError(
      'KC_BACKEND_DECODE',
      'refusing a Content-Encoding: br body (CVE-2026-111497)',
    );
  }
  if (!reply.gunzip && encoding !== 'gzip') return raw;
  try {
    return await gunzip(raw, { maxOutputLength: limit });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
    throw new GatewayError('KC_BACKEND_DECODE', `gzip: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The body of a reply read whole and not encoded, at once (what {@link readReply} would resolve
 * with); undefined when it needs the asynchronous path (a stream, gzip, or a failure to throw).
 */
export function plainCollectedBody(reply: BackendReply): Buffer | undefined {
  const got = reply.collected;
  if (got === undefined || got.failure || got.tooLarge || got.size > MAX_BACKEND_BODY) return undefined;
  if (reply.gunzip || contentEncodingOf(reply) !== undefined) return undefined;
  return collectedBody(got, MAX_BACKEND_BODY);
}

function collectedBody(got: Collected, limit: number): Buffer {
  if (got.failure) throw got.failure;
  if (got.tooLarge || got.size > limit) throw tooLarge();
  return got.chunks.length === 1 ? got.chunks[0]! : Buffer.concat(got.chunks, got.size);
}

async function readStream(reply: BackendReply, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of reply.body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      reply.body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

/** Frees the connection of a body nobody will read. */
export function discard(reply: BackendReply): void {
  if (reply.collected) return; // read whole already: the connection is back in the pool
  const body = reply.body as unknown as { dump?: () => Promise<void> };
  if (typeof body.dump === 'function') body.dump().catch(() => {});
  else dropStream(reply.body);
}
