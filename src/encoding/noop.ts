import type { Decoder, DecoderFactory } from './types.js';

/** `no-op`: never decoded; the body streams to the client as it is. */
export const noopDecoder: Decoder = () => ({});

export const newNoopDecoder: DecoderFactory = () => noopDecoder;
