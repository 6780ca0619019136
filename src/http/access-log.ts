import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pathOf } from '../internal/path.js';
import type { RequestState } from '../internal/request-state.js';
import type { RequestRecord } from '../types.js';

let nextId = 1;

export interface ObserveOptions {
  logger: Logger;
  /** Access log on (router `disable_access_log` turns it off). */
  log: boolean;
  skip: readonly string[];
  /** Called with the finished request (dashboard, `request` event); undefined = nobody listens. */
  onRecord?: (rec: RequestRecord) => void;
}

/**
 * One access-log line per request the gateway answered (DECISIONS.md 21), written when the
 * response finishes or the connection closes: observed, never by wrapping `res.end`.
 */
export function observeRequest(
  req: IncomingMessage,
  res: ServerResponse,
  state: RequestState,
  options: ObserveOptions,
): void {
  const log = options.log && options.logger.isLevelEnabled('info');
  if (!log && !options.onRecord) return;
  // `on`, not `once`: a response closes once, and `once` allocates a wrapper per request.
  res.on('close', () => {
    if (state.fellThrough) return;
    const path = pathOf(req.url);
    const ms = Math.round((performance.now() - state.start) * 100) / 100;
    const status = res.writableFinished ? res.statusCode : 0;
    const method = req.method ?? 'GET';
    if (log && !(options.skip.length > 0 && options.skip.includes(path))) {
      options.logger.info({ method, path, status, ms }, `${method} ${path} ${status || 'aborted'} ${ms}ms`);
    }
    options.onRecord?.({
      id: nextId++,
      time: Date.now(),
      method,
      path,
      endpoint: state.endpoint,
      status,
      ms,
      generation: state.generation,
      backends: state.backends,
    });
  });
}
