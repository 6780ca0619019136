import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { GatewayOptions } from '../../../src/index.js';
import { startGateway, type RunningGateway } from '../../helpers/gateway.js';
import { logSink } from '../../helpers/log.js';

/** A temp folder with a krakend.json (and any other files) written into it. */
export interface Workspace {
  dir: string;
  file: string;
  write(path: string, content: string | Record<string, unknown> | unknown[]): string;
  /** Every file under `sub`, `/`-separated and sorted. */
  files(sub?: string): string[];
  remove(): void;
}

export function workspace(config: Record<string, unknown>): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'kc-mock-'));
  const write = (path: string, content: string | Record<string, unknown> | unknown[]) => {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(
      target,
      typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`,
    );
    return target;
  };
  const file = write('krakend.json', config);
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((n) =>
      statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)],
    );
  return {
    dir,
    file,
    write,
    files: (sub = '.') => {
      try {
        return walk(join(dir, sub))
          .map((f) => relative(join(dir, sub), f).split('\\').join('/'))
          .sort();
      } catch {
        return [];
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The gateway on a workspace's config, with logs kept (and `cwd` the workspace). */
export async function gatewayOn(
  ws: Workspace,
  options: Partial<GatewayOptions> = {},
): Promise<RunningGateway & { messages: () => string[] }> {
  const sink = logSink('debug');
  const gw = await startGateway({ config: ws.file, cwd: ws.dir, logger: sink.logger, ...options });
  return Object.assign(gw, { messages: sink.messages });
}

/** `Server-Timing` metrics by name: `{ 'backend-0': { desc: 'GET /a', dur: 12.3 } }`. */
export function serverTiming(
  header: string | string[] | undefined,
): Record<string, { desc?: string; dur: number }> {
  const out: Record<string, { desc?: string; dur: number }> = {};
  const text = Array.isArray(header) ? header.join(', ') : (header ?? '');
  for (const m of text.matchAll(/([\w-]+)(?:;desc="((?:[^"\\]|\\.)*)")?;dur=([\d.]+)/g)) {
    out[m[1]!] = { desc: m[2]?.replace(/\\(.)/g, '$1'), dur: Number(m[3]) };
  }
  return out;
}
