/**
 * A client plugin (`plugin/http-client`) that replaces a backend with canned JSON: the core of
 * local API mocking. The backend call never leaves the process.
 *
 *   "backend": [{
 *     "url_pattern": "/users/{id}",
 *     "extra_config": {
 *       "plugin/http-client": {
 *         "name": "fake-backend",
 *         "fake-backend": {
 *           "routes": { "GET /users/{id}": { "id": "{id}", "name": "User {id}" } },
 *           "echo": "/__echo"
 *         }
 *       }
 *     }
 *   }]
 *
 * Unknown paths answer 404 (which KrakenD then treats as a failed backend); the `echo` path
 * answers with what the gateway sent (method, path, query, headers, body).
 */
import type { ClientRegisterer as Registerer } from 'krakend-connect/plugin';
import { compileRoutes, matchRoute } from './lib/fake-routes.js';

const pluginName = 'fake-backend';

interface FakeBackendOptions {
  routes?: Record<string, unknown>;
  echo?: string;
}

export const ClientRegisterer: Registerer = {
  RegisterLogger(logger) {
    logger.Debug(`[PLUGIN: ${pluginName}] Logger loaded`);
  },

  RegisterClients(register) {
    register(pluginName, (ctx, extra) => {
      const options = (extra[pluginName] ?? {}) as FakeBackendOptions;
      const routes = compileRoutes(options.routes ?? {});
      ctx.logger.Debug(`[PLUGIN: ${pluginName}] serving ${routes.length} fake route(s)`);

      return async (request) => {
        const url = new URL(request.url);
        if (options.echo && url.pathname === options.echo) {
          const headers: Record<string, string> = {};
          request.headers.forEach((value, name) => (headers[name] = value));
          return Response.json({
            method: request.method,
            path: url.pathname,
            query: Object.fromEntries(url.searchParams),
            headers,
            body: request.body ? await request.text() : null,
          });
        }
        const hit = matchRoute(routes, request.method, url.pathname);
        if (!hit) {
          const error = `no fake for ${request.method} ${url.pathname}`;
          return Response.json({ error }, { status: 404 });
        }
        return Response.json(hit.body);
      };
    });
  },
};
