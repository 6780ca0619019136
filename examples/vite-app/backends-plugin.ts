// Starts the example backends (examples/backends) with the dev or preview server, once per
// process: Vite re-evaluates its config on restarts, and the port is fixed by krakend.json.
import type { Server } from 'node:http';
import type { Plugin } from 'vite';
import { startBackends } from '../backends/server.mjs';

const KEY = Symbol.for('krakend-connect.example-backends');

export function exampleBackends(port = 8081): Plugin {
  const start = () => {
    // Your own config brings its own backends; the quickstart's expect ours on :8081.
    if (process.env.KRAKEND_CONFIG) return;
    const store = globalThis as Record<symbol, Promise<Server | undefined> | undefined>;
    store[KEY] ??= startBackends(port).then(
      (server: Server) => {
        server.unref();
        return server;
      },
      // Already running (another example, or `npm start`): use those.
      () => undefined,
    );
  };
  return {
    name: 'example-backends',
    configureServer: start,
    configurePreviewServer: start,
  };
}
