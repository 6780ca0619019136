import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Gateway } from '../../src/index.js';

const settled = new WeakMap<Gateway, { done: boolean }>();

/** Starts tracking whether the gateway's first load is over (call once, at creation). */
export function trackReady(gateway: Gateway): void {
  if (settled.has(gateway)) return;
  const state = { done: false };
  settled.set(gateway, state);
  const done = () => {
    state.done = true;
  };
  gateway.ready.then(done, done);
}

export interface UpgradeOptions {
  /** The URL the gateway should see (a mount prefix stripped); `req.url` is restored otherwise. */
  url?: string;
  /** Runs when no gateway endpoint takes the socket. */
  unhandled?: () => void;
}

/**
 * `gateway.upgrade`, except that an upgrade arriving while the first config load is still
 * running waits for it: a WebSocket may be the first thing a client opens, before the gateway
 * knows its routes. Meanwhile `req.url` stays as the host sent it, for other listeners.
 */
export function upgradeWhenReady(
  gateway: Gateway,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  options: UpgradeOptions = {},
): void {
  const original = req.url;
  const attempt = () => {
    if (options.url !== undefined) req.url = options.url;
    const served = gateway.upgrade(req, socket, head);
    if (!served) req.url = original;
    return served;
  };
  if (attempt()) return;
  const state = settled.get(gateway);
  if (!state || state.done) return options.unhandled?.();
  void gateway.ready
    .catch(() => undefined)
    .then(() => {
      if (!socket.destroyed && !attempt()) options.unhandled?.();
    });
}
