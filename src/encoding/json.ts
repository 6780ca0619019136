import { parseJson } from './go-json.js';
import type { Decoded, Decoder, DecoderFactory } from './types.js';

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return 'number';
}

/** `json`: the body must hold an object (first value only); `null` decodes to no data. */
export const jsonDecoder: Decoder = (body) => {
  const v = parseJson(body.toString('utf8'));
  if (v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new Error(
      `json: cannot unmarshal ${kindOf(v)} into Go value of type map[string]interface {}`,
    );
  }
  return v as Record<string, unknown>;
};

/** `json` + `is_collection`: the body must hold an array, wrapped as `{"collection": [...]}`. */
export const jsonCollectionDecoder: Decoder = (body): Decoded => {
  const v = parseJson(body.toString('utf8'));
  if (v !== null && !Array.isArray(v)) {
    const kind = typeof v === 'object' ? 'object' : kindOf(v);
    throw new Error(`json: cannot unmarshal ${kind} into Go value of type []interface {}`);
  }
  return { collection: v };
};

export const newJsonDecoder: DecoderFactory = (isCollection) =>
  isCollection ? jsonCollectionDecoder : jsonDecoder;
