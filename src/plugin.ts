/**
 * `krakend-connect/plugin`: the shapes a plugin author writes against (KrakenD's plugin
 * interfaces in JS/TS, `reference/krakend-behaviour.md` §5 and INTERFACE.md).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** KrakenD's logger methods plus pino's lower-case ones, so code written either way works. */
export interface KrakendLogger {
  Debug(...args: unknown[]): void;
  Info(...args: unknown[]): void;
  Warning(...args: unknown[]): void;
  Error(...args: unknown[]): void;
  Critical(...args: unknown[]): void;
  Fatal(...args: unknown[]): void;
  trace(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  fatal(...args: unknown[]): void;
}

export interface PluginContext {
  /** Aborts when this plugin generation is unloaded (reload or close). */
  signal: AbortSignal;
  logger: KrakendLogger;
}

export type PluginHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** `factory(ctx, extra, next)`: `extra` is the whole `plugin/http-server` object. */
export type HandlerFactory = (
  ctx: PluginContext,
  extra: Record<string, unknown>,
  next: PluginHandler,
) => PluginHandler | Promise<PluginHandler>;

export interface HandlerRegisterer {
  RegisterLogger?(logger: KrakendLogger): void;
  RegisterHandlers(register: (name: string, factory: HandlerFactory) => void): void | Promise<void>;
}

/** Replaces a backend call: a WHATWG Request in, a Response out. */
export type ClientHandler = (request: Request) => Response | Promise<Response>;

/** `factory(ctx, extra)`: `extra` is the backend's `plugin/http-client` object. */
export type ClientFactory = (
  ctx: PluginContext,
  extra: Record<string, unknown>,
) => ClientHandler | Promise<ClientHandler>;

export interface ClientRegisterer {
  RegisterLogger?(logger: KrakendLogger): void;
  RegisterClients(register: (name: string, factory: ClientFactory) => void): void | Promise<void>;
}

export interface RequestWrapper {
  method: string;
  /** The full backend URL (modifiers may change it). */
  url: string;
  path: string;
  query: Record<string, string[]>;
  params: Record<string, string>;
  headers: Record<string, string[]>;
  body: Uint8Array | null;
}

export interface ResponseWrapper {
  data: Record<string, unknown>;
  isComplete: boolean;
  statusCode: number;
  headers: Record<string, string[]>;
}

export type RequestModifier = (w: RequestWrapper) => RequestWrapper | Promise<RequestWrapper>;
export type ResponseModifier = (w: ResponseWrapper) => ResponseWrapper | Promise<ResponseWrapper>;

/** `factory(extra)`: `extra` is the `plugin/req-resp-modifier` object of that scope. */
export type ModifierFactory = (
  extra: Record<string, unknown>,
) => ((w: any) => unknown) | Promise<(w: any) => unknown>;

export interface ModifierRegisterer {
  RegisterLogger?(logger: KrakendLogger): void;
  RegisterContext?(ctx: { signal: AbortSignal }): void;
  RegisterModifiers(
    register: (
      name: string,
      factory: ModifierFactory,
      appliesToRequest: boolean,
      appliesToResponse: boolean,
    ) => void,
  ): void | Promise<void>;
}

/** Identity helper that types a handler plugin. */
export function defineHandlerPlugin(registerer: HandlerRegisterer): HandlerRegisterer {
  return registerer;
}
export function defineClientPlugin(registerer: ClientRegisterer): ClientRegisterer {
  return registerer;
}
export function defineModifierPlugin(registerer: ModifierRegisterer): ModifierRegisterer {
  return registerer;
}
