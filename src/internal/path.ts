/** `scheme://authority` at the start of an absolute-form request target (RFC 9112 §3.2.2). */
const ABSOLUTE_FORM = /^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i;

/**
 * The path part of a request target (no query, no fragment). An absolute-form target
 * (`GET http://host/__health HTTP/1.1`) gives its path, as Go routes on `URL.Path`.
 */
export function pathOf(url: string | undefined): string {
  if (!url) return '/';
  let target = url;
  if (target.charCodeAt(0) !== 47) {
    const scheme = ABSOLUTE_FORM.exec(target);
    if (scheme) target = target.slice(scheme[0].length);
    if (target === '' || target.charCodeAt(0) === 63) target = `/${target}`;
  }
  const q = target.indexOf('?');
  return q === -1 ? target : target.slice(0, q);
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
