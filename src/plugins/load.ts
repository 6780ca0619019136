import { bundlePlugin, type Bundle } from './bundle.js';
import { evaluatePlugin } from './evaluate.js';
import { findRegisterer, LOAD_ORDER, type Registerer } from './exports.js';
import { errorMessage, PluginFileError } from './failure.js';
import { locate, type StackMapper } from './source-map.js';
import type { PluginKind, SourceLocation } from './types.js';

/** One plugin file after bundling and evaluation, before any registration. */
export interface PluginModule {
  index: number;
  file: string;
  inputs: readonly string[];
  registerers: Partial<Record<PluginKind, Registerer>>;
  warnings: readonly string[];
  error?: PluginFileError;
}

function failed(index: number, file: string, inputs: readonly string[], error: PluginFileError) {
  return { index, file, inputs, registerers: {}, warnings: [], error } satisfies PluginModule;
}

/** Why evaluation threw, pointed at the original line (the first frame in the plugin's files). */
export function toFileError(
  err: unknown,
  inputs: readonly string[],
  mapper: StackMapper,
  fallback?: SourceLocation,
): PluginFileError {
  const stack = err instanceof Error && typeof err.stack === 'string' ? mapper.map(err.stack) : '';
  const location = locate(stack, inputs) ?? fallback;
  return new PluginFileError(errorMessage(err), location, err);
}

/** Bundling is the slow part and independent per file; start it for all files at once. */
export function bundleAll(files: readonly string[]): Promise<PromiseSettledResult<Bundle>[]> {
  return Promise.allSettled(files.map((f) => bundlePlugin(f)));
}

export function evaluateBundle(
  index: number,
  file: string,
  bundled: PromiseSettledResult<Bundle>,
  mapper: StackMapper,
): PluginModule {
  if (bundled.status === 'rejected') {
    const err = bundled.reason;
    const error = err instanceof PluginFileError ? err : new PluginFileError(errorMessage(err));
    const where = error.location?.file;
    const inputs = where && where !== file ? [file, where] : [file];
    return failed(index, file, inputs, error);
  }
  const { code, map, inputs, warnings } = bundled.value;
  mapper.add(file, map);
  let exports: Record<string, unknown>;
  try {
    exports = evaluatePlugin(code, file);
  } catch (err) {
    return failed(index, file, inputs, toFileError(err, inputs, mapper));
  }
  const registerers: PluginModule['registerers'] = {};
  for (const kind of LOAD_ORDER) {
    const reg = findRegisterer(exports, kind);
    if (reg) registerers[kind] = reg;
  }
  return { index, file, inputs, registerers, warnings };
}
