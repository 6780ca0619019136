/**
 * KrakenD's param checker (lura `router/gin/engine.go`, behaviour §2.2) plus the traversal rules
 * of reliability.md §3: a param that still decodes to something else, holds `?` or `#`, or could
 * move the backend path (`/`, `\`, `.`/`..`, control characters) is refused with 400.
 * find-my-way has already decoded each param once.
 */
export function checkParams(params: Record<string, string>, wildcard: boolean): string | undefined {
  for (const key in params) {
    const value = params[key];
    if (key === '*' && wildcard) {
      if (/[\\\0\r\n?#]/.test(value) || value.split('/').some((s) => s === '..')) {
        return 'error: encoded url params';
      }
      continue;
    }
    if (value.includes('%')) {
      try {
        if (decodeURIComponent(value) !== value) return 'error: encoded url params';
      } catch {
        return 'error: encoded url params';
      }
    }
    if (/[/\\?#\0\r\n]/.test(value) || value === '.' || value === '..') {
      return 'error: encoded url params';
    }
  }
  return undefined;
}

/** A malformed escape anywhere in the path is Go's `invalid URL escape "%xx"` (400). */
export function badEscape(path: string): string | undefined {
  const m = /%(?![0-9A-Fa-f]{2})(.{0,2})/.exec(path);
  return m ? `error: invalid URL escape "%${m[1]}"` : undefined;
}
