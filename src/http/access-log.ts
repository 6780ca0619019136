import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pathOf } from '../internal/path.js';
import type { RequestState } from '../internal/request-state.js';

/**
 * One access-log line per request the gateway answered (DECISIONS.md 21), written when the
 * response finishes or the connection closes — observed, never by wrapping `res.end`.
 */
export function logAccess(
  req: IncomingMessage,
  res: ServerResponse,
  state: RequestState,
  logger: Logger,
  skip: readonly string[],
): void {
  if (!logger.isLevelEnabled('info')) return;
  res.once('close', () => {
    if (state.fellThrough) return;
    const path = pathOf(req.url);
    if (skip.length > 0 && skip.includes(path)) return;
    const ms = Math.round((performance.now() - state.start) * 100) / 100;
    const status = res.writableFinished ? res.statusCode : 0;
    const method = req.method ?? 'GET';
    logger.info({ method, path, status, ms }, `${method} ${path} ${status || 'aborted'} ${ms}ms`);
  });
}
