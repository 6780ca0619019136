import type { RequestWrapper, ResponseWrapper } from '../plugin.js';
import { GatewayError } from '../errors.js';
import type { PluginRegistry } from '../plugins/types.js';
import type { Logger } from 'pino';
import { bufferBody } from './body.js';
import { errorStatus, toError } from './errors.js';
import type {
  HeaderMap,
  Middleware,
  Proxy,
  ProxyRequest,
  ProxyResponse,
  QueryMap,
} from './types.js';

/**
 * `plugin/req-resp-modifier` at endpoint or backend level (lura `proxy/plugin.go`, behaviour
 * §5.4): `name` must be an array; request modifiers run in list order before the call, response
 * modifiers in list order after a successful one; a name registered for both is only a request
 * modifier. A throw or rejection aborts the request (its `statusCode`, if any, is kept).
 */
const NAMESPACE = 'plugin/req-resp-modifier';
const LEGACY = 'github.com/devopsfaith/krakend/proxy/plugin';

type Modifier = (w: unknown) => unknown;

export interface ModifierScope {
  /** `ENDPOINT` or `BACKEND`. */
  tag: string;
  /** The path (endpoint) or `M /path -> url_pattern` (backend) in log lines. */
  pattern: string;
  extra: Readonly<Record<string, unknown>>;
}

function failure(err: unknown): GatewayError {
  const e = toError(err);
  const { contentType, headers } = e as { contentType?: unknown; headers?: unknown };
  return new GatewayError('KC_MODIFIER_FAILED', e.message, {
    status: errorStatus(e),
    cause: e,
    contentType: typeof contentType === 'string' ? contentType : undefined,
    headers:
      typeof headers === 'object' && headers !== null
        ? (headers as Record<string, string | string[]>)
        : undefined,
  });
}

function toHeaders(h: unknown): HeaderMap {
  const out = Object.create(null) as HeaderMap;
  if (typeof h !== 'object' || h === null) return out;
  for (const [k, v] of Object.entries(h as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    out[k] = Array.isArray(v) ? v.map(String) : [String(v)];
  }
  return out;
}

function toQuery(q: unknown): QueryMap {
  return toHeaders(q);
}

async function runAll(mods: readonly Modifier[], w: object): Promise<object> {
  let current = w;
  for (const m of mods) {
    let out: unknown;
    try {
      out = await m(current);
    } catch (err) {
      throw failure(err);
    }
    if (typeof out === 'object' && out !== null) current = out;
  }
  return current;
}

async function modifyRequest(mods: readonly Modifier[], req: ProxyRequest): Promise<ProxyRequest> {
  const body = await bufferBody(req.body);
  const wrapper: RequestWrapper = {
    method: req.method,
    url: req.url,
    path: req.path,
    query: req.query,
    params: req.params,
    headers: req.headers,
    body: body === null ? null : new Uint8Array(body.buffer, body.byteOffset, body.length),
  };
  const w = (await runAll(mods, wrapper)) as Partial<RequestWrapper>;
  const b = w.body;
  return {
    method: typeof w.method === 'string' ? w.method.toUpperCase() : req.method,
    url: typeof w.url === 'string' ? w.url : req.url,
    path: typeof w.path === 'string' ? w.path : req.path,
    query: toQuery(w.query),
    params: { ...(w.params ?? {}) },
    headers: toHeaders(w.headers),
    body:
      b === null || b === undefined
        ? null
        : typeof b === 'string'
          ? Buffer.from(b)
          : Buffer.from(
              (b as Uint8Array).buffer,
              (b as Uint8Array).byteOffset,
              (b as Uint8Array).length,
            ),
  };
}

async function modifyResponse(mods: readonly Modifier[], r: ProxyResponse): Promise<ProxyResponse> {
  const wrapper: ResponseWrapper = {
    data: r.data ?? {},
    isComplete: r.isComplete,
    statusCode: r.metadata.statusCode,
    // The plugin's own copy: a response's map may be the shared, frozen `NO_HEADERS`.
    headers: toHeaders(r.metadata.headers),
  };
  const w = (await runAll(mods, wrapper)) as Partial<ResponseWrapper>;
  return {
    ...r,
    data: (w.data as Record<string, unknown> | undefined) ?? null,
    isComplete: w.isComplete === true,
    metadata: {
      statusCode: typeof w.statusCode === 'number' ? w.statusCode : 0,
      headers: toHeaders(w.headers),
    },
  };
}

export function modifierLayer(
  scope: ModifierScope,
  plugins: PluginRegistry | undefined,
  logger: Logger,
): Middleware | undefined {
  const cfg = (scope.extra[NAMESPACE] ?? scope.extra[LEGACY]) as
    Record<string, unknown> | undefined;
  const names = cfg?.['name'];
  if (!plugins || !Array.isArray(names)) return undefined;
  const reqFactories: ((extra: Record<string, unknown>) => unknown)[] = [];
  const respFactories: ((extra: Record<string, unknown>) => unknown)[] = [];
  for (const name of names) {
    if (typeof name !== 'string') continue;
    const m = plugins.modifiers.get(name);
    if (!m) continue;
    if (m.request) reqFactories.push(m.factory);
    else if (m.response) respFactories.push(m.factory);
  }
  if (reqFactories.length === 0 && respFactories.length === 0) return undefined;
  logger.debug(
    `[${scope.tag}: ${scope.pattern}][Modifier Plugins] Adding ${reqFactories.length} request ` +
      `and ${respFactories.length} response modifiers`,
  );
  const extra = cfg as Record<string, unknown>;
  let ready: Promise<[Modifier[], Modifier[]]> | undefined;
  const build = async (list: typeof reqFactories): Promise<Modifier[]> => {
    const out: Modifier[] = [];
    for (const f of list) {
      const fn = await f(extra);
      if (typeof fn === 'function') out.push(fn as Modifier);
    }
    return out;
  };
  const load = (): Promise<[Modifier[], Modifier[]]> =>
    (ready ??= Promise.all([build(reqFactories), build(respFactories)]).catch((err) => {
      ready = undefined;
      throw failure(err);
    }));
  return (next: Proxy) =>
    async function runModifiers(ctx, req) {
      const [reqMods, respMods] = await load();
      const r = reqMods.length > 0 ? await modifyRequest(reqMods, req) : req;
      const resp = await next(ctx, r);
      if (!resp || resp.error || respMods.length === 0) return resp;
      return modifyResponse(respMods, resp);
    };
}
