import { goStruct } from '../encoding/go-json.js';
import { GatewayError } from '../errors.js';
import type { ResolvedBackend } from '../types.js';
import type { BackendReply } from './backend-call.js';
import { discard, readReply } from './read-body.js';
import { emptyHeaders, type ProxyResponse } from './types.js';

/**
 * What a backend status means (lura `transport/http/client/status.go`, behaviour §2.7): only
 * 200 and 201 succeed ({@link isSuccessStatus}: the reply is decoded, the handler never runs);
 * for any other status, `return_error_details` turns the failure into incomplete data
 * `error_<name>`, `return_error_code` makes it carry the backend status and body, and by default
 * it is an `invalid status code` error.
 */
export type StatusHandler = (reply: BackendReply) => Promise<ProxyResponse>;

export function isSuccessStatus(status: number): boolean {
  return status === 200 || status === 201;
}

export function createStatusHandler(
  backend: ResolvedBackend,
  luraTemplate: string,
  method: string,
): StatusHandler {
  const prefix = `[${method} ${luraTemplate}]:`;
  const invalid = (reply: BackendReply): GatewayError =>
    new GatewayError(
      'KC_BACKEND_STATUS',
      `invalid status code ${reply.statusCode} ${prefix} ${reply.url}`,
      {
        context: { status: reply.statusCode },
      },
    );

  if (backend.returnErrorDetails !== '') {
    const key = `error_${backend.returnErrorDetails}`;
    return async (reply) => {
      const body = (await readReply(reply)).toString('utf8');
      const detail: Record<string, unknown> = goStruct({ http_status_code: reply.statusCode });
      if (body !== '') detail['http_body'] = body;
      const encoding = reply.headers['Content-Type']?.[0] ?? '';
      if (encoding !== '') detail['http_body_encoding'] = encoding;
      return {
        data: { [key]: detail },
        isComplete: false,
        metadata: { statusCode: reply.statusCode, headers: emptyHeaders() },
      };
    };
  }
  if (backend.returnErrorCode) {
    return async (reply) => {
      const body = (await readReply(reply)).toString('utf8');
      throw new GatewayError('KC_BACKEND_STATUS', body, {
        status: reply.statusCode,
        body,
        contentType: reply.headers['Content-Type']?.[0] ?? '',
        context: { status: reply.statusCode, invalid: invalid(reply).message },
      });
    };
  }
  return async (reply) => {
    discard(reply);
    throw invalid(reply);
  };
}
