import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  createEndpointHandler,
  createUpgradeHandler,
  type EndpointDeps,
  type EndpointHandler,
  type UpgradeHandler,
} from '../../../src/http/endpoint.js';
import { rejectUpgradeSocket } from '../../../src/http/upgrade-reject.js';
import { canonicalKey } from '../../../src/proxy/headers.js';
import { parseQuery } from '../../../src/proxy/query.js';
import type { ResolvedEndpoint, RouterOptions } from '../../../src/types.js';
import { startBackend, type TestBackend } from '../../helpers/backend.js';
import type { LogLine } from '../../helpers/log.js';
import { config, testDeps } from '../../unit/proxy/fixtures.js';
import { closeServer, listenLoopback } from '../../helpers/server.js';

/**
 * The pipe mounted on a plain `http.createServer` with a tiny router (the real router is another
 * module): method + `:param` segments (decoded once), a trailing `*` catches the rest.
 */
export interface PipeServer {
  url: string;
  port: number;
  server: Server;
  lines: LogLine[];
  errors(): string[];
  close(): Promise<void>;
}

interface Route {
  method: string;
  regex: RegExp;
  names: string[];
  handler: EndpointHandler;
  upgrade?: UpgradeHandler;
}

function compile(e: ResolvedEndpoint, deps: EndpointDeps): Route {
  const names: string[] = [];
  let source = '';
  for (const seg of e.routePath.split('/').slice(1)) {
    if (seg === '*') {
      names.push('*');
      source += '/(.*)';
    } else if (seg.startsWith(':')) {
      names.push(seg.slice(1));
      source += '/([^/]+)';
    } else source += `/${seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
  }
  return {
    method: e.method,
    regex: new RegExp(`^${source || '/'}$`),
    names,
    handler: createEndpointHandler(e, deps),
    upgrade: createUpgradeHandler(e, deps),
  };
}

export interface ServeOptions {
  router?: Partial<RouterOptions>;
  extra?: Record<string, unknown>;
  deps?: Partial<EndpointDeps>;
  /** Do not install an `upgrade` listener (upgrades then reach the request handler). */
  noUpgradeListener?: boolean;
}

export async function servePipe(
  endpoints: ResolvedEndpoint[],
  options: ServeOptions = {},
): Promise<PipeServer> {
  const cfg = config(endpoints, { router: options.router, extra: options.extra });
  const t = testDeps(cfg, options.deps);
  const routes = endpoints.map((e) => compile(e, { ...t.deps, ...options.deps }));
  const find = (
    req: IncomingMessage,
  ): { route: Route; params: Record<string, string> } | undefined => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    for (const route of routes) {
      if (route.method !== req.method) continue;
      const m = route.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.names.forEach((n, i) => {
        params[n] = decodeURIComponent(m[i + 1]!);
      });
      return { route, params };
    }
    return undefined;
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let found;
    try {
      found = find(req);
    } catch {
      res.statusCode = 400;
      res.end('error: encoded url params');
      return;
    }
    if (!found) {
      res.statusCode = 404;
      res.end('404 page not found');
      return;
    }
    found.route.handler(req, res, found.params);
  });
  if (!options.noUpgradeListener) {
    server.on('upgrade', (req, socket, head) => {
      const found = find(req);
      if (!found) return socket.destroy();
      if (!found.route.upgrade) return rejectUpgradeSocket(socket, 'Version 2.13.8');
      found.route.upgrade(req, socket, head, found.params);
    });
  }
  const port = await listenLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    lines: t.lines,
    errors: t.errors,
    async close() {
      await closeServer(server);
      await t.close();
    },
  };
}

/** Go's JSON for test backends: keys sorted, like the Go mocks of lura and CE. */
export function goJson(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, (value as Record<string, unknown>)[k]]),
    );
  });
}

/** The request headers a Go server shows: canonical names, no Host; transport headers dropped. */
export function goHeaders(
  req: IncomingMessage,
  drop: readonly string[] = [],
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const skip = new Set([
    'host',
    'connection',
    'transfer-encoding',
    ...drop.map((d) => d.toLowerCase()),
  ]);
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (skip.has(name.toLowerCase())) continue;
    (out[canonicalKey(name)] ??= []).push(req.rawHeaders[i + 1]!);
  }
  return out;
}

export function goQuery(url: string | undefined): Record<string, string[]> {
  const q = (url ?? '').indexOf('?');
  return { ...parseQuery(q === -1 ? '' : url!.slice(q + 1)) };
}

export function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q === -1 ? u : u.slice(0, q);
}

/**
 * The CE mock backend (`tests/integration.go`): `/param_forwarding/` echoes path, query and
 * headers (X-Forwarded-For checked loopback and removed) with two cookies; `/collection/` gives
 * ten items; `/delayed/` echoes after `delayMs`; `/redirect/?status=N` redirects to the echo;
 * `/xml` answers an XML user.
 */
export async function startCeMock(delayMs = 200): Promise<TestBackend> {
  return startBackend(async (req, res, body) => {
    const path = pathOf(req.url);
    const xff = String(req.headers['x-forwarded-for'] ?? '');
    if (!/^(127\.\d+\.\d+\.\d+|::1)$/.test(xff)) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('invalid X-Forwarded-For\n');
      return;
    }
    const echo = (): void => {
      const query = goQuery(req.url);
      const out: Record<string, unknown> = {
        path,
        query,
        headers: goHeaders(req, ['x-forwarded-for']),
        foo: 42,
      };
      if (query['dump_body']?.[0] === '1') out['body'] = body.toString('utf8');
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Set-Cookie', ['test1=test1', 'test2=test2']);
      res.end(`${goJson(out)}\n`);
    };
    if (path.startsWith('/param_forwarding/')) return echo();
    if (path === '/param_forwarding') {
      res.writeHead(301, { Location: '/param_forwarding/' });
      res.end();
      return;
    }
    if (path.startsWith('/delayed/')) {
      await new Promise((r) => setTimeout(r, delayMs));
      if (!res.destroyed) echo();
      return;
    }
    if (path.startsWith('/collection/')) {
      res.setHeader('Content-Type', 'application/json');
      const items = Array.from({ length: 10 }, (_v, i) => ({ i, path }));
      res.end(`${goJson(items)}\n`);
      return;
    }
    if (path === '/xml') {
      res.setHeader('Content-Type', 'application/xml; charset=utf-8');
      res.end(`<?xml version="1.0" encoding="UTF-8"?>
<user type="admin">
  <name>Elliot</name>
  <social>
    <facebook>https://facebook.com</facebook>
    <twitter>https://twitter.com</twitter>
    <youtube>https://youtube.com</youtube>
  </social>
</user>`);
      return;
    }
    if (path.startsWith('/redirect/')) {
      const q = (req.url ?? '').indexOf('?');
      const search = q === -1 ? '' : (req.url ?? '').slice(q);
      const status = Number(goQuery(req.url)['status']?.[0] ?? '301');
      res.writeHead(status, { Location: `/param_forwarding/${search}` });
      res.end();
      return;
    }
    res.writeHead(404, {
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end('404 page not found\n');
  });
}
