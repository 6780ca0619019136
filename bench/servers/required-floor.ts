import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { pino } from 'pino';
import { Pool, type Dispatcher } from 'undici';
import { parseJson, stringifyGo } from '../../src/encoding/go-json.js';
import { accessLine } from '../../src/http/access-log.js';
import { LineBatch } from '../../src/log-batch.js';
import { serverTimingValue } from '../../src/mock/server-timing.js';
import type { BackendCallRecord } from '../../src/types.js';
import { listenAndAnnounce, serverArgs } from './listen.js';

// The floor of a Node server that does what the gateway must do on the bench's paths, written by
// hand for exactly these two paths: no router, no pipe, no layers, no promises. Each request gets
// a deadline, the access line of DECISIONS.md 21 (through the logger's own batch and encoder),
// `X-Krakend`, `X-Krakend-Completed` and `Server-Timing` (on in dev, as the bench's gateway runs),
// and KrakenD's forwarded headers to the backend. `/merge` also reads JSON with exact numbers and
// writes it with Go's sorted keys (behaviour §3.1, §3.6) through the gateway's own encoder;
// `/small` streams the backend's answer as the no-op path does. What this server cannot reach,
// the gateway cannot either (docs/performance.md, "Floors").
const { backend } = serverArgs();
const pool = new Pool(backend, { connections: 128, pipelining: 1 });
const log = new LineBatch(pino.destination({ sync: true }));
const VERSION = 'Version 2.13.8';
const JSON_TYPE = 'application/json; charset=utf-8';
const TIMEOUT_MS = 3000;

function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** The access line, written when the response closes. */
function observe(req: IncomingMessage, res: ServerResponse, start: number, timer: NodeJS.Timeout): void {
  res.on('close', () => {
    clearTimeout(timer);
    const ms = roundMs(performance.now() - start);
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const status = res.writableFinished ? res.statusCode : 0;
    log.write(accessLine(Date.now(), method, path, status, ms, `${method} ${path} ${status || 'aborted'} ${ms}ms`));
  });
}

function onDeadline(res: ServerResponse): void {
  if (!res.headersSent) res.statusCode = 500;
  res.end();
}

function forwarded(req: IncomingMessage): string[] {
  return [
    'User-Agent', `KrakenD ${VERSION}`,
    'X-Forwarded-For', req.socket.remoteAddress ?? '',
    'X-Forwarded-Host', req.headers.host ?? '',
    'Accept-Encoding', 'gzip',
  ];
}

/** `/small` as the no-op path: the backend's head and body streamed through. */
class Passthrough implements Dispatcher.DispatchHandler {
  private readonly started = performance.now();
  constructor(private readonly res: ServerResponse, private readonly timer: NodeJS.Timeout) {}
  onConnect(abort: (err?: Error) => void): void {
    this.res.on('close', () => {
      if (!this.res.writableEnded) abort();
    });
  }
  onHeaders(status: number, raw: Buffer[], resume: () => void): boolean {
    clearTimeout(this.timer);
    this.res.on('drain', resume);
    const call: BackendCallRecord = { method: 'GET', url: `${backend}/small`, status, ms: roundMs(performance.now() - this.started), source: 'live' };
    const lines = ['X-Krakend', VERSION, 'Server-Timing', serverTimingValue([call])];
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!.toString('latin1');
      if (name.length !== 10 || name.toLowerCase() !== 'connection') lines.push(name, raw[i + 1]!.toString('latin1'));
    }
    lines.push('X-Krakend-Completed', 'false');
    this.res.writeHead(status, lines);
    return true;
  }
  onData(chunk: Buffer): boolean {
    return this.res.write(chunk);
  }
  onComplete(): void {
    this.res.end();
  }
  onError(): void {
    if (!this.res.headersSent) this.res.statusCode = 500;
    this.res.end();
  }
}

/** One backend of `/merge`, read whole. */
class Collect implements Dispatcher.DispatchHandler {
  private readonly chunks: Buffer[] = [];
  private readonly started = performance.now();
  call: BackendCallRecord | undefined;
  constructor(private readonly path: string, private readonly done: (body: string | undefined) => void) {}
  onConnect(): void {}
  onHeaders(status: number): boolean {
    this.call = { method: 'GET', url: `${backend}${this.path}`, status, ms: 0, source: 'live' };
    return true;
  }
  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }
  onComplete(): void {
    this.call!.ms = roundMs(performance.now() - this.started);
    this.done(Buffer.concat(this.chunks).toString('utf8'));
  }
  onError(): void {
    this.done(undefined);
  }
}

type Json = Record<string, unknown>;

/** The bench config's `allow`, `deny` and `mapping`, written out for these two bodies. */
function merged(small: Json, stats: Json): Json {
  const out: Json = { id: small['id'], name: small['name'], email: small['email'] };
  const address = small['address'] as Json | undefined;
  if (address) out['address'] = { city: address['city'] };
  for (const k of Object.keys(stats)) {
    if (k !== 'internal') out[k === 'views' ? 'visits' : k] = stats[k];
  }
  return out;
}

function merge(req: IncomingMessage, res: ServerResponse, timer: NodeJS.Timeout): void {
  const bodies: (string | undefined)[] = [undefined, undefined];
  let pending = 2;
  const calls: Collect[] = [];
  const settle = (i: number) => (text: string | undefined) => {
    bodies[i] = text;
    if (--pending > 0) return;
    clearTimeout(timer);
    if (res.writableEnded) return;
    if (bodies[0] === undefined || bodies[1] === undefined) {
      res.statusCode = 500;
      res.end();
      return;
    }
    const body = stringifyGo(merged(parseJson(bodies[0]) as Json, parseJson(bodies[1]) as Json));
    res.writeHead(200, [
      'X-Krakend', VERSION,
      'Server-Timing', serverTimingValue(calls.map((c) => c.call!)),
      'X-Krakend-Completed', 'true',
      'Content-Type', JSON_TYPE,
      'Content-Length', String(Buffer.byteLength(body)),
    ]);
    res.end(body);
  };
  const headers = forwarded(req);
  calls.push(new Collect('/small', settle(0)), new Collect('/stats', settle(1)));
  pool.dispatch({ path: '/small', method: 'GET', headers }, calls[0]!);
  pool.dispatch({ path: '/stats', method: 'GET', headers }, calls[1]!);
}

function serve(req: IncomingMessage, res: ServerResponse): void {
  const start = performance.now();
  const timer = setTimeout(onDeadline, TIMEOUT_MS, res);
  observe(req, res, start, timer);
  if (req.url === '/merge') return merge(req, res, timer);
  if (req.url === '/small') {
    pool.dispatch({ path: '/small', method: 'GET', headers: forwarded(req) }, new Passthrough(res, timer));
    return;
  }
  res.statusCode = 404;
  res.end();
}

await listenAndAnnounce(createServer(serve), () => pool.destroy());
