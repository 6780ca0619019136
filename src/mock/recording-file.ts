import { findSyntaxError } from '../config/json-scan.js';
import { createPositionMap, lineColumn, type Position } from '../config/positions.js';
import { GatewayError } from '../errors.js';
import { HOP_BY_HOP } from '../proxy/headers.js';
import type { HeaderMap } from '../proxy/types.js';
import { isSecretHeader, type RecordingKey } from './recording-key.js';

/**
 * A recording as a file people read and diff: pretty JSON, sorted headers, no timestamps, the
 * body as JSON when it is compact JSON (so replay gives back the very bytes), as text when it
 * is UTF-8, else base64. Response headers that change on every call (`Date`), that the body's
 * new framing replaces (`Content-Length`, `Content-Encoding`: bodies are stored decoded), and
 * secrets (`Set-Cookie`…) are not written.
 */
export interface RecordedResponse {
  status: number;
  headers: HeaderMap;
  body: Buffer;
}

const DROPPED = new Set(['date', 'content-length', 'content-encoding', 'age']);

function keptHeaders(headers: HeaderMap): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name of Object.keys(headers).sort()) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || DROPPED.has(lower) || isSecretHeader(name)) continue;
    const values = headers[name]!;
    out[name] = values.length === 1 ? values[0]! : [...values];
  }
  return out;
}

function bodyField(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  const text = body.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(body)) return { bodyBase64: body.toString('base64') };
  try {
    const value: unknown = JSON.parse(text);
    if (JSON.stringify(value) === text) return { body: value };
  } catch {
    // not JSON: kept as text
  }
  return { bodyText: text };
}

export function recordingText(key: RecordingKey, res: RecordedResponse): string {
  const doc = {
    request: {
      method: key.method,
      url: key.url,
      ...(Object.keys(key.headers).length > 0 ? { headers: key.headers } : {}),
      ...(key.bodySha256 ? { bodySha256: key.bodySha256 } : {}),
    },
    response: { status: res.status, headers: keptHeaders(res.headers), ...bodyField(res.body) },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function invalid(file: string, message: string, { line, column }: Position): GatewayError {
  return new GatewayError('KC_REPLAY_MISSING', `${file}:${line}:${column} ${message}`, {
    file,
    line,
    column,
  });
}

/** A recording file read back; a file edited into a broken state says where. */
export function parseRecording(text: string, file: string): RecordedResponse {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const found = findSyntaxError(text) ?? { offset: 0, message: 'invalid JSON' };
    throw invalid(file, found.message, lineColumn(text, found.offset));
  }
  const res = (doc as { response?: unknown } | null)?.response as
    Record<string, unknown> | undefined;
  if (typeof res !== 'object' || res === null || typeof res['status'] !== 'number') {
    // At the node that is wrong (or its nearest parent), with its JSON path.
    const path = typeof res === 'object' && res !== null ? ['response', 'status'] : ['response'];
    const message = `${path.join('.')}: a recording needs "response": {"status": <number>, …}`;
    throw invalid(file, message, createPositionMap(text).locate(path));
  }
  const headers = Object.create(null) as HeaderMap;
  const raw = res['headers'];
  if (typeof raw === 'object' && raw !== null) {
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
      headers[k] = (Array.isArray(v) ? v : [v]).map(String);
    }
  }
  let body = Buffer.alloc(0);
  if (res['bodyBase64'] !== undefined) body = Buffer.from(String(res['bodyBase64']), 'base64');
  else if (res['bodyText'] !== undefined) body = Buffer.from(String(res['bodyText']), 'utf8');
  else if (res['body'] !== undefined) body = Buffer.from(JSON.stringify(res['body']), 'utf8');
  return { status: res['status'], headers, body };
}
