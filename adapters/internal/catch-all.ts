/**
 * The gateway path of a Next catch-all route (DECISIONS 26): the raw request pathname minus the
 * route's prefix, where the prefix is whatever precedes the catch-all segments. Raw, so encoded
 * params (`%2F`) reach the gateway's checks as sent.
 */
export function catchAllPath(pathname: string, segments: readonly string[] | undefined): string {
  if (segments === undefined) return pathname;
  const trailing = pathname.length > 1 && pathname.endsWith('/');
  const parts = pathname.split('/').slice(1);
  if (trailing) parts.pop();
  if (segments.length === 0 || segments.length > parts.length) return '/';
  return `/${parts.slice(parts.length - segments.length).join('/')}${trailing ? '/' : ''}`;
}

/** The catch-all segments of App Router `params`: the (last) array-valued param. */
export function segmentsFromParams(params: unknown): readonly string[] | undefined {
  if (!params || typeof params !== 'object') return undefined;
  let found: readonly string[] | undefined;
  for (const value of Object.values(params as Record<string, unknown>)) {
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) found = value;
  }
  return found;
}

/**
 * The catch-all segments of a Pages Router `req.query`, which also holds the query string: the
 * array whose items are the decoded tail of the path.
 */
export function segmentsFromQuery(pathname: string, query: unknown): readonly string[] | undefined {
  if (!query || typeof query !== 'object') return undefined;
  const parts = pathname.split('/').slice(1);
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  for (const value of Object.values(query as Record<string, unknown>)) {
    if (!Array.isArray(value) || value.length === 0 || value.length > parts.length) continue;
    const tail = parts.slice(parts.length - value.length).map(safeDecode);
    if (tail.every((p, i) => p === value[i])) return value as string[];
  }
  return undefined;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
