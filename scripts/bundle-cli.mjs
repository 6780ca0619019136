// The bin as one esbuild bundle of the CLI and the packages it loads at start (see build.mjs).
import { join } from 'node:path';

/** Bundles `<root>/src/cli.ts` into `outfile`. */
export async function bundleCli(root, outfile) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(root, 'src', 'cli.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    // esbuild is a native binary; undici's pool is loaded alone on purpose
    // (src/proxy/dispatchers.ts); pino-pretty only for a terminal. What the sources load lazily
    // with createRequire (ajv, yaml, fast-xml-parser) stays outside by construction.
    external: ['esbuild', 'undici', 'pino-pretty'],
    // Bundled CommonJS packages call require() for Node's built-ins and read __dirname.
    banner: {
      js: [
        "import { createRequire as __kcCreateRequire } from 'node:module';",
        "import { fileURLToPath as __kcFileURLToPath } from 'node:url';",
        "import { dirname as __kcDirname } from 'node:path';",
        'const require = __kcCreateRequire(import.meta.url);',
        'const __filename = __kcFileURLToPath(import.meta.url);',
        'const __dirname = __kcDirname(__filename);',
      ].join('\n'),
    },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}
