// lura `config/uri.go`: a host must match this (unanchored) pattern exactly once.
const HOST_PATTERN = /(https?:\/\/)?([a-zA-Z0-9._-]+)(:[0-9]{2,6})?\/?/g;

/** KrakenD's host sanitization: default scheme `http://`, one trailing `/` dropped. */
export function cleanHost(host: string): string | undefined {
  const matches = [...host.matchAll(HOST_PATTERN)];
  if (matches.length !== 1) return undefined;
  const [, scheme, name, port] = matches[0]!;
  return `${scheme ?? 'http://'}${name}${port ?? ''}`;
}

export function invalidHostMessage(host: string): string {
  return `host ${host} not valid: invalid host`;
}
