import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Level, type Logger, type LevelWithSilent } from 'pino';
import type PinoPretty from 'pino-pretty';
import { LineBatch } from './log-batch.js';

/**
 * pino-pretty is loaded only when output is pretty (a terminal): importing it costs ~50 ms of
 * start-up that a piped or file log never uses (docs/performance.md, start-up target).
 */
function loadPretty(): typeof PinoPretty {
  return createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
}

/** KrakenD's level names and pino's, case-insensitive, to pino levels. */
const LEVELS: Record<string, LevelWithSilent> = {
  debug: 'debug',
  info: 'info',
  warning: 'warn',
  warn: 'warn',
  error: 'error',
  critical: 'fatal',
  fatal: 'fatal',
  trace: 'trace',
  silent: 'silent',
};

export function toPinoLevel(level: string | undefined): LevelWithSilent | undefined {
  if (level === undefined) return undefined;
  return LEVELS[level.toLowerCase()];
}

export const LEVEL_NAMES = Object.keys(LEVELS);

export interface LoggerOptions {
  level?: string;
  /** Pretty output; default: when stdout is a TTY. */
  pretty?: boolean;
  /** KrakenD `telemetry/logging.prefix`, prepended to every message. */
  prefix?: string;
  destination?: DestinationStream;
}

/**
 * Secrets never reach a log line: whatever a caller logs under these keys is redacted.
 * (`SECURITY.md`: Authorization and cookies are redacted.)
 */
const REDACT = [
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'headers["proxy-authorization"]',
  'req.headers.authorization',
  'req.headers.cookie',
];

const kPrefix = Symbol('krakend-connect.log-prefix');
type Prefixed = Logger & { [kPrefix]?: string };

/**
 * KrakenD's `telemetry/logging.prefix` on a logger from {@link createLogger} and its children
 * (they inherit from it): set when a config loads, so a reload can change it. The access line
 * keeps none, as gin's access logger in KrakenD has its own format.
 */
export function setMessagePrefix(logger: Logger, prefix: string | undefined): void {
  (logger as Prefixed)[kPrefix] = prefix === '' ? undefined : prefix;
}

/** pino's hook before each call: the prefix goes in front of the message string. */
function prefixMessage(
  this: Logger,
  args: Parameters<Logger['info']>,
  method: (...a: unknown[]) => void,
): void {
  const prefix = (this as Prefixed)[kPrefix];
  if (prefix !== undefined) {
    const at = typeof args[0] === 'string' ? 0 : typeof args[1] === 'string' ? 1 : -1;
    if (at !== -1) (args as unknown[])[at] = `${prefix} ${args[at] as string}`;
  }
  method.apply(this, args);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = toPinoLevel(options.level) ?? 'info';
  const usePretty = options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true);
  const base = {
    level,
    base: undefined,
    redact: { paths: REDACT, censor: '[redacted]' },
    hooks: { logMethod: prefixMessage },
  };
  const made = createBase(base, options, usePretty);
  if (options.prefix) setMessagePrefix(made, options.prefix);
  return made;
}

function createBase(base: pino.LoggerOptions, options: LoggerOptions, usePretty: boolean): Logger {
  if (options.destination) return withLineSink(pino(base, options.destination), options.destination);
  if (usePretty) {
    return pino(
      base,
      loadPretty()({
        colorize: true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname,method,path,status,ms,generation,plugin,endpoint,backend',
        sync: true,
      }),
    );
  }
  // Piped or file output: lines are written in ~4 KB batches, and at least every 100 ms. One
  // write per line cost the no-op path ~10 µs of CPU per request (docs/performance.md). Each
  // batch is one synchronous write: no thread-pool hop, and no write still in flight at exit to
  // land after the last lines. What is gathered is written on exit, and by `logger.flush()`.
  const destination = new LineBatch(pino.destination({ sync: true }));
  return withLineSink(pino(base, destination), destination);
}

const kLineSink = Symbol('krakend-connect.line-sink');

type LineSink = (line: string) => void;

/**
 * A JSON logger made here writes exactly pino's line for an object and a message: `{"level":30,
 * "time":<epoch ms>,…fields,"msg":"…"}` (no base, no formatters, no mixin). The access log, one
 * line per request, writes that line itself to the same destination: pino's generic
 * serialization was ~5 µs of the ~70 µs a no-op request costs (docs/performance.md).
 */
function withLineSink(logger: Logger, destination: DestinationStream): Logger {
  (logger as Logger & { [kLineSink]?: LineSink })[kLineSink] = (line) => destination.write(line);
  return logger;
}

/** The raw line writer of a JSON logger from {@link createLogger}; undefined for any other. */
export function jsonLineSink(logger: Logger): LineSink | undefined {
  return (logger as Logger & { [kLineSink]?: LineSink })[kLineSink];
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

export type { Level, Logger };
