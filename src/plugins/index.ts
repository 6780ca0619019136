export { buildHandlerChain, DEFAULT_PLUGIN_DEADLINE_MS, type ChainOptions } from './chain.js';
export { defineClientPlugin, defineHandlerPlugin, defineModifierPlugin } from './define.js';
export { createKrakendLogger, pluginLogger } from './krakend-logger.js';
export { loadPluginFiles, loadPlugins, type LoadPluginsOptions } from './loader.js';
export { matchesPattern, MODULE_EXTENSIONS } from './scan.js';
export { formatGoDuration, testPlugins, type TestPluginKinds } from './test-plugins.js';
export type {
  KrakendLogger,
  LoadedPluginFile,
  PluginKind,
  PluginRegistry,
  RegisteredModifier,
  SourceLocation,
} from './types.js';
