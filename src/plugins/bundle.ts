import { dirname, isAbsolute, resolve } from 'node:path';
import type { SourceMapPayload } from 'node:module';
import type { BuildFailure, Message } from 'esbuild';
import { PluginFileError } from './failure.js';

export interface Bundle {
  /** CommonJS text with an inline source map pointing at the original files. */
  code: string;
  /** The source map (sources resolved to absolute paths). */
  map: SourceMapPayload;
  /** The entry file and every local module it imports, absolute. */
  inputs: string[];
  warnings: string[];
}

/**
 * ESM sources lose `import.meta` in CommonJS output; give back what plugins use it for (paths
 * relative to the plugin, as the entry file sees them).
 */
const META_BANNER =
  'var __kc_import_meta_url = require("node:url").pathToFileURL(__filename).href;';
const META_DEFINE = {
  'import.meta.url': '__kc_import_meta_url',
  'import.meta.filename': '__filename',
  'import.meta.dirname': '__dirname',
};

function toLocation(dir: string, m: Message | undefined) {
  const loc = m?.location;
  if (!loc) return undefined;
  return { file: resolve(dir, loc.file), line: loc.line, column: loc.column + 1 };
}

/**
 * One plugin file and its local imports as one CommonJS text (npm packages stay `require`s), so
 * every load evaluates fresh code that the garbage collector can drop whole
 * (reference/reliability.md §4: ESM re-imports leak; CJS outside the require cache does not).
 */
export async function bundlePlugin(file: string): Promise<Bundle> {
  const dir = dirname(file);
  let result;
  try {
    const { build } = await import('esbuild');
    result = await build({
      entryPoints: [file],
      absWorkingDir: dir,
      outfile: `${file}.kc.cjs`,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: `node${process.versions.node.split('.')[0]}`,
      packages: 'external',
      write: false,
      metafile: true,
      sourcemap: 'external',
      sourcesContent: false,
      banner: { js: META_BANNER },
      define: META_DEFINE,
      logLevel: 'silent',
    });
  } catch (err) {
    const first = (err as BuildFailure).errors?.[0];
    // A compile error is the user's mistake: its text and position say it all, and esbuild's own
    // stack and error list are not kept for the log (INTERFACE.md: no stack trace for those).
    if (first) throw new PluginFileError(first.text, toLocation(dir, first));
    throw new PluginFileError((err as Error).message, undefined, err);
  }
  const js = result.outputFiles.find((f) => f.path.endsWith('.kc.cjs'));
  const mapFile = result.outputFiles.find((f) => f.path.endsWith('.map'));
  if (!js || !mapFile) throw new PluginFileError('esbuild produced no output', undefined);
  const parsed = JSON.parse(mapFile.text) as Partial<SourceMapPayload>;
  const map = { file: '', sourceRoot: '', sourcesContent: [], ...parsed } as SourceMapPayload;
  map.sources = map.sources.map((s) => resolve(dir, s));
  // No sourceMappingURL: whether Node maps `_compile`d code differs across versions and flags
  // (Node 20 under tsx does, Node 24 under tsx does not), so the loader maps every stack itself.
  const code = js.text.replace(/\/\/# sourceMappingURL=.*\s*$/, '');
  const inputs = Object.keys(result.metafile.inputs)
    .filter((p) => isAbsolute(p) || !/^[a-z][\w-]*:/i.test(p))
    .map((p) => resolve(dir, p));
  const warnings = result.warnings.map((w) => w.text);
  return { code, map, inputs, warnings };
}
