import type { Logger } from 'pino';
import { GatewayError } from '../errors.js';
import type { PluginFolder } from '../types.js';
import { describeFailure, serializeError } from './failure.js';
import { bundleAll, evaluateBundle, type PluginModule } from './load.js';
import { registerAll } from './register.js';
import { createRegistry, emptyParts } from './registry.js';
import { MODULE_EXTENSIONS, scanFolder } from './scan.js';
import { StackMapper } from './source-map.js';
import type { LoadedPluginFile, PluginRegistry } from './types.js';

export interface LoadPluginsOptions {
  logger: Logger;
  /**
   * Throw `GatewayError('KC_PLUGIN_LOAD')` when a file fails to import or register, instead of
   * logging and going on; the gateway loads strictly on reload to keep the last good generation.
   */
  strict?: boolean;
  /** Bound on an async `Register*` call. Default 10 000 ms. */
  registerTimeoutMs?: number;
}

const LOADER = '[SERVICE: Plugin Loader]';
const EXTENSIONS = MODULE_EXTENSIONS.join(' ');

function recordOf(mod: PluginModule): LoadedPluginFile {
  const rec: LoadedPluginFile = {
    file: mod.file,
    index: mod.index,
    kinds: [],
    names: [],
    inputs: mod.inputs,
  };
  if (mod.error) {
    rec.error = describeFailure(mod.error.message, mod.error.location);
    rec.location = mod.error.location;
  }
  return rec;
}

function reportImport(mod: PluginModule, logger: Logger, mapper: StackMapper, strict: boolean): void {
  const where = `${LOADER} plugin #${mod.index} (${mod.file}):`;
  for (const w of mod.warnings) logger.debug({ file: mod.file }, `${where} esbuild: ${w}`);
  if (mod.error) {
    // A throw at import keeps its (mapped) stack; a compile error has none worth showing.
    const cause = mod.error.cause;
    const fields =
      cause === undefined
        ? { file: mod.file }
        : { file: mod.file, err: serializeError(cause, (s) => mapper.map(s)) };
    const text = describeFailure(mod.error.message, mod.error.location);
    // Strict loads throw KC_PLUGIN_LOAD carrying this text; the gateway logs it once.
    logger[strict ? 'debug' : 'error'](fields, `${where} ${text}`);
  } else if (Object.keys(mod.registerers).length === 0) {
    logger.warn(
      { file: mod.file },
      `${where} the plugin exports no HandlerRegisterer, ClientRegisterer or ModifierRegisterer`,
    );
  }
}

/** Every reported failure names its file (and line and column when known), once. */
function located(message: string, record: LoadedPluginFile): string {
  // A compile error in a module the plugin imports already starts with that module's position.
  const at = record.location?.file;
  if (message.startsWith(record.file) || (at !== undefined && message.startsWith(at))) return message;
  return record.location ? describeFailure(message, record.location) : `${record.file}: ${message}`;
}

function strictError(records: readonly LoadedPluginFile[]): GatewayError | undefined {
  const failures = records.flatMap((r) =>
    (r.error
      ? [r.error]
      : r.kinds.filter((k) => !k.ok).map((k) => k.error ?? 'registration failed')
    ).map((message) => located(message, r)),
  );
  const first = records.find((r) => r.error || r.kinds.some((k) => !k.ok));
  if (!first) return undefined;
  const loc = first.location;
  return new GatewayError('KC_PLUGIN_LOAD', failures.join('\n'), {
    file: loc?.file ?? first.file,
    line: loc?.line,
    column: loc?.column,
    context: { failures },
  });
}

/** Loads an explicit list of plugin files (the folder scan is {@link loadPlugins}). */
export async function loadPluginFiles(
  files: readonly string[],
  options: LoadPluginsOptions,
): Promise<PluginRegistry> {
  const { logger } = options;
  const mapper = new StackMapper();
  const parts = emptyParts(logger, mapper);
  const bundles = await bundleAll(files);
  const modules = files.map((file, i) => evaluateBundle(i, file, bundles[i], mapper));
  for (const mod of modules) reportImport(mod, logger, mapper, options.strict === true);
  const records = modules.map(recordOf);
  await registerAll(modules, records, parts, {
    logger,
    quiet: options.strict === true,
    timeoutMs: options.registerTimeoutMs ?? 10_000,
  });
  parts.files = [...new Set(modules.flatMap((m) => m.inputs))];
  parts.loaded = records;
  const registry = createRegistry(parts);
  const error = options.strict ? strictError(records) : undefined;
  if (error) {
    registry.dispose();
    throw error;
  }
  return registry;
}

/**
 * KrakenD's plugin loading (reference/krakend-behaviour.md §5.1): every file of `folder` (not
 * recursive) whose name contains `pattern` is bundled and evaluated afresh, then offered to the
 * client, handler and modifier loaders. Never throws for a bad file unless `strict`.
 */
export async function loadPlugins(
  folder: PluginFolder,
  options: LoadPluginsOptions,
): Promise<PluginRegistry> {
  const { logger } = options;
  logger.debug(`${LOADER} Starting loading process`);
  const scan = await scanFolder(folder.folder, folder.pattern);
  if (scan.error) {
    const why = scan.error.code === 'ENOENT' ? 'no such file or directory' : scan.error.message;
    const reason = `open ${folder.folder}: ${why}`;
    for (const label of ['Executor', 'Handler', 'Modifier']) {
      logger.debug(`[SERVICE: ${label} Plugin] ${reason}`);
    }
    logger.warn({ folder: folder.folder }, `${LOADER} cannot read the plugin folder: ${reason}`);
  }
  for (const file of scan.skipped) {
    logger.debug({ file }, `${LOADER} ${file}: not a JS/TS module (${EXTENSIONS}), skipped`);
  }
  try {
    return await loadPluginFiles(scan.files, options);
  } finally {
    logger.debug(`${LOADER} Loading process completed`);
  }
}
