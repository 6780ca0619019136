import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * DNS-rebinding guard (reliability.md §6 row 29, Vite's `server.allowedHosts`): with an allow-list
 * on, a request whose Host is not loopback, an IP literal or a listed name gets 403. A name with a
 * leading dot allows its subdomains (`.example.test`); `*` allows every host.
 */
export function createHostCheck(allowed: readonly string[]): (req: IncomingMessage) => string | undefined {
  const names = new Set(allowed.map((h) => h.toLowerCase()));
  const suffixes = [...names].filter((h) => h.startsWith('.'));
  const any = names.has('*');
  return function hostCheck(req) {
    if (any) return undefined;
    const raw = (req.headers[':authority'] as string | undefined) ?? req.headers.host ?? '';
    const host = hostname(raw).toLowerCase();
    if (host === 'localhost' || host.endsWith('.localhost') || isIP(host) !== 0) return undefined;
    if (names.has(host) || suffixes.some((s) => host.endsWith(s) || host === s.slice(1))) return undefined;
    return host;
  };
}

function blockedBody(host: string): string {
  return `Blocked request: the host "${host}" is not allowed. Add it to allowedHosts (CLI: --allowed-host ${host}) to allow it.`;
}

export function writeHostBlocked(res: ServerResponse, host: string): void {
  const body = blockedBody(host);
  res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** The same 403 for an upgrade request, written on its raw socket. */
export function writeHostBlockedUpgrade(socket: Duplex, host: string): void {
  const body = blockedBody(host);
  socket.on('error', () => {});
  socket.end(
    'HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function hostname(authority: string): string {
  if (authority.startsWith('[')) return authority.slice(1, authority.indexOf(']'));
  const colon = authority.lastIndexOf(':');
  const name = colon === -1 ? authority : authority.slice(0, colon);
  // `localhost.` is the same name, fully qualified.
  return name.endsWith('.') ? name.slice(0, -1) : name;
}
