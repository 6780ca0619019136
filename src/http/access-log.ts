import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pathOf } from '../internal/path.js';
import { getState } from '../internal/request-state.js';
import { jsonLineSink } from '../logger.js';
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
 * The line pino writes for `logger.info({ method, path, status, ms }, msg)` on a logger from
 * `createLogger` (src/logger.ts), without its generic serializer.
 */
export function accessLine(
  time: number,
  method: string,
  path: string,
  status: number,
  ms: number,
  msg: string,
): string {
  return (
    `{"level":30,"time":${time},"method":${JSON.stringify(method)},"path":${JSON.stringify(path)},` +
    `"status":${status},"ms":${ms},"msg":${JSON.stringify(msg)}}\n`
  );
}

/**
 * One access-log line per request the gateway answered (DECISIONS.md 21), written when the
 * response finishes or the connection closes: observed, never by wrapping `res.end`. One shared
 * listener, not a closure per request: the options sit in a slot on the response.
 */
export function observeRequest(res: ServerResponse, options: ObserveOptions): void {
  const log = options.log && options.logger.isLevelEnabled('info');
  if (!log && !options.onRecord) return;
  (res as Observed)[kObserve] = options;
  // `on`, not `once`: a response closes once, and `once` allocates a wrapper per request.
  res.on('close', onResponseClose);
}

const kObserve = Symbol('krakend-connect.observe');
type Observed = ServerResponse & { [kObserve]?: ObserveOptions };

function onResponseClose(this: Observed): void {
  const req = this.req as IncomingMessage | undefined;
  const state = req && getState(req);
  const options = this[kObserve];
  if (!req || !state || !options || state.fellThrough) return;
  const log = options.log && options.logger.isLevelEnabled('info');
  const path = pathOf(req.url);
  const ms = Math.round((performance.now() - state.start) * 100) / 100;
  const status = this.writableFinished ? this.statusCode : 0;
  const method = req.method ?? 'GET';
  if (log && !(options.skip.length > 0 && options.skip.includes(path))) {
    const msg = `${method} ${path} ${status || 'aborted'} ${ms}ms`;
    const sink = jsonLineSink(options.logger);
    if (sink) {
      sink(accessLine(Date.now(), method, path, status, ms, msg));
    } else {
      options.logger.info({ method, path, status, ms }, msg);
    }
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
}
