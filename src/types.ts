import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';

/** A Connect-style `next`. */
export type NextFunction = (err?: unknown) => void;

/** A Node request handler as the plugins and the core see it. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  /**
   * Path to `krakend.json`, or an already-parsed config object (then `cwd` resolves paths).
   * @example createGateway({ config: './krakend.json' })
   * @since 0.1.0
   */
  config: string | Record<string, unknown>;
  /** Base folder for relative paths. Default: `process.cwd()`. @since 0.1.0 */
  cwd?: string;
  /** Hot-reload config and plugins. Default: true unless `NODE_ENV === 'production'`. @since 0.1.0 */
  watch?: boolean;
  /** A pino logger, or `false` for silence. Default: pino at the config's level. @since 0.1.0 */
  logger?: Logger | false;
  /** Log level override (KrakenD or pino names). @since 0.1.0 */
  logLevel?: string;
  /**
   * Where the default logger writes its JSON lines (a host's own log sink, e.g. Vite's logger).
   * Ignored when `logger` is given; the config's `telemetry/logging` level still applies.
   * @since 0.1.0
   */
  logDestination?: { write(line: string): void };
  /** Unmatched requests go to `next()` (mounted). `false`: KrakenD's 404/405. @since 0.1.0 */
  fallthrough?: boolean;
  /** Turn on `/__debug/` and `/__echo/` (like `krakend run -d`). @since 0.1.0 */
  debugEndpoints?: boolean;
  /** Serve the dashboard at `/__krakend/`. Default: true unless production. @since 0.1.0 */
  dashboard?: boolean;
  /**
   * A watcher to reuse instead of creating one (Vite's `server.watcher`): anything with
   * `add(paths)` and `on('change'|'add'|'unlink', (path) => void)`.
   * @since 0.1.0
   */
  watcher?: InjectedWatcher;
  /**
   * Refuse (403) requests whose Host is not loopback, an IP literal or one of these names
   * (DNS-rebinding guard; `.example.test` allows subdomains, `*` everything). Default: off.
   * @example createGateway({ config: './krakend.json', allowedHosts: ['dev.example.test'] })
   * @since 0.1.0
   */
  allowedHosts?: readonly string[];
  /** Record backend responses into this folder. @since 0.1.0 */
  record?: string;
  /** Serve backend calls from recordings in this folder. @since 0.1.0 */
  replay?: string;
  /** With `replay`: a missing recording goes to the live backend instead of a 502. @since 0.1.0 */
  replayFallthrough?: boolean;
  /**
   * `Server-Timing` response headers with each backend call's time (browser devtools).
   * Default: true unless `NODE_ENV === 'production'`.
   * @example createGateway({ config: './krakend.json', serverTiming: false })
   * @since 0.1.0
   */
  serverTiming?: boolean;
}

export interface InjectedWatcher {
  add(paths: string | readonly string[]): unknown;
  on(event: 'add' | 'change' | 'unlink', listener: (path: string) => void): unknown;
  off?(event: 'add' | 'change' | 'unlink', listener: (path: string) => void): unknown;
  removeListener?(event: 'add' | 'change' | 'unlink', listener: (path: string) => void): unknown;
}

/** One problem found in a config, with where it is. */
export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

export type ReloadEvent =
  | { ok: true; ms: number; routes: number; generation: number; changed: string[] }
  | { ok: false; error: Error; changed: string[] };

export interface GatewayEvents {
  reload: [ReloadEvent];
  error: [Error];
  request: [RequestRecord];
}

/** What the gateway remembers of one finished request (dashboard, events). */
export interface RequestRecord {
  id: number;
  time: number;
  method: string;
  path: string;
  endpoint?: string;
  status: number;
  ms: number;
  generation: number;
  backends: BackendCallRecord[];
}

export interface BackendCallRecord {
  method: string;
  url: string;
  status: number;
  ms: number;
  error?: string;
  /** Who answered: the backend, a recording, a mock file, a client plugin, an injected fault. */
  source?: 'live' | 'replay' | 'mock' | 'plugin' | 'fault';
  /** The recording or mock file that answered, relative to its folder. */
  file?: string;
  /** What happened besides the call: an injected fault, a live failure a recording covered. */
  note?: string;
}

