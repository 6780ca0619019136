import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import connect from 'connect';
import type { NodeHandler } from '../../../src/types.js';

/** The gateway stand-in every chain wraps: KrakenD's 404. */
export function notFound(_req: IncomingMessage, res: ServerResponse): void {
  res.statusCode = 404;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end('404 page not found');
}

/** A real Connect app on a real socket (127.0.0.1, port 0) with `handler` as its middleware. */
export async function serve(handler: NodeHandler): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const app = connect();
  app.use((req: IncomingMessage, res: ServerResponse) => {
    void handler(req, res);
  });
  const server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Plugin files written into a fresh folder under the OS temp dir. */
export async function tempPlugins(files: Record<string, string>): Promise<{ folder: string; cleanup(): Promise<void> }> {
  const folder = await mkdtemp(join(tmpdir(), 'kc-plugins-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(folder, name), text);
  return { folder, cleanup: () => rm(folder, { recursive: true, force: true }) };
}

/** Fails the test if anything rejected unhandled (Connect would have exited the process). */
export function trackUnhandled(): { rejections: unknown[]; stop(): void } {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onRejection);
  return {
    rejections,
    stop: () => {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onRejection);
    },
  };
}
