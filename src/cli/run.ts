import connect from 'connect';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { formatProblem, isGatewayError } from '../errors.js';
import { createGateway } from '../gateway.js';
import type { ResolvedConfig } from '../types.js';
import { answerClientError, createCliServer, serverSettings } from './server-options.js';

export interface RunOptions {
  config: string;
  port?: number;
  debug: boolean;
  watch: boolean;
  logLevel?: string;
  record?: string;
  replay?: string;
  replayFallthrough?: boolean;
  dashboard?: boolean;
  allowedHost?: string[];
}

/** `run`: the gateway alone on Connect + http.createServer (INTERFACE.md, DECISIONS.md 9). */
export async function runCommand(opts: RunOptions): Promise<number> {
  const gateway = createGateway({
    config: opts.config,
    watch: opts.watch,
    fallthrough: false,
    allowedHosts: opts.allowedHost,
    debugEndpoints: opts.debug,
    logLevel: opts.logLevel,
    record: opts.record,
    replay: opts.replay,
    replayFallthrough: opts.replayFallthrough,
    // Commander makes `--no-dashboard` default to true: only its `false` is the user's word,
    // so the gateway's own default (off under NODE_ENV=production) holds otherwise.
    dashboard: opts.dashboard === false ? false : undefined,
  });
  const logger = gateway.logger;
  let listenIp = '127.0.0.1';
  let configPort: number | undefined;
  let loaded: ResolvedConfig | undefined;
  try {
    await gateway.ready;
  } catch (err) {
    if (!opts.watch) {
      const lines = isGatewayError(err) && err.problems.length ? err.problems.map(formatProblem) : [(err as Error).message];
      for (const l of lines) process.stderr.write(`${l}\n`);
      await gateway.close();
      return 1;
    }
  }
  // The config the gateway just loaded (not read a second time: start-up time counts). With -w
  // and a broken first config the gateway answers 503 until a good save; the port is then 8080.
  const config = gateway.config;
  if (config) {
    configPort = config.port;
    loaded = config;
    if (config.listenIp) listenIp = config.listenIp;
  }
  if (!/^(127\.|::1$|localhost$)/.test(listenIp)) {
    logger.warn(`[SERVICE: Gateway] listening on ${listenIp}, which is not a loopback address: other machines can reach this dev gateway`);
  }
  const app = connect();
  app.use(gateway);
  const settings = serverSettings(loaded);
  const server = createCliServer(app, settings);
  // Proxied WebSockets never end by themselves: a stop ends them (see `stop` below).
  const upgraded = new Set<Socket>();
  server.on('upgrade', (req, socket: Socket, head) => {
    if (gateway.upgrade(req, socket, head)) {
      upgraded.add(socket);
      socket.once('close', () => upgraded.delete(socket));
      return;
    }
    socket.on('error', () => {});
    socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n404 page not found');
  });
  server.on('clientError', (err: Error, socket: Socket) => answerClientError(err, socket, logger));
  const port = opts.port ?? configPort ?? 8080;
  server.listen(port, listenIp);
  try {
    await once(server, 'listening');
  } catch (err) {
    process.stderr.write(`krakend-connect: cannot listen on ${listenIp}:${port}: ${(err as Error).message}\n`);
    await gateway.close();
    return 1;
  }
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  const host = listenIp.includes(':') ? `[${listenIp}]` : listenIp;
  logger.info(`[SERVICE: Gin] Listening on port: ${actual}`);
  // The one line tools and people wait for: printed even when the log level hides info.
  if (logger.isLevelEnabled('info')) {
    logger.info(`listening on http://${host}:${actual}`);
    logger.flush?.(); // the log is batched (src/logger.ts): whoever waits for this line gets it now
  } else {
    logger.flush?.(); // batched warnings first: they were logged before this line
    process.stdout.write(`listening on http://${host}:${actual}\n`);
  }

  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const cutAll = (): void => {
      server.closeAllConnections();
      for (const socket of upgraded) socket.destroy();
    };
    const stop = async (signal: string) => {
      if (stopping) {
        logger.warn(`[SERVICE: Gateway] ${signal} again: closing every connection now`);
        cutAll();
        return;
      }
      stopping = true;
      logger.info(`[SERVICE: Gateway] ${signal} received, finishing in-flight requests`);
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const socket of upgraded) socket.destroy();
      // A keep-alive connection whose request ends while we stop goes idle: closed as it does.
      server.closeIdleConnections();
      const idle = setInterval(() => server.closeIdleConnections(), 100);
      const grace = setTimeout(cutAll, settings.shutdownGraceMs);
      // In-flight requests finish (or the grace cuts them) before the gateway closes its pools:
      // closing both at once cut long requests at the gateway's own bound, whatever the grace.
      await closed;
      clearInterval(idle);
      clearTimeout(grace);
      await gateway.close();
      logger.info('[SERVICE: Gateway] stopped');
      logger.flush?.();
      resolveExit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });
}
