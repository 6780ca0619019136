import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import { listenAndAnnounce, serverArgs } from './listen.js';

// The floor of a Node proxy: an undici Pool and a raw dispatch handler, nothing else (no header
// policy, no logging, no error pages). The gateway's no-op path is built the same way, so the gap
// between the two rows is what the gateway's own work costs.
const { backend } = serverArgs();
const pool = new Pool(backend, { connections: 128, pipelining: 1 });

class Exchange implements Dispatcher.DispatchHandler {
  constructor(private readonly res: ServerResponse) {}
  onConnect(abort: (err?: Error) => void): void {
    // A client that leaves mid-answer aborts the backend call: a paused call would wait for a
    // `drain` that never comes and keep its pool connection forever (the pool then runs dry
    // after a few load runs that drop their connections, as a paired run's slices do).
    this.res.on('close', () => {
      if (!this.res.writableEnded) abort();
    });
  }
  onHeaders(status: number, raw: Buffer[], resume: () => void): boolean {
    // onData returning false pauses the backend until the client drains.
    this.res.on('drain', resume);
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!.toString('latin1');
      if (name.length !== 10 || name.toLowerCase() !== 'connection') this.res.appendHeader(name, raw[i + 1]!.toString('latin1'));
    }
    this.res.writeHead(status);
    return true;
  }
  onData(chunk: Buffer): boolean {
    return this.res.write(chunk);
  }
  onComplete(): void {
    this.res.end();
  }
  onError(): void {
    if (!this.res.headersSent) this.res.statusCode = 502;
    this.res.end();
  }
}

function proxy(req: IncomingMessage, res: ServerResponse): void {
  pool.dispatch({ path: req.url ?? '/', method: 'GET', headers: ['user-agent', 'bench'] }, new Exchange(res));
}

await listenAndAnnounce(createServer(proxy), () => pool.destroy());
