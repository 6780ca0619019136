import { GatewayError, isGatewayError } from '../errors.js';

/** Several backends failed; each is logged as `Error #<i>` and the text is one per line (lura). */
export class MultiError extends Error {
  readonly errors: readonly Error[];
  constructor(errors: readonly Error[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'MultiError';
    this.errors = errors;
  }
}

/** The endpoint (or merge) deadline passed: Go's `context.DeadlineExceeded`. */
export function deadlineExceeded(): GatewayError {
  return new GatewayError('KC_BACKEND_TIMEOUT', 'context deadline exceeded');
}

/** The client went away: Go's `context.Canceled`. */
export function contextCanceled(): GatewayError {
  return new GatewayError('KC_BACKEND_UNAVAILABLE', 'context canceled');
}

/** A stage returned nothing (lura `errNullResult`). */
export function nullResult(): GatewayError {
  return new GatewayError('KC_BACKEND_UNAVAILABLE', 'invalid response');
}

export function noHosts(): GatewayError {
  return new GatewayError('KC_NO_HOSTS', 'no hosts available');
}

export function toError(err: unknown): Error {
  if (err instanceof Error) return err;
  if (typeof err === 'object' && err !== null && typeof (err as Error).message === 'string') {
    return Object.assign(new Error((err as Error).message), err);
  }
  return new Error(String(err));
}

/** Go's `url.Error` op: `Get`, `Post`… */
function op(method: string): string {
  return method.charAt(0) + method.slice(1).toLowerCase();
}

const NETWORK_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connect: connection refused',
  ECONNRESET: 'read: connection reset by peer',
  EPIPE: 'write: broken pipe',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'no such host',
  ETIMEDOUT: 'i/o timeout',
  UND_ERR_CONNECT_TIMEOUT: 'i/o timeout',
  UND_ERR_SOCKET: 'EOF',
  UND_ERR_CLOSED: 'EOF',
};

/** A failed exchange, worded like Go's client (`Get "http://h/x": dial tcp h: connect: …`). */
export function networkError(method: string, url: string, err: unknown): GatewayError {
  const e = toError(err);
  const code = (e as NodeJS.ErrnoException).code ?? '';
  let detail = NETWORK_TEXT[code] ?? e.message;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    let host = '';
    try {
      host = new URL(url).host;
    } catch {
      // keep it empty
    }
    detail = `dial tcp ${host}: ${detail}`;
  }
  return new GatewayError('KC_BACKEND_UNAVAILABLE', `${op(method)} "${url}": ${detail}`, {
    cause: e,
    context: { code },
  });
}

/** The status an error answers with when there is no response: its own, else 500 (lura). */
export function errorStatus(err: unknown): number {
  if (isGatewayError(err)) return err.status;
  if (typeof err === 'object' && err !== null) {
    const { statusCode, status } = err as { statusCode?: unknown; status?: unknown };
    const s = typeof statusCode === 'number' ? statusCode : status;
    if (typeof s === 'number' && Number.isInteger(s) && s >= 100 && s <= 599) return s;
  }
  return 500;
}

/** Error text for the client with `return_error_msg`, and the content type that goes with it. */
export function errorBody(err: Error): { body: string; contentType?: string } {
  if (isGatewayError(err)) {
    return { body: err.body ?? err.message, contentType: err.contentType || undefined };
  }
  const ct = (err as { contentType?: unknown }).contentType;
  return { body: err.message, contentType: typeof ct === 'string' && ct ? ct : undefined };
}
