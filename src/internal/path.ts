/** The path part of a request target (no query, no fragment). */
export function pathOf(url: string | undefined): string {
  if (!url) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export function queryOf(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  return q === -1 ? '' : url.slice(q + 1);
}

/** Go's path.Clean for URL paths, used by the fixed-path redirect. */
export function cleanPath(p: string): string {
  if (p === '') return '/';
  const rooted = p.startsWith('/');
  const trailing = p.length > 1 && p.endsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  let r = (rooted ? '/' : '') + out.join('/');
  if (trailing && r !== '/') r += '/';
  return r || '/';
}
