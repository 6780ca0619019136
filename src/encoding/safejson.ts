import { parseJson } from './go-json.js';
import type { Decoder, DecoderFactory } from './types.js';

/** `safejson`: objects as they are, arrays under `collection`, anything else under `content`. */
export const safeJsonDecoder: Decoder = (body) => {
  const v = parseJson(body.toString('utf8'));
  if (Array.isArray(v)) return { collection: v };
  if (v !== null && typeof v === 'object') return v as Record<string, unknown>;
  return { content: v };
};

export const newSafeJsonDecoder: DecoderFactory = () => safeJsonDecoder;
