import type { Logger } from 'pino';
import type { ClientFactory, HandlerFactory, PluginContext } from '../plugin.js';
import { pluginLogger } from './krakend-logger.js';
import type { StackMapper } from './source-map.js';
import type { LoadedPluginFile, PluginRegistry, RegisteredModifier } from './types.js';

export interface RegistryParts {
  handlers: Map<string, { factory: HandlerFactory; file: string }>;
  clients: Map<string, { factory: ClientFactory; file: string }>;
  modifiers: Map<string, RegisteredModifier>;
  files: readonly string[];
  loaded: readonly LoadedPluginFile[];
  controller: AbortController;
  logger: Logger;
  mapper: StackMapper;
}

export function emptyParts(logger: Logger, mapper: RegistryParts['mapper']): RegistryParts {
  return {
    handlers: new Map(),
    clients: new Map(),
    modifiers: new Map(),
    files: [],
    loaded: [],
    controller: new AbortController(),
    logger,
    mapper,
  };
}

/** One generation's plugins. `dispose()` aborts `ctx.signal` so plugins stop their own work. */
export function createRegistry(parts: RegistryParts): PluginRegistry {
  const contexts = new Map<string, PluginContext>();
  const { controller, logger, mapper } = parts;
  const mapStack = (stack: string) => mapper.map(stack);
  return {
    handlers: parts.handlers,
    clients: parts.clients,
    modifiers: parts.modifiers,
    files: Object.freeze([...parts.files]),
    loaded: Object.freeze([...parts.loaded]),
    signal: controller.signal,
    context(name: string): PluginContext {
      let ctx = contexts.get(name);
      if (!ctx) {
        ctx = Object.freeze({ signal: controller.signal, logger: pluginLogger(logger, name, mapStack) });
        contexts.set(name, ctx);
      }
      return ctx;
    },
    mapStack,
    dispose(): void {
      if (controller.signal.aborted) return;
      controller.abort(new Error('plugin generation unloaded'));
      contexts.clear();
    },
  };
}
