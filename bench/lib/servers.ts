import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findNginx, startNginx } from '../servers/nginx.js';
import type { GatewayConfigs } from './configs.js';
import { spawnServer, type RunningServer } from './process.js';
import { cliCommand } from './startup.js';

export const SERVER_KINDS = [
  'direct',
  'nginx',
  'http-proxy',
  'undici-floor',
  'merge-floor',
  'required-floor',
  'hpm',
  'gateway',
  'gateway-plugins',
  'express-adapter',
] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

export interface ServerContext {
  /** The repository root (the children's cwd). */
  root: string;
  /** A temp dir for logs and nginx's prefix. */
  dir: string;
  backendUrl: string;
  configs: GatewayConfigs;
  /** Extra node flags for Node servers, e.g. `--cpu-prof`. */
  nodeArgs?: (kind: ServerKind, label: string) => string[];
}

/** Why a server cannot run here, or undefined when it can. */
export function unavailable(kind: ServerKind, root: string): string | undefined {
  if (kind === 'nginx') return findNginx() ? undefined : 'nginx is not installed (apt-get install -y nginx)';
  if (kind.startsWith('gateway') || kind === 'express-adapter') {
    if (!existsSync(join(root, 'src', 'http', 'endpoint.ts'))) {
      return 'the gateway pipe (src/http/endpoint.ts) is not written yet';
    }
  }
  if (kind === 'express-adapter' && !existsSync(join(root, 'adapters', 'express.ts'))) {
    return 'the Express adapter (adapters/express.ts) is not written yet';
  }
  return undefined;
}

/** The shared keep-alive backend (`bench/targets/backend.ts`) in its own process, logging into `dir`. */
export function startBackend(root: string, dir: string): Promise<RunningServer> {
  return spawnServer(process.execPath, ['--import', 'tsx', join(root, 'bench', 'targets', 'backend.ts')], {
    cwd: root,
    logFile: join(dir, 'backend.log'),
  });
}

/** Start one server in its own process; `label` names its log file. */
export async function startServer(kind: ServerKind, ctx: ServerContext, label: string): Promise<RunningServer> {
  const logFile = join(ctx.dir, `${label}.log`);
  const node = (script: string, args: string[]) =>
    spawnServer(process.execPath, [...(ctx.nodeArgs?.(kind, label) ?? []), '--import', 'tsx', script, ...args], {
      cwd: ctx.root,
      logFile,
    });
  const bench = (file: string) => join(ctx.root, 'bench', 'servers', file);
  // The gateway runs through its own CLI (connect + http.createServer, pino at info with one
  // access-log line per request) as users run it: the bundled bin, rebuilt into a scratch folder
  // when the sources are newer (bench/lib/startup.ts), so the working tree is what is measured.
  const cli = (config: string) =>
    spawnServer(
      process.execPath,
      [...(ctx.nodeArgs?.(kind, label) ?? []), ...cliCommand(ctx.root).args, 'run', '-c', config, '-p', '0'],
      { cwd: ctx.root, logFile },
    );
  switch (kind) {
    case 'direct':
      return node(bench('direct.ts'), ['--backend', ctx.backendUrl]);
    case 'nginx':
      return startNginx(findNginx() as string, join(ctx.dir, `${label}-nginx`), ctx.backendUrl);
    case 'http-proxy':
      return node(bench('http-proxy.ts'), ['--backend', ctx.backendUrl]);
    case 'undici-floor':
      return node(bench('undici-floor.ts'), ['--backend', ctx.backendUrl]);
    case 'merge-floor':
      return node(bench('undici-merge-floor.ts'), ['--backend', ctx.backendUrl]);
    case 'required-floor':
      return node(bench('required-floor.ts'), ['--backend', ctx.backendUrl]);
    case 'hpm':
      return node(bench('hpm-express.ts'), ['--backend', ctx.backendUrl]);
    case 'gateway':
      return cli(ctx.configs.plain);
    case 'gateway-plugins':
      return cli(ctx.configs.plugins);
    case 'express-adapter':
      return node(bench('express-adapter.ts'), ['--backend', ctx.backendUrl, '--config', ctx.configs.plain]);
  }
}
