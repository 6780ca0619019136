import type { Logger } from 'pino';
import {
  createDispatchers,
  type BackendDispatchers,
  type EndpointDeps,
} from '../../../src/http/endpoint.js';
import type {
  ResolvedBackend,
  ResolvedConfig,
  ResolvedEndpoint,
  RouterOptions,
} from '../../../src/types.js';
import type { PluginRegistry } from '../../../src/plugins/types.js';
import { logSink, type LogLine } from '../../helpers/log.js';
import { defaultRouterOptions } from '../../../src/config/router-options.js';

/**
 * Hand-built resolved configs for pipe tests: what the config loader produces, with KrakenD's
 * defaults, so each test states only what its vector sets.
 */
export const VERSION = '2.13.8';

type BackendInput = Partial<ResolvedBackend> & { host?: string | string[] };

export function backend(input: BackendInput = {}): ResolvedBackend {
  const { host, ...rest } = input;
  const urlPattern = rest.urlPattern ?? '/';
  return {
    index: 0,
    jsonPath: 'endpoints[0].backend[0]',
    urlPattern: urlPattern.startsWith('/') ? urlPattern : `/${urlPattern}`,
    hosts: host === undefined ? [] : Array.isArray(host) ? host : [host],
    method: 'GET',
    encoding: 'json',
    isCollection: false,
    target: '',
    group: '',
    allow: [],
    deny: [],
    mapping: {},
    disableHostSanitize: false,
    sd: '',
    inputHeaders: [],
    inputQueryStrings: [],
    flatmap: [],
    shadow: false,
    returnErrorCode: false,
    returnErrorDetails: '',
    extra: {},
    ...rest,
  };
}

type EndpointInput = Partial<Omit<ResolvedEndpoint, 'backends'>> & { backends: BackendInput[] };

/** `/users/{id}` → router form `/users/:id`, params `[id]`. */
export function endpoint(input: EndpointInput): ResolvedEndpoint {
  const path = input.endpoint ?? '/';
  const params = [...path.matchAll(/\/\{([a-zA-Z\-_0-9]+)\}/g)].map((m) => m[1]!);
  const routePath = path.replace(/\{([a-zA-Z\-_0-9]+)\}/g, ':$1');
  const method = input.method ?? 'GET';
  const outputEncoding = input.outputEncoding ?? 'json';
  const backends = input.backends.map((b, i) =>
    backend({
      method,
      ...b,
      index: i,
      jsonPath: `endpoints[0].backend[${i}]`,
      encoding: outputEncoding === 'no-op' ? 'no-op' : (b.encoding ?? 'json'),
    }),
  );
  return {
    index: 0,
    jsonPath: 'endpoints[0]',
    endpoint: path,
    method,
    routePath,
    params,
    wildcard: path.endsWith('/*'),
    timeoutMs: 2000,
    cacheTtlSeconds: 0,
    inputQueryStrings: [],
    inputHeaders: [],
    outputEncoding,
    concurrentCalls: 1,
    sequential: false,
    sequentialPropagatedParams: [],
    flatmap: [],
    extra: {},
    ...input,
    backends,
  };
}

/** The loader's own defaults, so fixtures cannot drift from what a real config resolves to. */
export function routerOptions(input: Partial<RouterOptions> = {}): RouterOptions {
  return { ...defaultRouterOptions(), ...input };
}

export function config(
  endpoints: ResolvedEndpoint[],
  input: { router?: Partial<RouterOptions>; extra?: Record<string, unknown> } = {},
): ResolvedConfig {
  return {
    file: '<inline>',
    dir: process.cwd(),
    version: 3,
    name: 'test',
    port: 8080,
    listenIp: '',
    hosts: [],
    timeoutMs: 2000,
    cacheTtlSeconds: 0,
    outputEncoding: 'json',
    debugEndpoint: false,
    echoEndpoint: false,
    disableRest: false,
    maxHeaderBytes: 0,
    router: routerOptions(input.router),
    logging: {},
    endpoints,
    extra: input.extra ?? {},
    warnings: [],
    hash: 'test',
  };
}

export interface TestDeps {
  deps: EndpointDeps;
  lines: LogLine[];
  errors(): string[];
  dispatchers: BackendDispatchers;
  close(): Promise<void>;
}

export function testDeps(
  cfg: ResolvedConfig,
  extra: Partial<EndpointDeps> & { logger?: Logger } = {},
): TestDeps {
  const sink = logSink('debug');
  const dispatchers = createDispatchers();
  const deps: EndpointDeps = {
    config: cfg,
    logger: sink.logger,
    dispatchers,
    version: VERSION,
    ...extra,
  };
  return {
    deps,
    lines: sink.lines,
    errors: () => sink.lines.filter((l) => l.level === 50).map((l) => l.msg),
    dispatchers,
    close: () => dispatchers.close(),
  };
}

export interface FakePlugins {
  modifiers?: Record<
    string,
    { factory: (extra: Record<string, unknown>) => unknown; request?: boolean; response?: boolean }
  >;
  clients?: Record<string, (ctx: unknown, extra: Record<string, unknown>) => unknown>;
}

/** A PluginRegistry as the loader would produce it, from plain functions. */
export function fakePlugins(input: FakePlugins): PluginRegistry {
  const controller = new AbortController();
  const noop = (): void => {};
  const logger = {
    Debug: noop,
    Info: noop,
    Warning: noop,
    Error: noop,
    Critical: noop,
    Fatal: noop,
    trace: noop,
    debug: noop,
    info: noop,
    warn: noop,
    error: noop,
    fatal: noop,
  };
  return {
    handlers: new Map(),
    clients: new Map(
      Object.entries(input.clients ?? {}).map(([name, factory]) => [
        name,
        { factory: factory as never, file: 'fake.ts' },
      ]),
    ),
    modifiers: new Map(
      Object.entries(input.modifiers ?? {}).map(([name, m]) => [
        name,
        {
          factory: m.factory as never,
          request: m.request === true,
          response: m.response === true,
          file: 'fake.ts',
        },
      ]),
    ),
    files: [],
    loaded: [],
    signal: controller.signal,
    context: () => ({ signal: controller.signal, logger }),
    mapStack: (s: string) => s,
    dispose: () => controller.abort(),
  };
}
