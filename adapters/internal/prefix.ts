/**
 * `url` without the mount `prefix`, as Connect and Express strip it: `/api/users?x=1` under
 * `/api` is `/users?x=1`, `/api` alone is `/`. `undefined` when `url` is not under `prefix`.
 */
export function stripPrefix(url: string, prefix: string): string | undefined {
  const base = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (base === '') return url;
  if (!url.startsWith(base)) return undefined;
  const rest = url.slice(base.length);
  if (rest === '') return '/';
  if (rest[0] === '/') return rest;
  if (rest[0] === '?') return `/${rest}`;
  return undefined;
}
