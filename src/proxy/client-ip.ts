import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { ResolvedConfig } from '../types.js';

/**
 * gin's `Context.ClientIP()` as lura configures it (behaviour §2.3, DECISIONS.md 14): every proxy
 * is trusted unless `trusted_proxies` says otherwise; `X-Forwarded-For` then `X-Real-IP` are read
 * right to left and the first untrusted (or the left-most) valid IP wins; else the socket address.
 */
export type ClientIp = (req: IncomingMessage) => string;

function plainIp(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

function trustList(entries: readonly string[]): ((ip: string) => boolean) | undefined {
  if (entries.length === 0) return undefined;
  const list = new BlockList();
  for (const entry of entries) {
    const [addr, bits] = entry.split('/');
    const family = isIP(addr ?? '');
    if (family === 0) continue;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
    if (Number.isInteger(prefix)) list.addSubnet(addr!, prefix, type);
  }
  return (ip) => list.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6');
}

/** `forwardedByClientIp` defaults to gin's true in the loader (lura changes it only when set). */
export function createClientIp(config: Pick<ResolvedConfig, 'router'>): ClientIp {
  const forwarded = config.router.forwardedByClientIp;
  const headers = (
    config.router.remoteIpHeaders.length > 0
      ? config.router.remoteIpHeaders
      : ['X-Forwarded-For', 'X-Real-IP']
  ).map((h) => h.toLowerCase());
  const trusted = trustList(config.router.trustedProxies);
  const isTrusted = trusted ?? (() => true);

  function fromHeader(value: string | string[] | undefined): string | undefined {
    const header = Array.isArray(value) ? value[0] : value;
    if (!header) return undefined;
    const items = header.split(',');
    for (let i = items.length - 1; i >= 0; i--) {
      const ip = items[i]!.trim();
      if (isIP(ip) === 0) return undefined;
      if (i === 0 || !isTrusted(plainIp(ip))) return ip;
    }
    return undefined;
  }

  return function clientIp(req) {
    const remote = plainIp(req.socket?.remoteAddress);
    if (!remote) return '';
    if (!forwarded || !isTrusted(remote)) return remote;
    for (const name of headers) {
      const ip = fromHeader(req.headers[name]);
      if (ip !== undefined) return ip;
    }
    return remote;
  };
}
