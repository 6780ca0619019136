/** A location in the config document: object keys and array indexes. */
export type JsonPath = readonly (string | number)[];

const PLAIN_KEY = /^[A-Za-z0-9_$@#/-]+$/;

/** `['endpoints', 2, 'backend', 0]` → `endpoints[2].backend[0]`; odd keys are quoted. */
export function formatPath(path: JsonPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (!PLAIN_KEY.test(seg)) out += `[${JSON.stringify(seg)}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** A stable map key for a path (keys may contain any character). */
export function pathKey(path: JsonPath): string {
  return path.map((s) => (typeof s === 'number' ? `#${s}` : `.${s}`)).join('\u0000');
}
