import type { Decoder, DecoderFactory } from './types.js';

/** `string`: the whole body under `content`. */
export const stringDecoder: Decoder = (body) => ({ content: body.toString('utf8') });

export const newStringDecoder: DecoderFactory = () => stringDecoder;
