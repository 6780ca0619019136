export { createGateway } from './gateway.js';
export { defineClientPlugin, defineHandlerPlugin, defineModifierPlugin } from './plugin.js';
export { ERROR_CODES, GatewayError, formatProblem, isGatewayError } from './errors.js';
export type { ErrorCode, GatewayErrorOptions } from './errors.js';
export type {
  BackendCallRecord,
  ConfigProblem,
  Gateway,
  GatewayEvents,
  GatewayOptions,
  InjectedWatcher,
  NextFunction,
  NodeHandler,
  ReloadEvent,
  RequestRecord,
  ResolvedBackend,
  ResolvedConfig,
  ResolvedEndpoint,
} from './types.js';
export type {
  ClientFactory,
  ClientHandler,
  ClientRegisterer,
  HandlerFactory,
  HandlerRegisterer,
  KrakendLogger,
  ModifierFactory,
  ModifierRegisterer,
  PluginContext,
  PluginHandler,
  RequestWrapper,
  ResponseWrapper,
} from './plugin.js';
