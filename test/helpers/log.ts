import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger that keeps every line in memory, for asserting exact log lines. */
export function logSink(level = 'debug'): { logger: Logger; lines: LogLine[]; messages: () => string[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const part of chunk.toString('utf8').split('\n')) {
        if (part) lines.push(JSON.parse(part) as LogLine);
      }
      cb();
    },
  });
  const logger = pino({ level, base: undefined }, stream);
  return { logger, lines, messages: () => lines.map((l) => l.msg) };
}

export const LEVEL = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
