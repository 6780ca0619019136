import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

/** `--backend URL [--config FILE]`, as `bench/lib/servers.ts` passes them. */
export function serverArgs(): { backend: string; config?: string } {
  const { values } = parseArgs({
    options: { backend: { type: 'string' }, config: { type: 'string' } },
    strict: true,
  });
  if (!values.backend) throw new Error('--backend URL is required');
  return { backend: values.backend, config: values.config };
}

/** Listen on 127.0.0.1:0 and print the line `bench/lib/process.ts` waits for. */
export async function listenAndAnnounce(server: Server, onStop?: () => Promise<void> | void): Promise<void> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  announce(server, (server.address() as AddressInfo).port, onStop);
}

/** SIGTERM exits cleanly, so `--cpu-prof` writes its profile. */
export function announce(server: Server, port: number, onStop?: () => Promise<void> | void): void {
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
  process.once('SIGTERM', () => {
    server.closeAllConnections();
    server.close();
    void Promise.resolve(onStop?.()).finally(() => process.exit(0));
  });
}
