/**
 * Go's `http.Client` redirect policy (DECISIONS.md 13, behaviour §2.6): 301/302/303 turn a
 * non-GET/HEAD request into a bodiless GET; 307/308 keep method and body, but are not followed
 * when the body cannot be sent again; the 10th redirect is an error; the next request carries
 * the original headers plus `Referer` (unless going from https to http).
 */
export const MAX_REDIRECTS = 10;

export interface RedirectStep {
  method: string;
  url: string;
  keepBody: boolean;
  referer?: string;
}

export function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** The next request, or undefined when the response is the final one. Throws on a bad Location. */
export function nextRedirect(
  status: number,
  method: string,
  currentUrl: string,
  location: string | undefined,
  bodySent: boolean,
  bodyReplayable: boolean,
): RedirectStep | undefined {
  if (!isRedirect(status) || !location) return undefined;
  let keepBody = false;
  let next = method;
  if (status === 307 || status === 308) {
    if (bodySent && !bodyReplayable) return undefined;
    keepBody = true;
  } else if (method !== 'GET' && method !== 'HEAD') {
    next = 'GET';
  }
  let target: URL;
  try {
    target = new URL(location, currentUrl);
  } catch {
    throw new Error(`failed to parse Location header "${location}"`);
  }
  target.hash = '';
  const previous = new URL(currentUrl);
  const referer =
    previous.protocol === 'https:' && target.protocol === 'http:'
      ? undefined
      : ((previous.username = ''), (previous.password = ''), (previous.hash = ''), previous.href);
  return { method: next, url: target.href, keepBody, referer };
}

/** Headers Go drops when a redirect leaves the original host. */
export const SENSITIVE_ON_HOST_CHANGE = new Set([
  'Authorization',
  'Www-Authenticate',
  'Cookie',
  'Cookie2',
]);
