import type { Logger } from 'pino';
import { GatewayError } from '../errors.js';
import type { NodeHandler } from '../types.js';
import { withDeadline } from './deadline.js';
import { errorMessage, serializeError } from './failure.js';
import { createLayer, safeInner } from './guard.js';
import type { PluginRegistry } from './types.js';

export interface ChainOptions {
  logger: Logger;
  /** A reload: `Injecting plugin` lines are debug, so a reload logs one line. */
  quiet?: boolean;
  /**
   * How long one plugin may hold a request before it calls `next` or starts its response
   * (DECISIONS 16); also bounds an async factory. Default 10 000 ms.
   */
  deadlineMs?: number;
  /**
   * A reload: the names the serving chain injected. The factory of one of them throwing or giving
   * no handler now fails the build, so the last good chain keeps serving (reliability.md §6 row
   * 50) instead of requests silently bypassing a plugin that is being edited.
   */
  keep?: ReadonlySet<string>;
  /** Filled with the names this chain injected (the next reload's {@link keep}). */
  injected?: Set<string>;
}

export const DEFAULT_PLUGIN_DEADLINE_MS = 10_000;

const SERVER = '[PLUGIN: Server]';

/** `name` as KrakenD reads it: a string or an array (non-strings skipped), else nothing. */
function pluginNames(extra: unknown, logger: Logger): string[] {
  if (extra === undefined) {
    logger.debug(`${SERVER} No plugins required in the extra config`);
    return [];
  }
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) {
    logger.debug(`${SERVER} Wrong extra_config type`);
    return [];
  }
  const name = (extra as Record<string, unknown>).name;
  if (typeof name === 'string') return [name];
  if (Array.isArray(name)) return name.filter((n): n is string => typeof n === 'string');
  logger.debug(`${SERVER} No plugins required in the extra config`);
  return [];
}

/**
 * KrakenD's injection (lura `transport/http/server/plugin/server.go`): for each name in list
 * order, its factory gets the handler built so far as `next`, so the last name is the outermost
 * and sees the request first. A missing name or a failing factory is logged and skipped;
 * requests never fail because of it. It throws only at a reload, for a name in `keep`.
 */
export async function buildHandlerChain(
  registry: PluginRegistry,
  extra: Record<string, unknown> | undefined,
  inner: NodeHandler,
  options: ChainOptions,
): Promise<NodeHandler> {
  const { logger } = options;
  const deadlineMs = options.deadlineMs ?? DEFAULT_PLUGIN_DEADLINE_MS;
  const names = pluginNames(extra, logger);
  if (names.length === 0) return inner;
  if (registry.handlers.size === 0) logger.debug(`${SERVER} No plugins registered for the module`);
  let current = safeInner(inner, logger);
  let index = 0;
  /** Logged and skipped, as KrakenD does; thrown at a reload for a plugin that was serving. */
  const fail = (name: string, message: string, file?: string, err?: unknown): void => {
    if (options.keep?.has(name)) {
      const where = file === undefined ? '' : `${file}: `;
      throw new GatewayError('KC_PLUGIN_LOAD', `${where}${message}`, { file, cause: err });
    }
    if (err === undefined) logger.error({ plugin: name }, message);
    else logger.error({ plugin: name, file, err: serializeError(err, registry.mapStack) }, message);
  };
  for (const name of names) {
    const entry = registry.handlers.get(name);
    if (!entry) {
      // Even at a reload: a deleted plugin file leaves the chain, as its author meant.
      logger.error({ plugin: name }, `${SERVER} No plugin registered as ${name}`);
      continue;
    }
    if (typeof entry.factory !== 'function') {
      fail(name, `${SERVER} Wrong plugin handler type: ${name}`, entry.file);
      continue;
    }
    const layer = createLayer(current, index++, { name, logger, deadlineMs, mapStack: registry.mapStack });
    let handler: unknown;
    try {
      const ctx = registry.context(name);
      const made = entry.factory(ctx, extra as Record<string, unknown>, layer.next);
      handler = await withDeadline(made, deadlineMs, `the factory of ${name}`);
    } catch (err) {
      fail(name, `${SERVER} Error getting the plugin handler: ${errorMessage(err)}`, entry.file, err);
      continue;
    }
    if (typeof handler !== 'function') {
      fail(name, `${SERVER} Wrong plugin handler type: ${name}`, entry.file);
      continue;
    }
    current = layer.wrap(handler as Parameters<typeof layer.wrap>[0]);
    options.injected?.add(name);
    logger[options.quiet ? 'debug' : 'info']({ plugin: name }, `${SERVER} Injecting plugin ${name}`);
  }
  return current;
}
