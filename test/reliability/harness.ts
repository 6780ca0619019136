import assert from 'node:assert/strict';
import connect from 'connect';
import { once } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  answerClientError,
  createCliServer,
  serverSettings,
  type ServerSettings,
} from '../../src/cli/server-options.js';
import { createGateway, type Gateway } from '../../src/index.js';
import { request } from '../helpers/http.js';
import { logSink, type LogLine } from '../helpers/log.js';
import { tcpBackend, type TcpBackend } from '../helpers/tcp-backend.js';
import { settle, within } from '../helpers/time.js';

/**
 * Shared pieces of the reliability suite (reliability.md §6): the gateway standalone on the same
 * `http.Server` settings as the CLI (src/cli/server-options.ts), raw TCP backends for faults, and
 * the checks every row ends with: nothing crashed, `/__health` still answers, no socket left.
 */

/** Liveness bounds (DECISIONS.md 22); `settle` for counts that settle after a close. */
export { settle, within };
/** Raw TCP backends: faults a real HTTP server never makes. */
export { tcpBackend, type TcpBackend };

/** A krakend.json object (version 3) around `endpoints`. */
export function krakend(
  endpoints: Record<string, unknown>[],
  service: Record<string, unknown> = {},
): Record<string, unknown> {
  return { version: 3, timeout: '2s', ...service, endpoints };
}

export interface Standalone {
  url: string;
  port: number;
  server: Server;
  gateway: Gateway;
  lines: LogLine[];
  /** Messages at warn and above. */
  problems(): string[];
  /** Everything the logger wrote, as one string (for "never appears" checks). */
  text(): string;
  /** Open client connections on the gateway's server. */
  connections(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The gateway as the CLI runs it (standalone, KrakenD's router, the CLI's server settings and
 * `clientError` answers), in this process so logs and handles can be read.
 */
export async function startStandalone(
  config: Record<string, unknown>,
  options: { settings?: Partial<ServerSettings>; level?: string; cwd?: string } = {},
): Promise<Standalone> {
  const sink = logSink(options.level ?? 'debug');
  const gateway = createGateway({
    config,
    cwd: options.cwd,
    fallthrough: false,
    watch: false,
    dashboard: false,
    logger: sink.logger,
  });
  await gateway.ready;
  const app = connect();
  app.use(gateway);
  const server = createCliServer(app, { ...serverSettings(undefined), ...options.settings });
  server.on('clientError', (err: Error, socket: Socket) =>
    answerClientError(err, socket, sink.logger),
  );
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (gateway.upgrade(req, socket, head)) return;
    socket.on('error', () => {});
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n404 page not found');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    server,
    gateway,
    lines: sink.lines,
    problems: () => sink.lines.filter((l) => l.level >= 40).map((l) => l.msg),
    text: () => sink.lines.map((l) => JSON.stringify(l)).join('\n'),
    connections: () => new Promise((r) => server.getConnections((_e, n) => r(n))),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await gateway.close();
    },
  };
}

/** `/__health` answers 200 with KrakenD's body: the gateway is alive after the row. */
export async function assertHealthy(url: string): Promise<void> {
  const r = await within(request(`${url}/__health`), 3000, '/__health');
  assert.equal(r.status, 200);
  assert.match(r.body, /"status":"ok"/);
}

/** Answers each request on a socket with `reply` once its head has arrived. */
export function onRequestHead(reply: (socket: Socket, head: string) => void) {
  return (socket: Socket): void => {
    let buf = '';
    socket.on('data', (c: Buffer) => {
      buf += c.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buf.slice(0, end);
      buf = buf.slice(end + 4);
      reply(socket, head);
    });
  };
}

/** Records uncaught exceptions and unhandled rejections while a file runs. */
export function trackCrashes(): { crashes: unknown[]; stop(): void } {
  const crashes: unknown[] = [];
  const on = (err: unknown): void => {
    crashes.push(err);
  };
  process.on('uncaughtException', on);
  process.on('unhandledRejection', on);
  return {
    crashes,
    stop() {
      process.off('uncaughtException', on);
      process.off('unhandledRejection', on);
    },
  };
}

/** TCP handles of this process (client, server and backend sockets, listeners). */
export function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;
}

/** Listener counts of the process: a leak shows as one more per request. */
export function processListeners(): number {
  return process.eventNames().reduce((n, e) => n + process.listenerCount(e), 0);
}

export type { ServerResponse };
