import { inspect } from 'node:util';
import type { Logger } from 'pino';
import type { KrakendLogger } from '../plugin.js';
import { serializeError } from './failure.js';

/** Maps a stack's bundle lines back to the plugin's own files (src/plugins/source-map.ts). */
type MapStack = (stack: string) => string;
const SAME: MapStack = (stack) => stack;

type PinoMethod = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * KrakenD's logger joins its arguments with spaces (`logger.Debug("request:", path)`); an
 * Error among them is also handed to pino as `err` so its stack reaches the log.
 */
function krakendStyle(logger: Logger, method: PinoMethod, mapStack: MapStack) {
  return function log(...args: unknown[]): void {
    if (!logger.isLevelEnabled(method)) return;
    const msg = args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 4 }))).join(' ');
    const err = args.find((a) => a instanceof Error);
    if (err) logger[method]({ err: serializeError(err, mapStack) }, msg);
    else logger[method](msg);
  };
}

/** pino's own method, with an Error (first argument, or its `err` field) mapped the same way. */
function pinoStyle(logger: Logger, method: PinoMethod, mapStack: MapStack) {
  const call = logger[method].bind(logger) as (...a: unknown[]) => void;
  return function log(...args: unknown[]): void {
    const [first, ...rest] = args;
    const err = (first as { err?: unknown } | null)?.err;
    if (first instanceof Error) call(serializeError(first, mapStack), ...rest);
    else if (err instanceof Error) call({ ...(first as object), err: serializeError(err, mapStack) }, ...rest);
    else call(...args);
  };
}

/**
 * The logger a plugin gets from `RegisterLogger` and `ctx.logger`: KrakenD's level methods
 * (`Critical` and `Fatal` log at pino's `fatal` and never exit the process, unlike Go's) plus
 * pino's own lower-case methods, bound to the child logger unchanged.
 */
export function createKrakendLogger(logger: Logger, mapStack: MapStack = SAME): KrakendLogger {
  return {
    Debug: krakendStyle(logger, 'debug', mapStack),
    Info: krakendStyle(logger, 'info', mapStack),
    Warning: krakendStyle(logger, 'warn', mapStack),
    Error: krakendStyle(logger, 'error', mapStack),
    Critical: krakendStyle(logger, 'fatal', mapStack),
    Fatal: krakendStyle(logger, 'fatal', mapStack),
    trace: pinoStyle(logger, 'trace', mapStack),
    debug: pinoStyle(logger, 'debug', mapStack),
    info: pinoStyle(logger, 'info', mapStack),
    warn: pinoStyle(logger, 'warn', mapStack),
    error: pinoStyle(logger, 'error', mapStack),
    fatal: pinoStyle(logger, 'fatal', mapStack),
  };
}

/**
 * A child logger named after the plugin, as `KrakendLogger`. An Error it logs has its stack
 * mapped to the plugin's `.ts` lines, as the gateway's own plugin errors are.
 */
export function pluginLogger(logger: Logger, name: string, mapStack: MapStack = SAME): KrakendLogger {
  return createKrakendLogger(logger.child({ plugin: name }), mapStack);
}
