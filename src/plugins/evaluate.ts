import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as pluginApi from '../plugin.js';

interface CompilableModule extends Module {
  _compile(code: string, filename: string): unknown;
}

const nodeModulePaths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })
  ._nodeModulePaths;

/** Plugins import the helpers of `krakend-connect/plugin`; they get this very instance. */
const SELF = new Set(['krakend-connect/plugin']);

/**
 * Evaluates a bundled plugin in a fresh CommonJS module that is neither put in `require.cache`
 * nor linked into a parent's `children`, so nothing keeps an old generation alive once the
 * registry drops it (reference/reliability.md §4, measured flat over 200 reloads). `require`
 * resolves npm packages from the plugin's own folder. Going through `_compile` (rather than
 * `vm`) lets Node's `--enable-source-maps` map stacks to the original files.
 */
export function evaluatePlugin(code: string, file: string): Record<string, unknown> {
  const mod = new Module(file) as CompilableModule;
  mod.filename = file;
  mod.paths = nodeModulePaths(dirname(file));
  const requireFromFile = createRequire(file);
  mod.require = function require(id: string) {
    if (SELF.has(id)) return pluginApi;
    return requireFromFile(id);
  } as NodeJS.Require;
  mod._compile(code, file);
  mod.loaded = true;
  return mod.exports as Record<string, unknown>;
}
