/**
 * A request modifier (`plugin/req-resp-modifier`) that adds headers to every backend request
 * of the endpoint or backend it is configured on, e.g. a token a local backend expects.
 *
 *   "extra_config": {
 *     "plugin/req-resp-modifier": {
 *       "name": ["add-header-modifier"],
 *       "add-header-modifier": { "headers": { "X-Added-By": "krakend-connect" } }
 *     }
 *   }
 */
import type { ModifierRegisterer as Registerer, RequestWrapper } from 'krakend-connect/plugin';

const pluginName = 'add-header-modifier';

export const ModifierRegisterer: Registerer = {
  RegisterLogger(logger) {
    logger.Debug(`[PLUGIN: ${pluginName}] Logger loaded`);
  },

  RegisterModifiers(register) {
    register(
      pluginName,
      (extra) => {
        const options = (extra[pluginName] ?? {}) as { headers?: Record<string, string> };
        const added = Object.entries(options.headers ?? {}).map(([k, v]) => [k, [String(v)]]);
        return (req: RequestWrapper): RequestWrapper => ({
          ...req,
          headers: { ...req.headers, ...Object.fromEntries(added) },
        });
      },
      true, // applies to requests
      false, // not to responses
    );
  },
};
