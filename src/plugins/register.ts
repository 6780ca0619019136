import { basename } from 'node:path';
import { inspect } from 'node:util';
import type { Logger } from 'pino';
import type { KrakendLogger } from '../plugin.js';
import { withDeadline } from './deadline.js';
import { KINDS, LOAD_ORDER, method, type Registerer } from './exports.js';
import { describeFailure, PluginFileError, serializeError } from './failure.js';
import { pluginLogger } from './krakend-logger.js';
import { toFileError, type PluginModule } from './load.js';
import type { RegistryParts } from './registry.js';
import type { LoadedPluginFile, PluginKind } from './types.js';

export interface RegisterOptions {
  logger: Logger;
  /** Bound on an async `Register*` call. */
  timeoutMs: number;
  /** A reload: failures are thrown by the caller and summaries are debug (one line per reload). */
  quiet?: boolean;
}

type Staged = { name: string; entry: Record<string, unknown> };

/** `plugins/krakend-server-example.ts` → `krakend-server-example` (the RegisterLogger child). */
function pluginName(file: string): string {
  return basename(file).replace(/(\.[cm]?[jt]s)$/, '');
}

function mapFor(parts: RegistryParts, kind: PluginKind): Map<string, { file: string }> {
  if (kind === 'handler') return parts.handlers;
  if (kind === 'client') return parts.clients;
  return parts.modifiers;
}

/** Runs one registerer (RegisterLogger, RegisterContext, Register*); returns what it registered. */
async function runRegisterer(
  mod: PluginModule,
  kind: PluginKind,
  reg: Registerer,
  parts: RegistryParts,
  logger: KrakendLogger,
  options: RegisterOptions,
): Promise<Staged[]> {
  const { symbol, method: methodName, label } = KINDS[kind];
  const register = method(reg, methodName);
  if (!register) throw new PluginFileError(`${symbol} has no ${methodName} method`);
  method(reg, 'RegisterLogger')?.call(reg, logger);
  if (kind === 'modifier') {
    method(reg, 'RegisterContext')?.call(reg, { signal: parts.controller.signal });
  }
  const where = `[SERVICE: ${label} Plugin] plugin #${mod.index} (${mod.file}):`;
  const staged: Staged[] = [];
  let open = true;
  const callback = (name: unknown, factory: unknown, request?: unknown, response?: unknown) => {
    if (!open) {
      const call = `register(${inspect(name)})`;
      options.logger.warn(`${where} ${call} called after ${methodName} returned; ignored`);
      return;
    }
    if (typeof name !== 'string' || name === '') {
      throw new TypeError(
        `register: the plugin name must be a non-empty string, got ${inspect(name)}`,
      );
    }
    if (typeof factory !== 'function') {
      throw new TypeError(`register(${JSON.stringify(name)}): the factory must be a function`);
    }
    const entry: Record<string, unknown> = { factory, file: mod.file };
    if (kind === 'modifier') {
      Object.assign(entry, { request: Boolean(request), response: Boolean(response) });
    }
    staged.push({ name, entry });
  };
  try {
    await withDeadline(register.call(reg, callback), options.timeoutMs, `${symbol}.${methodName}`);
  } finally {
    open = false;
  }
  return staged;
}

function commit(
  parts: RegistryParts,
  kind: PluginKind,
  mod: PluginModule,
  staged: Staged[],
  logger: Logger,
) {
  const target = mapFor(parts, kind) as Map<string, { file: string }>;
  for (const { name, entry } of staged) {
    if (kind === 'client' && name === 'no-redirect') {
      // DECISIONS 13: KrakenD's own `no-redirect` is built in and answers for this name.
      logger.warn(
        `[SERVICE: Executor Plugin] plugin #${mod.index} (${mod.file}): "no-redirect" is the ` +
          'built-in client that stops following redirects; this registration is never used (rename it)',
      );
    }
    const previous = target.get(name);
    if (previous) {
      const where = `[SERVICE: ${KINDS[kind].label} Plugin] plugin #${mod.index} (${mod.file}):`;
      logger.warn(
        `${where} ${JSON.stringify(name)} was already registered by ${previous.file}; ` +
          'the last registration wins',
      );
    }
    target.set(name, entry as unknown as { file: string });
  }
}

/**
 * KrakenD's three loaders over the same files, in its order (client "Executor", handler,
 * modifier), with its log lines. Unlike KrakenD (krakend-ce#788) failures are not hidden at
 * DEBUG: a file that fails to register is an ERROR naming the file, line and reason
 * (DECISIONS 20); a file lacking one loader's symbol stays KrakenD's DEBUG line.
 */
export async function registerAll(
  modules: readonly PluginModule[],
  records: readonly LoadedPluginFile[],
  parts: RegistryParts,
  options: RegisterOptions,
): Promise<void> {
  const { logger } = options;
  const mapStack = (stack: string) => parts.mapper.map(stack);
  const loggers = new Map<string, KrakendLogger>();
  for (const kind of LOAD_ORDER) {
    const { symbol, label } = KINDS[kind];
    let total = 0;
    for (const [i, mod] of modules.entries()) {
      if (mod.error || Object.keys(mod.registerers).length === 0) continue;
      const reg = mod.registerers[kind];
      if (!reg) {
        logger.debug(
          `[SERVICE: ${label} Plugin] plugin #${mod.index} (${mod.file}): ` +
            `plugin: symbol ${symbol} not found in plugin ${mod.file}`,
        );
        continue;
      }
      let pl = loggers.get(mod.file);
      if (!pl) loggers.set(mod.file, (pl = pluginLogger(logger, pluginName(mod.file), mapStack)));
      const record = records[i];
      try {
        const staged = await runRegisterer(mod, kind, reg, parts, pl, options);
        commit(parts, kind, mod, staged, logger);
        record.kinds.push({ kind, ok: true });
        record.names.push(...staged.map((s) => s.name));
        total++;
      } catch (err) {
        const failure =
          err instanceof PluginFileError ? err : toFileError(err, mod.inputs, parts.mapper);
        const text = describeFailure(failure.message, failure.location);
        record.kinds.push({ kind, ok: false, error: text });
        record.location ??= failure.location;
        logger[options.quiet ? 'debug' : 'error'](
          { file: mod.file, kind, err: serializeError(failure.cause ?? failure, mapStack) },
          `[SERVICE: ${label} Plugin] plugin #${mod.index} (${mod.file}): ${text}`,
        );
      }
    }
    if (total > 0) {
      logger[options.quiet ? 'debug' : 'info'](`[SERVICE: ${label} Plugin] Total plugins loaded: ${total}`);
    }
  }
}
