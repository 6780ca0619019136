/**
 * JSON as Go's encoding/json writes it (behaviour §3.6): object keys sorted byte-wise, `<`, `>`,
 * `&`, U+2028 and U+2029 escaped, no trailing newline.
 */
export function goStringify(value: unknown): string {
  return escapeGo(JSON.stringify(value, sortedReplacer) ?? 'null');
}

/** Keep insertion order (Go structs): only the escaping is Go's. */
export function goStringifyOrdered(value: unknown): string {
  return escapeGo(JSON.stringify(value) ?? 'null');
}

export function escapeGo(json: string): string {
  return /[<>&\u2028\u2029]/.test(json)
    ? json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : json;
}

function sortedReplacer(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = (value as Record<string, unknown>)[k];
  return out;
}
