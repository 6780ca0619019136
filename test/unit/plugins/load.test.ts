import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isGatewayError } from '../../../src/errors.js';
import { loadPlugins, type PluginRegistry } from '../../../src/plugins/index.js';
import { LEVEL, logSink } from '../../helpers/log.js';
import { tempPlugins } from '../../integration/plugins/helpers.js';

const OK = `export const HandlerRegisterer = {
  RegisterHandlers(register: any) { register('ok', () => (_req: any, res: any) => res.end('ok')); },
};
`;

const BROKEN = {
  'a-ok.ts': OK,
  'b-syntax.ts': 'export const HandlerRegisterer = {\n  RegisterHandlers(register) { const x = ; },\n};\n',
  'c-throws.ts': 'const n: number = 1;\n\nif (n) throw new Error(`import boom ${n}`);\nexport const HandlerRegisterer = {};\n',
  'd-none.ts': 'export const something = 1;\n',
  'e-register-throws.ts':
    'export const HandlerRegisterer = {\n  RegisterHandlers() {\n    throw new TypeError("register boom");\n  },\n};\n',
  'f-no-method.ts': 'export const HandlerRegisterer = { RegisterLogger() {} };\n',
  'g-bad-name.ts': 'export const ClientRegisterer = {\n  RegisterClients(register: any) { register(42, () => null); },\n};\n',
  'legacy.so': '',
};

describe('loadPlugins: a bad file is an ERROR with its file, line and reason (krakend-ce#788)', () => {
  const sink = logSink();
  let plugins: Awaited<ReturnType<typeof tempPlugins>>;
  let registry: PluginRegistry;
  const f = (name: string) => join(plugins.folder, name);

  before(async () => {
    plugins = await tempPlugins(BROKEN);
    registry = await loadPlugins({ folder: plugins.folder, pattern: '.so' }, { logger: sink.logger });
  });
  after(async () => {
    registry.dispose();
    await plugins.cleanup();
  });

  it('logs import and registration failures at ERROR, a file with no registerer at WARNING', () => {
    assert.deepEqual(
      sink.lines.filter((l) => l.level >= LEVEL.warn).map((l) => [l.level, l.msg]),
      [
        [LEVEL.error, `[SERVICE: Plugin Loader] plugin #1 (${f('b-syntax.ts')}): ${f('b-syntax.ts')}:2:42 Unexpected ";"`],
        [LEVEL.error, `[SERVICE: Plugin Loader] plugin #2 (${f('c-throws.ts')}): ${f('c-throws.ts')}:3:14 import boom 1`],
        [LEVEL.warn, `[SERVICE: Plugin Loader] plugin #3 (${f('d-none.ts')}): the plugin exports no HandlerRegisterer, ClientRegisterer or ModifierRegisterer`],
        [LEVEL.error, `[SERVICE: Executor Plugin] plugin #6 (${f('g-bad-name.ts')}): ${f('g-bad-name.ts')}:2:36 register: the plugin name must be a non-empty string, got 42`],
        [LEVEL.error, `[SERVICE: Handler Plugin] plugin #4 (${f('e-register-throws.ts')}): ${f('e-register-throws.ts')}:3:11 register boom`],
        [LEVEL.error, `[SERVICE: Handler Plugin] plugin #5 (${f('f-no-method.ts')}): HandlerRegisterer has no RegisterHandlers method`],
      ],
    );
  });

  it('keeps the stack of a throw at import, but no esbuild internals for a compile error', () => {
    const of = (name: string) => sink.lines.find((l) => l.level === LEVEL.error && l.msg.includes(`(${f(name)})`))!;
    assert.equal((of('b-syntax.ts') as { err?: unknown }).err, undefined);
    const thrown = (of('c-throws.ts') as { err?: { stack?: string } }).err;
    assert.match(thrown?.stack ?? '', /import boom 1/);
  });

  it('keeps KrakenD\'s DEBUG lines and totals for the rest', () => {
    const debug = sink.lines.filter((l) => l.level <= LEVEL.info).map((l) => l.msg);
    assert.equal(debug[0], '[SERVICE: Plugin Loader] Starting loading process');
    assert.ok(debug.includes(`[SERVICE: Plugin Loader] ${f('legacy.so')}: not a JS/TS module (.ts .mts .cts .js .mjs .cjs), skipped`));
    assert.ok(debug.includes(`[SERVICE: Executor Plugin] plugin #0 (${f('a-ok.ts')}): plugin: symbol ClientRegisterer not found in plugin ${f('a-ok.ts')}`));
    assert.ok(debug.includes('[SERVICE: Handler Plugin] Total plugins loaded: 1'));
    assert.ok(!debug.some((m) => m.startsWith('[SERVICE: Executor Plugin] Total')), 'no total when nothing loaded');
    assert.equal(debug.at(-1), '[SERVICE: Plugin Loader] Loading process completed');
  });

  it('records every file in registry.loaded and still serves the good one', () => {
    assert.deepEqual([...registry.handlers.keys()], ['ok']);
    const byName = Object.fromEntries(registry.loaded.map((l) => [l.file.slice(plugins.folder.length + 1), l]));
    assert.deepEqual(byName['a-ok.ts'].kinds, [{ kind: 'handler', ok: true }]);
    assert.equal(byName['b-syntax.ts'].error, `${f('b-syntax.ts')}:2:42 Unexpected ";"`);
    assert.deepEqual(byName['b-syntax.ts'].location, { file: f('b-syntax.ts'), line: 2, column: 42 });
    assert.equal(byName['c-throws.ts'].error, `${f('c-throws.ts')}:3:14 import boom 1`);
    assert.deepEqual(byName['d-none.ts'].kinds, []);
    assert.deepEqual(byName['e-register-throws.ts'].kinds, [
      { kind: 'handler', ok: false, error: `${f('e-register-throws.ts')}:3:11 register boom` },
    ]);
    assert.ok(registry.files.includes(f('b-syntax.ts')), 'a broken file is still watched');
  });

  it('throws KC_PLUGIN_LOAD with file:line:col when strict', async () => {
    const strict = logSink();
    await assert.rejects(
      loadPlugins({ folder: plugins.folder, pattern: '.so' }, { logger: strict.logger, strict: true }),
      (err: unknown) => {
        assert.ok(isGatewayError(err));
        assert.equal(err.code, 'KC_PLUGIN_LOAD');
        assert.equal(err.file, f('b-syntax.ts'));
        assert.equal(err.line, 2);
        assert.equal(err.column, 42);
        assert.equal(err.message.split('\n')[0], `${f('b-syntax.ts')}:2:42 Unexpected ";"`);
        const lines = err.message.split('\n');
        assert.equal(lines.length, 5);
        // Every failure names its file: with several plugins, the reload line says which one.
        for (const line of lines) assert.ok(line.startsWith(`${plugins.folder}/`), line);
        assert.ok(lines.includes(`${f('f-no-method.ts')}: HandlerRegisterer has no RegisterHandlers method`), err.message);
        return true;
      },
    );
  });
});

