import type {
  ClientFactory,
  HandlerFactory,
  KrakendLogger,
  ModifierFactory,
  PluginContext,
} from '../plugin.js';

export type PluginKind = 'handler' | 'client' | 'modifier';

export interface RegisteredModifier {
  factory: ModifierFactory;
  request: boolean;
  response: boolean;
  file: string;
}

/** Where a load or registration error points (1-based line and column). */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface LoadedPluginFile {
  file: string;
  /** Which registerers the file exported and whether they registered cleanly. */
  kinds: { kind: PluginKind; ok: boolean; error?: string }[];
  names: string[];
  error?: string;
  /** Position in the scanned list (KrakenD's `plugin #<i>`). */
  index?: number;
  /** Where `error` (or the first failed registration) points, mapped to the original source. */
  location?: SourceLocation;
  /** The file and every local module it imports (absolute paths). */
  inputs?: readonly string[];
}

/** Everything one load of the plugin folder produced; one per gateway generation. */
export interface PluginRegistry {
  readonly handlers: ReadonlyMap<string, { factory: HandlerFactory; file: string }>;
  readonly clients: ReadonlyMap<string, { factory: ClientFactory; file: string }>;
  readonly modifiers: ReadonlyMap<string, RegisteredModifier>;
  /** Plugin files and every local file they import (what a watcher must watch). */
  readonly files: readonly string[];
  readonly loaded: readonly LoadedPluginFile[];
  /** Aborted by `dispose()`: the `ctx.signal` every factory got. */
  readonly signal: AbortSignal;
  /** Context for a named plugin (logger child named after it). */
  context(name: string): PluginContext;
  /**
   * Rewrites the frames of a stack that point into a bundled plugin so they name the original
   * file, line and column (a no-op when Node's own source-map support already did it).
   */
  mapStack(stack: string): string;
  dispose(): void;
}

export type { KrakendLogger };
