import { inspect } from 'node:util';
import type { Logger } from 'pino';
import type { KrakendLogger } from '../plugin.js';

type PinoMethod = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * KrakenD's logger joins its arguments with spaces (`logger.Debug("request:", path)`); an
 * Error among them is also handed to pino as `err` so its stack reaches the log.
 */
function krakendStyle(logger: Logger, method: PinoMethod) {
  return function log(...args: unknown[]): void {
    if (!logger.isLevelEnabled(method)) return;
    const msg = args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 4 }))).join(' ');
    const err = args.find((a) => a instanceof Error);
    if (err) logger[method]({ err }, msg);
    else logger[method](msg);
  };
}

/**
 * The logger a plugin gets from `RegisterLogger` and `ctx.logger`: KrakenD's level methods
 * (`Critical` and `Fatal` log at pino's `fatal` and never exit the process, unlike Go's) plus
 * pino's own lower-case methods, bound to the child logger unchanged.
 */
export function createKrakendLogger(logger: Logger): KrakendLogger {
  return {
    Debug: krakendStyle(logger, 'debug'),
    Info: krakendStyle(logger, 'info'),
    Warning: krakendStyle(logger, 'warn'),
    Error: krakendStyle(logger, 'error'),
    Critical: krakendStyle(logger, 'fatal'),
    Fatal: krakendStyle(logger, 'fatal'),
    trace: logger.trace.bind(logger),
    debug: logger.debug.bind(logger),
    info: logger.info.bind(logger),
    warn: logger.warn.bind(logger),
    error: logger.error.bind(logger),
    fatal: logger.fatal.bind(logger),
  };
}

/** A child logger named after the plugin, as `KrakendLogger`. */
export function pluginLogger(logger: Logger, name: string): KrakendLogger {
  return createKrakendLogger(logger.child({ plugin: name }));
}