describe('loadPlugins: folders, fresh modules, registration rules', () => {
  it('warns once when the folder cannot be read, with KrakenD\'s DEBUG lines', async () => {
    const sink = logSink();
    const folder = '/nonexistent-kc-plugins';
    const registry = await loadPlugins({ folder, pattern: '.so' }, { logger: sink.logger, strict: true });
    assert.equal(registry.handlers.size, 0);
    assert.deepEqual(sink.lines.map((l) => [l.level, l.msg]), [
      [LEVEL.debug, '[SERVICE: Plugin Loader] Starting loading process'],
      [LEVEL.debug, `[SERVICE: Executor Plugin] open ${folder}: no such file or directory`],
      [LEVEL.debug, `[SERVICE: Handler Plugin] open ${folder}: no such file or directory`],
      [LEVEL.debug, `[SERVICE: Modifier Plugin] open ${folder}: no such file or directory`],
      [LEVEL.warn, `[SERVICE: Plugin Loader] cannot read the plugin folder: open ${folder}: no such file or directory`],
      [LEVEL.debug, '[SERVICE: Plugin Loader] Loading process completed'],
    ]);
  });

  it('evaluates the files afresh on every load (what hot reload builds on)', async () => {
    const plugins = await tempPlugins({
      'counter.ts': `let loads = 0;
        export const HandlerRegisterer = {
          RegisterHandlers(register: any) {
            loads++;
            register('counter', () => () => {});
            register('version-1', () => () => {});
            (globalThis as any).__kcLoads = ((globalThis as any).__kcLoads ?? 0) + 1;
            (globalThis as any).__kcModuleLoads = loads;
          },
        };`,
    });
    const g = globalThis as { __kcLoads?: number; __kcModuleLoads?: number };
    try {
      const opts = { logger: logSink().logger };
      const first = await loadPlugins({ folder: plugins.folder, pattern: '.ts' }, opts);
      const second = await loadPlugins({ folder: plugins.folder, pattern: '.ts' }, opts);
      assert.equal(g.__kcLoads, 2);
      assert.equal(g.__kcModuleLoads, 1, 'module state is not shared between loads');
      assert.notEqual(first.handlers.get('counter')?.factory, second.handlers.get('counter')?.factory);
      await writeFile(join(plugins.folder, 'counter.ts'), OK.replace("'ok'", "'version-2'"));
      const third = await loadPlugins({ folder: plugins.folder, pattern: '.ts' }, opts);
      assert.deepEqual([...third.handlers.keys()], ['version-2']);
      for (const r of [first, second, third]) r.dispose();
    } finally {
      delete g.__kcLoads;
      delete g.__kcModuleLoads;
      await plugins.cleanup();
    }
  });

  it('lets the last registration of a name win, with a warning', async () => {
    const plugins = await tempPlugins({
      'a.ts': OK.replace("res.end('ok')", "res.end('a')"),
      'b.ts': OK.replace("res.end('ok')", "res.end('b')"),
    });
    try {
      const sink = logSink();
      const registry = await loadPlugins({ folder: plugins.folder, pattern: '.ts' }, { logger: sink.logger });
      assert.equal(registry.handlers.get('ok')?.file, join(plugins.folder, 'b.ts'));
      const warnings = sink.lines.filter((l) => l.level === LEVEL.warn).map((l) => l.msg);
      assert.deepEqual(warnings, [
        `[SERVICE: Handler Plugin] plugin #1 (${join(plugins.folder, 'b.ts')}): "ok" was already registered by ${join(plugins.folder, 'a.ts')}; the last registration wins`,
      ]);
      registry.dispose();
    } finally {
      await plugins.cleanup();
    }
  });

  it('gives RegisterLogger, RegisterContext and async registration what KrakenD does', async () => {
    const plugins = await tempPlugins({
      'all-kinds.ts': `
        let ctxSignal: AbortSignal | undefined;
        export const ModifierRegisterer = {
          RegisterLogger(l: any) { l.Warning('[PLUGIN: all-kinds] modifier logger'); },
          RegisterContext(ctx: { signal: AbortSignal }) { ctxSignal = ctx.signal; },
          async RegisterModifiers(register: any) {
            await new Promise((r) => setTimeout(r, 1));
            register('req-only', () => (w: unknown) => w, true, false);
            register('both', () => (w: unknown) => w, true, true);
          },
        };
        export const ClientRegisterer = {
          registerClients(register: any) {
            register('client', (ctx: any) => { (globalThis as any).__kcSignal = ctx.signal; return () => new Response('x'); });
          },
        };
        export const signalSeen = () => ctxSignal;`,
    });
    try {
      const sink = logSink();
      const registry = await loadPlugins({ folder: plugins.folder, pattern: '.ts' }, { logger: sink.logger });
      const warn = sink.lines.find((l) => l.level === LEVEL.warn);
      assert.equal(warn?.msg, '[PLUGIN: all-kinds] modifier logger');
      assert.equal(warn?.plugin, 'all-kinds');
      assert.deepEqual(
        [...registry.modifiers].map(([n, m]) => [n, m.request, m.response]),
        [['req-only', true, false], ['both', true, true]],
      );
      const names = registry.loaded[0].names;
      assert.deepEqual(names, ['client', 'req-only', 'both']);
      const ctx = registry.context('client');
      await registry.clients.get('client')?.factory(ctx, {});
      const seen = (globalThis as { __kcSignal?: AbortSignal }).__kcSignal;
      assert.equal(seen, registry.signal);
      assert.equal(seen?.aborted, false);
      registry.dispose();
      assert.equal(seen?.aborted, true, 'dispose aborts ctx.signal');
      registry.dispose(); // idempotent
    } finally {
      delete (globalThis as { __kcSignal?: AbortSignal }).__kcSignal;
      await plugins.cleanup();
    }
  });

  it('warns that a client plugin named no-redirect is never used: the built-in has the name', async () => {
    const plugins = await tempPlugins({
      'mine.ts': "export const ClientRegisterer = { RegisterClients(r: any) { r('no-redirect', () => async () => new Response('x')); } };\n",
    });
    try {
      const sink = logSink();
      const registry = await loadPlugins({ folder: plugins.folder, pattern: '.ts' }, { logger: sink.logger });
      const file = join(plugins.folder, 'mine.ts');
      assert.ok(
        sink.lines.some(
          (l) =>
            l.level === LEVEL.warn &&
            l.msg === `[SERVICE: Executor Plugin] plugin #0 (${file}): "no-redirect" is the built-in client that stops following redirects; this registration is never used (rename it)`,
        ),
        sink.lines.map((l) => l.msg).join('\n'),
      );
      registry.dispose();
    } finally {
      await plugins.cleanup();
    }
  });

  it('bounds an async registration that never finishes', async () => {
    const plugins = await tempPlugins({
      'stuck.ts': 'export const HandlerRegisterer = { RegisterHandlers: () => new Promise(() => {}) };\n',
    });
    try {
      const sink = logSink();
      const registry = await loadPlugins(
        { folder: plugins.folder, pattern: '.ts' },
        { logger: sink.logger, registerTimeoutMs: 50 },
      );
      const err = sink.lines.find((l) => l.level === LEVEL.error);
      const file = join(plugins.folder, 'stuck.ts');
      assert.equal(
        err?.msg,
        `[SERVICE: Handler Plugin] plugin #0 (${file}): HandlerRegisterer.RegisterHandlers did not finish within 50 ms`,
      );
      registry.dispose();
    } finally {
      await plugins.cleanup();
    }
  });
});
