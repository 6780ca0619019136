import type { ConfigProblem } from './types.js';

/**
 * Every error the gateway raises has a stable code, an HTTP status and context. Codes are never
 * reused; the README's error table lists exactly these (checked by test/unit/errors.test.ts).
 */
export const ERROR_CODES = {
  KC_CONFIG_READ: { status: 503, description: 'The config file cannot be read.' },
  KC_CONFIG_SYNTAX: { status: 503, description: 'The config file is not valid JSON.' },
  KC_CONFIG_INVALID: {
    status: 503,
    description: 'The config breaks a KrakenD rule (all problems are listed).',
  },
  KC_CONFIG_LINT: { status: 503, description: 'The config fails the official KrakenD schema.' },
  KC_PLUGIN_LOAD: { status: 503, description: 'A plugin file failed to import or register.' },
  KC_PLUGIN_FAILED: { status: 500, description: 'A handler plugin threw or rejected.' },
  KC_PLUGIN_TIMEOUT: {
    status: 504,
    description: 'A handler plugin neither called next nor answered in time.',
  },
  KC_NOT_READY: { status: 503, description: 'No good config has been loaded yet.' },
  KC_CLOSED: { status: 503, description: 'The gateway was closed.' },
  KC_BAD_PARAM: { status: 400, description: 'A path param is encoded or unsafe.' },
  KC_BAD_REQUEST: { status: 400, description: 'The request is malformed.' },
  KC_BODY_TOO_LARGE: { status: 413, description: 'The request body is over the limit.' },
  KC_NO_HOSTS: { status: 500, description: 'A backend has no host.' },
  KC_BACKEND_STATUS: { status: 500, description: 'A backend answered a non-success status.' },
  KC_BACKEND_UNAVAILABLE: {
    status: 500,
    description: 'A backend refused, reset or could not be reached.',
  },
  KC_BACKEND_TIMEOUT: { status: 500, description: 'The endpoint timeout passed.' },
  KC_BACKEND_DECODE: { status: 500, description: 'A backend body could not be decoded.' },
  KC_BACKEND_TOO_LARGE: { status: 500, description: 'A backend body is over the size limit.' },
  KC_MODIFIER_FAILED: { status: 500, description: 'A request/response modifier plugin failed.' },
  KC_REPLAY_MISSING: { status: 502, description: 'No recording exists for a replayed call.' },
  KC_UPGRADE_REJECTED: {
    status: 426,
    description: 'A WebSocket upgrade reached an endpoint that is not no-op.',
  },
  KC_USAGE: { status: 400, description: 'A CLI usage error.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

const BRAND = Symbol.for('krakend-connect.error');

export interface GatewayErrorOptions {
  status?: number;
  cause?: unknown;
  problems?: readonly ConfigProblem[];
  file?: string;
  line?: number;
  column?: number;
  /** Headers a client should see with the error (e.g. backend headers with return_error_code). */
  headers?: Record<string, string | string[]>;
  /** Body a client should see when `return_error_msg` is on (backend body for return_error_code). */
  body?: string;
  contentType?: string;
  context?: Record<string, unknown>;
}

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly problems: readonly ConfigProblem[];
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly headers?: Record<string, string | string[]>;
  readonly body?: string;
  readonly contentType?: string;
  readonly context: Record<string, unknown>;
  readonly [BRAND] = true;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = options.status ?? ERROR_CODES[code].status;
    this.problems = options.problems ?? [];
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    this.headers = options.headers;
    this.body = options.body;
    this.contentType = options.contentType;
    this.context = options.context ?? {};
  }
}

/** Brand check: works across module instances (plugins reload as new instances). */
export function isGatewayError(err: unknown): err is GatewayError {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
}

export function hasCode(err: unknown, code: ErrorCode): boolean {
  return isGatewayError(err) && err.code === code;
}

/** `file:line:col path: message` — the one format every config problem is printed in. */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file;
  return p.path ? `${where} ${p.path}: ${p.message}` : `${where} ${p.message}`;
}
