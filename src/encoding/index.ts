import type { Encoding } from '../types.js';
import { newJsonDecoder } from './json.js';
import { newNoopDecoder } from './noop.js';
import { newRssDecoder } from './rss.js';
import { newSafeJsonDecoder } from './safejson.js';
import { newStringDecoder } from './string.js';
import type { Decoder, DecoderFactory } from './types.js';
import { newXmlDecoder } from './xml.js';

/** The backend decoders of KrakenD CE (lura's four plus krakend-xml and krakend-rss). */
const DECODERS: Readonly<Record<Encoding, DecoderFactory>> = {
  json: newJsonDecoder,
  safejson: newSafeJsonDecoder,
  string: newStringDecoder,
  xml: newXmlDecoder,
  rss: newRssDecoder,
  'no-op': newNoopDecoder,
};

/** Unknown names decode as json, as KrakenD's registry falls back. */
export function getDecoder(encoding: string, isCollection: boolean): Decoder {
  const factory = DECODERS[encoding as Encoding] ?? newJsonDecoder;
  return factory(isCollection);
}

export { parseJson, RawNumber, stringifyGo, goStruct, quoteGo } from './go-json.js';
export type { Decoded, Decoder, DecoderFactory } from './types.js';
