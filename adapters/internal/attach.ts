import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Gateway } from '../../src/index.js';
import { stripPrefix } from './prefix.js';
import { trackReady, upgradeWhenReady } from './upgrade.js';

export interface AttachOptions {
  /** The mount path of the gateway (`app.use('/api', gateway)` → `'/api'`). */
  path?: string;
}

/** What `attach(server)` listens on: an http/https/http2 server, or anything emitting the same. */
export type Attachable = EventEmitter;

/**
 * A server `upgrade` listener: upgrades under `path` that match a gateway endpoint are served
 * (after the first config load, if one arrives sooner); others are left to the server's other
 * listeners. When nothing else listens for upgrades, the socket gets a 404 instead of hanging.
 */
export function upgradeUnder(gateway: Gateway, server: Attachable, path = '') {
  trackReady(gateway);
  return function krakendUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const alone = server.listenerCount('upgrade') === 1;
    const unhandled = () => {
      if (alone) socket.end(NOT_FOUND);
    };
    const inner = stripPrefix(req.url ?? '/', path);
    if (inner === undefined) return unhandled();
    upgradeWhenReady(gateway, req, socket, head, { url: inner, unhandled });
  };
}

const NOT_FOUND =
  'HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\n' +
  'Connection: close\r\nContent-Length: 19\r\n\r\n404 page not found\n';

/**
 * Wires WebSocket upgrades and closes the gateway when the server closes. Idempotent per server.
 */
export function attachServer(
  gateway: Gateway,
  server: Attachable,
  options: AttachOptions = {},
  close: () => Promise<void> = () => gateway.close(),
) {
  const seen = attached.get(gateway) ?? new WeakSet<Attachable>();
  attached.set(gateway, seen);
  if (seen.has(server)) return;
  seen.add(server);
  const onUpgrade = upgradeUnder(gateway, server, options.path);
  server.on('upgrade', onUpgrade);
  closeWith(gateway, server, close);
}

/** Closes the gateway with the server (without wiring upgrades). */
export function closeWith(
  gateway: Gateway,
  server: Attachable,
  close: () => Promise<void> = () => gateway.close(),
): void {
  const seen = closers.get(gateway) ?? new WeakSet<Attachable>();
  closers.set(gateway, seen);
  if (seen.has(server)) return;
  seen.add(server);
  server.once('close', () => void close());
}

const attached = new WeakMap<Gateway, WeakSet<Attachable>>();
const closers = new WeakMap<Gateway, WeakSet<Attachable>>();
