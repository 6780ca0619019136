import connect from 'connect';
import { createServer, type Server } from 'node:http';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/index.js';
import { closeServer, listenLoopback } from './server.js';

export interface RunningGateway {
  url: string;
  port: number;
  gateway: Gateway;
  server: Server;
  close(): Promise<void>;
}

/**
 * The gateway mounted in a real Connect app on 127.0.0.1:0. Mounted mode falls through to a
 * host handler that answers 418 `host` so tests can tell the two apart.
 */
export async function startGateway(
  options: Partial<GatewayOptions> & Pick<GatewayOptions, 'config'>,
  { waitReady = true }: { waitReady?: boolean } = {},
): Promise<RunningGateway> {
  const gateway = createGateway({ logger: false, watch: false, ...options });
  if (waitReady) await gateway.ready;
  const app = connect();
  app.use(gateway);
  app.use((_req: unknown, res: import('node:http').ServerResponse) => {
    res.statusCode = 418;
    res.end('host');
  });
  const server = createServer(app);
  server.on('upgrade', (req, socket, head) => {
    if (!gateway.upgrade(req, socket, head)) socket.destroy();
  });
  const port = await listenLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    gateway,
    server,
    async close() {
      await closeServer(server);
      await gateway.close();
    },
  };
}
