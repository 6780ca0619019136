import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * WebSocket upgrades only reach no-op endpoints (DECISIONS.md 17); any other matched endpoint
 * answers 426 at once instead of leaving the socket hanging (reliability.md §1.11).
 */
export const UPGRADE_REJECTED_BODY =
  'this endpoint does not accept WebSocket upgrades (output_encoding is not no-op)';

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  const up = req.headers.upgrade;
  return typeof up === 'string' && up.toLowerCase() === 'websocket';
}

/** For an upgrade that arrived as a plain request (the server has no `upgrade` listener). */
export function rejectUpgradeResponse(res: ServerResponse): void {
  res.statusCode = 426;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  if (res.req?.httpVersionMajor !== 2) res.setHeader('Connection', 'close');
  res.setHeader('X-Krakend-Completed', 'false');
  res.end(UPGRADE_REJECTED_BODY);
}

/** On a raw upgrade socket. */
export function rejectUpgradeSocket(socket: Duplex, versionHeader: string): void {
  if (socket.destroyed) return;
  socket.end(
    'HTTP/1.1 426 Upgrade Required\r\nContent-Type: text/plain; charset=utf-8\r\n' +
      `X-Krakend: ${versionHeader}\r\nConnection: close\r\n` +
      `Content-Length: ${Buffer.byteLength(UPGRADE_REJECTED_BODY)}\r\n\r\n${UPGRADE_REJECTED_BODY}`,
  );
}
