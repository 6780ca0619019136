import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { readBody } from '../internal/body.js';
import { redactHeaders } from '../internal/redact.js';

const PONG = '{"message":"pong"}';

/** `/__debug/*` (behaviour §4): logs the request at DEBUG and answers pong. */
export function createDebugHandler(logger: Logger) {
  return function debugHandler(req: IncomingMessage, res: ServerResponse): void {
    readBody(req, 1 << 20).then(
      (body) => {
        if (logger.isLevelEnabled('debug')) {
          const url = req.url ?? '/';
          const q = url.indexOf('?');
          const p = '[ENDPOINT: /__debug/*]';
          logger.debug(`${p} Method: ${req.method}`);
          logger.debug(`${p} URL: ${url}`);
          logger.debug(`${p} Query: ${JSON.stringify(Object.fromEntries(new URLSearchParams(q === -1 ? '' : url.slice(q + 1))))}`);
          logger.debug(`${p} Params: []`);
          // KrakenD prints every header; credentials stay out of the log (SECURITY.md).
          logger.debug(`${p} Headers: ${JSON.stringify(redactHeaders(req.headers))}`);
          logger.debug(`${p} Body: ${body.toString('utf8')}`);
        }
        res.writeHead(200, {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': PONG.length,
        });
        res.end(PONG);
      },
      () => {
        res.statusCode = 413;
        res.end();
      },
    );
  };
}