/** The Connect middleware returned by `createGateway`. */
export interface Gateway {
  (req: IncomingMessage, res: ServerResponse, next?: NextFunction): void;
  /** Resolves when the first load is done; rejects with the config error. */
  readonly ready: Promise<void>;
  /** Idempotent: closes watchers, agents, sockets, and aborts plugins' signals. */
  close(): Promise<void>;
  /** WebSocket upgrades on no-op endpoints; `false` when no endpoint matches. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Force a reload now (what a watcher event does). */
  reload(changed?: string[]): Promise<ReloadEvent>;
  on<K extends keyof GatewayEvents>(event: K, listener: (...args: GatewayEvents[K]) => void): Gateway;
  off<K extends keyof GatewayEvents>(event: K, listener: (...args: GatewayEvents[K]) => void): Gateway;
  once<K extends keyof GatewayEvents>(event: K, listener: (...args: GatewayEvents[K]) => void): Gateway;
  /** The files the gateway watches (config, plugins and their imports). */
  readonly watchedFiles: readonly string[];
  /** The last load error, if the gateway is not serving the newest files. */
  readonly lastError: Error | undefined;
  /** The pino logger the gateway writes to. */
  readonly logger: Logger;
  /** The config the gateway serves now (undefined until a first good load). */
  readonly config: ResolvedConfig | undefined;
}

// ---------------------------------------------------------------- resolved config

export const ENCODINGS = ['json', 'safejson', 'string', 'xml', 'rss', 'no-op'] as const;
export type Encoding = (typeof ENCODINGS)[number];

export const OUTPUT_ENCODINGS = [
  'json',
  'json-collection',
  'string',
  'xml',
  'yaml',
  'negotiate',
  'no-op',
] as const;
export type OutputEncoding = (typeof OUTPUT_ENCODINGS)[number];

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type Method = (typeof METHODS)[number];

export interface RouterOptions {
  returnErrorMsg: boolean;
  healthPath: string;
  disableHealth: boolean;
  disableAccessLog: boolean;
  loggerSkipPaths: readonly string[];
  hideVersionHeader: boolean;
  autoOptions: boolean;
  errorBody?: { '404'?: unknown; '405'?: unknown };
  disableHandleMethodNotAllowed: boolean;
  disableRedirectTrailingSlash: boolean;
  disableRedirectFixedPath: boolean;
  disablePathDecoding: boolean;
  removeExtraSlash: boolean;
  trustedProxies: readonly string[];
  remoteIpHeaders: readonly string[];
  forwardedByClientIp: boolean;
  /**
   * KrakenD Enterprise's `max_payload` (bytes; 0 or absent: no limit): a request whose declared
   * `Content-Length` is over it gets 413 before any backend call.
   */
  maxPayload?: number;
}

export interface CorsOptions {
  allowOrigins: readonly string[];
  allowMethods: readonly string[];
  allowHeaders: readonly string[];
  exposeHeaders: readonly string[];
  allowCredentials: boolean;
  maxAgeSeconds: number;
  optionsPassthrough: boolean;
  optionsSuccessStatus: number;
  allowPrivateNetwork: boolean;
}

export interface StaticProxyOptions {
  strategy: 'always' | 'success' | 'errored' | 'complete' | 'incomplete';
  data: Readonly<Record<string, unknown>>;
}

export interface FlatmapOp {
  type: 'del' | 'move' | 'append';
  args: readonly string[];
}

/** `krakend-connect/mock` on a backend: answers from a file or a folder instead of a host. */
export interface MockOptions {
  /** The mock file (JSON, or a JS/TS module), relative to the config's folder as written. */
  file?: string;
  /** A folder whose files mirror the backend paths, relative to the config's folder. */
  folder?: string;
  /** Status of a JSON (or plain-value) answer. */
  status: number;
  headers: Readonly<Record<string, string>>;
}

