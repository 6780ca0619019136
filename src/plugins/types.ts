import type {
  ClientFactory,
  HandlerFactory,
  KrakendLogger,
  ModifierFactory,
  PluginContext,
} from '../plugin.js';

export interface RegisteredModifier {
  factory: ModifierFactory;
  request: boolean;
  response: boolean;
  file: string;
}

export interface LoadedPluginFile {
  file: string;
  /** Which registerers the file exported and whether they registered cleanly. */
  kinds: { kind: 'handler' | 'client' | 'modifier'; ok: boolean; error?: string }[];
  names: string[];
  error?: string;
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
  dispose(): void;
}

export type { KrakendLogger };
