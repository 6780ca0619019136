import type { SourceLocation } from './types.js';

/** A plugin file that failed to bundle, evaluate or register, and where it points. */
export class PluginFileError extends Error {
  readonly location?: SourceLocation;

  constructor(message: string, location?: SourceLocation, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'PluginFileError';
    this.location = location;
  }
}

export function formatLocation(loc: SourceLocation | undefined): string {
  return loc ? `${loc.file}:${loc.line}:${loc.column}` : '';
}

/** `file:line:col message`, the one format load problems are printed in (DECISIONS 6). */
export function describeFailure(message: string, loc: SourceLocation | undefined): string {
  return loc ? `${formatLocation(loc)} ${message}` : message;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : String(err);
}

/**
 * A pino `err` value whose stack names the original plugin files: the error itself, or a view of
 * it (same prototype chain, so pino still prints its type and fields) with the mapped stack.
 */
export function serializeError(err: unknown, mapStack: (s: string) => string): unknown {
  if (!(err instanceof Error) || typeof err.stack !== 'string') return err;
  const mapped = mapStack(err.stack);
  if (mapped === err.stack) return err;
  const view = Object.create(err) as Error;
  Object.defineProperty(view, 'stack', { value: mapped, enumerable: false });
  return view;
}
