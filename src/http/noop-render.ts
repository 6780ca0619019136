import type { IncomingMessage, ServerResponse } from 'node:http';
import { copyResponseHeaders, streamToClient, validStatus } from '../proxy/response.js';
import type { ProxyResponse } from '../proxy/types.js';

/** lura's `noopRender`: backend status and headers, body streamed; no response → 500. */
export function writeNoop(
  _req: IncomingMessage,
  res: ServerResponse,
  response: ProxyResponse | null,
): void {
  if (response === null) {
    res.statusCode = 500;
    res.end();
    return;
  }
  copyResponseHeaders(res, response.metadata.headers);
  res.statusCode = validStatus(response.metadata.statusCode);
  if (!response.io) {
    res.end();
    return;
  }
  streamToClient(response.io, res);
}
