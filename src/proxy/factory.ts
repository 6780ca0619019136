import { stringifyGo } from '../encoding/go-json.js';
import type { ResolvedBackend, ResolvedEndpoint } from '../types.js';
import { createBackendExchange } from './client-plugin.js';
import { concurrentCalls } from './concurrent.js';
import type { PipeDeps } from './deps.js';
import { flatmapLayer } from './flatmap-layer.js';
import { createHostPicker } from './hosts.js';
import { createHttpProxy } from './http-proxy.js';
import { chain, headerFilter, loadBalancer, queryFilter, requestBuilder } from './layers.js';
import { parallelMerge } from './merge.js';
import { modifierLayer } from './modifiers.js';
import { sequentialMerge, sequentialReplacements } from './sequential.js';
import { shadowLayer } from './shadow.js';
import { staticLayer } from './static.js';
import type { Proxy } from './types.js';
import { compileUrlPattern } from './url-pattern.js';

/**
 * One endpoint's pipe, built once at load in KrakenD CE's order (behaviour §2.1 step 5, lura
 * `proxy/factory.go`): static (outermost) → endpoint modifiers → [flatmap → merge] → per backend:
 * query filter → request builder → concurrent → load balancer → header filter → backend
 * modifiers → HTTP client (or client plugin) → status → decoder → formatter. Layers the config
 * does not ask for are not built.
 */
export interface PipeOptions {
  /** Response-headers deadline for the exchange (no-op endpoints, DECISIONS.md 16). */
  headersTimeout?: number;
}

export function backendLogPrefix(endpoint: ResolvedEndpoint, luraTemplate: string): string {
  return `[BACKEND: ${endpoint.method} ${endpoint.routePath} -> ${luraTemplate}]`;
}

/** A mock backend needs no host; its calls still get a URL to show and to match files on. */
const MOCK_HOSTS: readonly string[] = ['http://mock'];

function hostsOf(backend: ResolvedBackend): readonly string[] {
  return backend.mock && backend.hosts.length === 0 ? MOCK_HOSTS : backend.hosts;
}

export function createBackendStack(
  endpoint: ResolvedEndpoint,
  backend: ResolvedBackend,
  deps: PipeDeps,
  options: PipeOptions = {},
): Proxy {
  const template = compileUrlPattern(backend.urlPattern, endpoint.wildcard);
  const prefix = backendLogPrefix(endpoint, template.lura);
  const transport = deps.transportFor?.(endpoint, backend);
  const http = createHttpProxy({
    backend,
    luraTemplate: template.lura,
    exchange: createBackendExchange(backend, prefix, deps, transport),
    deps,
    headersTimeout: options.headersTimeout,
  });
  const modifiers = modifierLayer(
    {
      tag: 'BACKEND',
      pattern: `${endpoint.method} ${endpoint.routePath} -> ${template.lura}`,
      extra: backend.extra,
    },
    deps.plugins,
    deps.logger,
  );
  return chain(
    http,
    backend.inputQueryStrings.length > 0 ? queryFilter(backend.inputQueryStrings) : undefined,
    requestBuilder(template, backend.method),
    endpoint.concurrentCalls > 1
      ? concurrentCalls(endpoint.concurrentCalls, endpoint.timeoutMs)
      : undefined,
    loadBalancer(createHostPicker(hostsOf(backend))),
    backend.inputHeaders.length > 0 ? headerFilter(backend.inputHeaders) : undefined,
    modifiers,
  );
}

export function createPipe(
  endpoint: ResolvedEndpoint,
  deps: PipeDeps,
  options: PipeOptions = {},
): Proxy {
  const { logger } = deps;
  const prefix = `[ENDPOINT: ${endpoint.routePath}]`;
  const main = endpoint.backends.filter((b) => !b.shadow);
  const shadows = main.length > 0 ? endpoint.backends.filter((b) => b.shadow) : [];
  const backends = main.length > 0 ? main : endpoint.backends;
  const stacks = backends.map((b) => createBackendStack(endpoint, b, deps, options));
  let merged = stacks[0]!;
  if (stacks.length > 1) {
    const merger = endpoint.sequential ? 'sequential' : 'parallel';
    logger.debug(
      `${prefix}[Merge] Backends: ${stacks.length}, merger: ${merger}, combiner: default`,
    );
    merged = endpoint.sequential
      ? sequentialMerge(
          stacks,
          sequentialReplacements(
            backends.map((b) => b.urlPattern),
            endpoint.sequentialPropagatedParams,
          ),
          endpoint.timeoutMs,
        )
      : parallelMerge(stacks, endpoint.timeoutMs);
  }
  if (endpoint.static) {
    logger.debug(
      `${prefix}[Static] Adding a static response using '${endpoint.static.strategy}' ` +
        `strategy. Data: ${stringifyGo(endpoint.static.data)}`,
    );
  }
  const pipe = chain(
    merged,
    endpoint.static ? staticLayer(endpoint.static) : undefined,
    modifierLayer(
      { tag: 'ENDPOINT', pattern: endpoint.routePath, extra: endpoint.extra },
      deps.plugins,
      logger,
    ),
    stacks.length > 1 && endpoint.flatmap.length > 0 ? flatmapLayer(endpoint.flatmap) : undefined,
  );
  if (shadows.length === 0) return pipe;
  const shadowStacks = shadows.map((b) => createBackendStack(endpoint, b, deps, options));
  return shadowLayer(shadowStacks, endpoint.timeoutMs, logger, prefix)(pipe);
}
