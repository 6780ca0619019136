import { resolve } from 'node:path';
import type { Gateway, GatewayOptions } from '../../src/index.js';

const KEY = Symbol.for('krakend-connect.next.gateways');

type Registry = Map<string, Gateway>;
type Create = (options: GatewayOptions) => Gateway;

function registry(): Registry {
  return ((globalThis as Record<symbol, unknown>)[KEY] ??= new Map()) as Registry;
}

/**
 * One gateway per process and option set. Next re-evaluates route modules on every edit (and may
 * load the adapter in more than one bundle), so a gateway created per evaluation would leak its
 * watcher each time; the registry lives on `globalThis` and outlives the modules.
 */
export function sharedGateway(options: GatewayOptions, create: Create): Gateway {
  const key = keyOf(options);
  const existing = registry().get(key);
  if (existing) return existing;
  const gateway = create(options);
  registry().set(key, gateway);
  return gateway;
}

/** Closes the shared gateway for these options and forgets it (the next use creates a new one). */
export async function releaseGateway(options: GatewayOptions): Promise<void> {
  const key = keyOf(options);
  const gateway = registry().get(key);
  if (!gateway) return;
  registry().delete(key);
  await gateway.close();
}

function keyOf(options: GatewayOptions): string {
  const cwd = options.cwd ?? process.cwd();
  const { logger: _logger, watcher: _watcher, logDestination: _dest, ...rest } = options;
  return JSON.stringify({
    ...rest,
    config: typeof options.config === 'string' ? resolve(cwd, options.config) : options.config,
    cwd,
  });
}