/** `krakend-connect/faults` on an endpoint or a backend (mocking; KrakenD ignores it). */
export interface FaultOptions {
  /** Added before every call, uniformly drawn from [min, max] (equal for a fixed delay). */
  delay?: { readonly minMs: number; readonly maxMs: number };
  /** Answered instead of the call, for `rate` of the calls. */
  status?: number;
  body?: string;
  contentType?: string;
  /** The connection is reset instead (for `rate` of the calls). */
  reset: boolean;
  /** Share of the calls that fail (status or reset), 0..1. */
  rate: number;
}

export interface ResolvedBackend {
  /** Index in the endpoint's backend list. */
  index: number;
  /** JSON path in the config, e.g. `endpoints[2].backend[0]`. */
  jsonPath: string;
  urlPattern: string;
  hosts: readonly string[];
  method: string;
  encoding: Encoding;
  isCollection: boolean;
  target: string;
  group: string;
  allow: readonly string[];
  deny: readonly string[];
  mapping: Readonly<Record<string, string>>;
  disableHostSanitize: boolean;
  sd: string;
  inputHeaders: readonly string[];
  inputQueryStrings: readonly string[];
  flatmap: readonly FlatmapOp[];
  shadow: boolean;
  /** `backend/http`. */
  returnErrorCode: boolean;
  returnErrorDetails: string;
  extra: Readonly<Record<string, unknown>>;
  mock?: MockOptions;
  faults?: FaultOptions;
}

export interface ResolvedEndpoint {
  index: number;
  jsonPath: string;
  /** As written in the config, with a leading `/` (`/users/{id}`). */
  endpoint: string;
  method: Method;
  /** Router form, `/users/:id`. */
  routePath: string;
  /** Names of the path params as written (`id`). */
  params: readonly string[];
  /** `/prefix/*` endpoints (KrakenD's wildcard plugin). */
  wildcard: boolean;
  timeoutMs: number;
  cacheTtlSeconds: number;
  inputQueryStrings: readonly string[];
  inputHeaders: readonly string[];
  outputEncoding: string;
  concurrentCalls: number;
  backends: readonly ResolvedBackend[];
  sequential: boolean;
  sequentialPropagatedParams: readonly string[];
  static?: StaticProxyOptions;
  flatmap: readonly FlatmapOp[];
  extra: Readonly<Record<string, unknown>>;
  faults?: FaultOptions;
}

export interface LoggingOptions {
  level?: string;
  prefix?: string;
  stdout?: boolean;
}

export interface PluginFolder {
  /** Absolute folder. */
  folder: string;
  pattern: string;
}

export interface ConfigWarning {
  /** `error` for KrakenD's ERROR-level skips (unsupported method); `warn` otherwise. */
  level: 'warn' | 'error';
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** KrakenD's service-level `http.Server` settings (`read_header_timeout`…), in ms; 0 = unset. */
export interface ServerTimeouts {
  readHeaderTimeoutMs: number;
  readTimeoutMs: number;
  idleTimeoutMs: number;
  maxShutdownWaitMs: number;
}

export interface ResolvedConfig {
  /** Absolute path of the file, or `<inline>`. */
  file: string;
  /** Folder that relative paths resolve against. */
  dir: string;
  version: 3;
  name: string;
  port: number;
  listenIp: string;
  hosts: readonly string[];
  timeoutMs: number;
  cacheTtlSeconds: number;
  outputEncoding: string;
  debugEndpoint: boolean;
  echoEndpoint: boolean;
  disableRest: boolean;
  maxHeaderBytes: number;
  /** Go `http.Server` timeouts the CLI server honours (ms, 0 = not set). */
  server?: ServerTimeouts;
  router: RouterOptions;
  cors?: CorsOptions;
  logging: LoggingOptions;
  plugin?: PluginFolder;
  /** `plugin/http-server` as written (normalised namespace name). */
  httpServerPlugins?: Readonly<Record<string, unknown>>;
  endpoints: readonly ResolvedEndpoint[];
  /** Service `extra_config`, namespace names normalised to the short form. */
  extra: Readonly<Record<string, unknown>>;
  warnings: readonly ConfigWarning[];
  /** sha256 of the file's bytes (reload skips identical content). */
  hash: string;
}
