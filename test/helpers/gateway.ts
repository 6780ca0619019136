import connect from 'connect';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/index.js';

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
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    gateway,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await gateway.close();
    },
  };
}
