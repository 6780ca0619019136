/** Decoded backend data: an object, or `null` for a JSON `null` body (behaviour §3.1). */
export type Decoded = Record<string, unknown> | null;

/** Turns a whole backend body into data; throws when the body does not fit the encoding. */
export type Decoder = (body: Buffer) => Decoded;

/** `encoding` + `is_collection` → decoder, built once per backend. */
export type DecoderFactory = (isCollection: boolean) => Decoder;
