/**
 * KrakenD's "HTTP server plugin" example (krakend.io docs, lura's `tests/main.go`), ported:
 * it answers one path itself and hands every other request to the rest of the gateway.
 *
 *   "extra_config": {
 *     "plugin/http-server": {
 *       "name": ["krakend-server-example"],
 *       "krakend-server-example": { "path": "/hijack-me" }
 *     }
 *   }
 */
import type { HandlerRegisterer as Registerer, KrakendLogger } from 'krakend-connect/plugin';

const pluginName = 'krakend-server-example';
let logger: KrakendLogger | undefined;

/** Go's `html.EscapeString`. */
const HTML: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  "'": '&#39;',
  '"': '&#34;',
};
const escapeHtml = (s: string) => s.replace(/[&<>'"]/g, (c) => HTML[c]);

export const HandlerRegisterer: Registerer = {
  RegisterLogger(l) {
    logger = l;
    logger.Debug(`[PLUGIN: ${pluginName}] Logger loaded`);
  },

  RegisterHandlers(register) {
    register(pluginName, (_ctx, extra, next) => {
      // The options live under the plugin's own name; without them the factory fails and
      // KrakenD leaves the plugin out of the chain.
      const config = extra[pluginName];
      if (typeof config !== 'object' || config === null) throw new Error('configuration not found');
      const path = (config as { path?: unknown }).path;
      logger?.Debug(`The plugin is now hijacking the path ${String(path)}`);

      return (req, res) => {
        const reqPath = new URL(req.url ?? '/', 'http://localhost').pathname;
        if (reqPath !== path) return next(req, res);
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end(`Hello, ${JSON.stringify(escapeHtml(reqPath))}`);
        logger?.Debug('request:', escapeHtml(reqPath));
      };
    });
  },
};
