import type { Logger } from 'pino';
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
 * requests never fail because of it. The result never throws or rejects.
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
  for (const name of names) {
    const entry = registry.handlers.get(name);
    if (!entry) {
      logger.error({ plugin: name }, `${SERVER} No plugin registered as ${name}`);
      continue;
    }
    if (typeof entry.factory !== 'function') {
      logger.error({ plugin: name }, `${SERVER} Wrong plugin handler type: ${name}`);
      continue;
    }
    const layer = createLayer(current, index++, { name, logger, deadlineMs, mapStack: registry.mapStack });
    let handler: unknown;
    try {
      const ctx = registry.context(name);
      const made = entry.factory(ctx, extra as Record<string, unknown>, layer.next);
      handler = await withDeadline(made, deadlineMs, `the factory of ${name}`);
    } catch (err) {
      logger.error(
        { plugin: name, file: entry.file, err: serializeError(err, registry.mapStack) },
        `${SERVER} Error getting the plugin handler: ${errorMessage(err)}`,
      );
      continue;
    }
    if (typeof handler !== 'function') {
      logger.error({ plugin: name }, `${SERVER} Wrong plugin handler type: ${name}`);
      continue;
    }
    current = layer.wrap(handler as Parameters<typeof layer.wrap>[0]);
    logger[options.quiet ? 'debug' : 'info']({ plugin: name }, `${SERVER} Injecting plugin ${name}`);
  }
  return current;
}
