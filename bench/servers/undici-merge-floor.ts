import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import { listenAndAnnounce, serverArgs } from './listen.js';

// The floor of a Node merge: `/merge` as two raw undici dispatches read whole, JSON.parse, the
// bench config's allow/deny/mapping written out by hand, JSON.stringify. No deadline, no header
// policy, no logging, no error pages: what any Node gateway pays for this endpoint at least.
const { backend } = serverArgs();
const pool = new Pool(backend, { connections: 128, pipelining: 1 });

class Collect implements Dispatcher.DispatchHandler {
  private chunks: Buffer[] = [];
  constructor(private readonly done: (body: string | undefined) => void) {}
  onConnect(): void {}
  onHeaders(): boolean {
    return true;
  }
  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }
  onComplete(): void {
    this.done(Buffer.concat(this.chunks).toString());
  }
  onError(): void {
    this.done(undefined);
  }
}

type Json = Record<string, unknown>;

function answer(res: ServerResponse, small: Json, stats: Json): void {
  const address = small['address'] as Json | undefined;
  const merged: Json = { id: small['id'], name: small['name'], email: small['email'] };
  if (address) merged['address'] = { city: address['city'] };
  for (const [k, v] of Object.entries(stats)) {
    if (k === 'internal') continue;
    merged[k === 'views' ? 'visits' : k] = v;
  }
  const body = JSON.stringify(merged);
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-krakend-completed': 'true' });
  res.end(body);
}

function merge(_req: IncomingMessage, res: ServerResponse): void {
  const bodies: (string | undefined)[] = [];
  let pending = 2;
  const settle = (i: number) => (body: string | undefined) => {
    bodies[i] = body;
    if (--pending > 0) return;
    if (bodies[0] === undefined || bodies[1] === undefined) {
      res.statusCode = 500;
      res.end();
      return;
    }
    answer(res, JSON.parse(bodies[0]) as Json, JSON.parse(bodies[1]) as Json);
  };
  const headers = ['user-agent', 'bench'];
  pool.dispatch({ path: '/small', method: 'GET', headers }, new Collect(settle(0)));
  pool.dispatch({ path: '/stats', method: 'GET', headers }, new Collect(settle(1)));
}

await listenAndAnnounce(createServer(merge), () => pool.destroy());
