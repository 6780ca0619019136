import { RawNumber } from '../encoding/go-json.js';

export type DataMap = Record<string, unknown>;

/** A decoded JSON object (Go's `map[string]interface{}`), not an array, number or buffer. */
export function isMap(v: unknown): v is DataMap {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof RawNumber) &&
    !(v instanceof Uint8Array)
  );
}

export function newMap(): DataMap {
  return {};
}

/** Sets a key even when it is `__proto__` (decoded data may carry any key). */
export function setKey(m: DataMap, k: string, v: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(m, k, { value: v, enumerable: true, writable: true, configurable: true });
  else m[k] = v;
}

export function hasOwn(m: DataMap, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, k);
}
