import { Agent, request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';

/**
 * One soak request of a given kind and how it may end. Good traffic must be answered right;
 * faults must get KrakenD's answer (DECISIONS.md 12) or a closed connection where a stream broke;
 * client aborts and hostile inputs must leave the gateway serving. Nothing may hang: every
 * request is bounded by the endpoint timeout plus a margin.
 */
export type Outcome = 'ok' | 'unexpected' | 'error' | 'hung';

export interface Result {
  kind: string;
  outcome: Outcome;
  detail: string;
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

const HUNG_MS = 4000;
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function call(base: string, path: string, method = 'GET', body?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (!res.complete) return reject(Object.assign(new Error('cut'), { code: 'CUT' }));
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('aborted', () => reject(Object.assign(new Error('cut'), { code: 'CUT' })));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

type Check = (a: Answer) => string | undefined;

const status = (want: number, also?: Check): Check => (a) =>
  a.status !== want ? `status ${a.status}` : also?.(a);
const body = (want: string): Check => (a) =>
  a.body.toString() === want ? undefined : `body ${a.body.toString().slice(0, 40)}`;

const UPLOAD = Buffer.alloc(256 * 1024, 0x62);

/** Kinds with their weights (per 100 requests). */
interface Kind {
  weight: number;
  run: (base: string) => Promise<string | undefined>;
}

const fullMiB: Check = (a) => (a.body.length === 1 << 20 ? undefined : 'short');
const marked: Check = (a) => (a.headers['x-soak-plugin'] ? undefined : 'no marker');
const partial: Check = (a) =>
  a.headers['x-krakend-completed'] === 'false' ? undefined : 'complete';
const cut = (e: NodeJS.ErrnoException): string | undefined =>
  e.code === 'CUT' || e.code === 'ECONNRESET' ? undefined : e.code;

export const KINDS: Record<string, Kind> = {
  ok: { weight: 20, run: (u) => call(u, '/ok').then(status(200, body('{"ok":true}'))) },
  noop: { weight: 10, run: (u) => call(u, '/noop').then(status(200, body('{"ok":true}'))) },
  merge: {
    weight: 8,
    run: (u) =>
      call(u, '/merge').then(status(200, body('{"a":{"ok":true},"b":{"slow":true}}'))),
  },
  big: {
    weight: 4,
    run: (u) => call(u, '/big').then(status(200, fullMiB)),
  },
  upload: {
    weight: 4,
    run: (u) =>
      call(u, '/upload', 'POST', UPLOAD).then(status(200, body(`{"size":${UPLOAD.length}}`))),
  },
  sse: { weight: 2, run: (u) => call(u, '/sse').then(status(200)) },
  plugin: { weight: 7, run: (u) => call(u, '/plugin').then(status(200, marked)) },
  stall: { weight: 8, run: (u) => call(u, '/stall').then(status(500)) },
  'reset-json': { weight: 5, run: (u) => call(u, '/reset-json').then(status(500)) },
  'reset-noop': {
    weight: 5,
    run: (u) => call(u, '/reset-noop').then(() => 'answered whole', cut),
  },
  'bad-json': { weight: 5, run: (u) => call(u, '/bad-json').then(status(200, partial)) },
  refused: { weight: 5, run: (u) => call(u, '/refused').then(status(500)) },
  abort: { weight: 5, run: (u) => clientAbort(u) },
  hostile: { weight: 7, run: (u) => hostile(u) },
  param: { weight: 5, run: (u) => call(u, '/users/a%2F..%2Fadmin').then(status(400)) },
};

/** The client leaves 50 ms into a 100 ms backend call. */
function clientAbort(base: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request(`${base}/slow`, { agent: false });
    req.on('error', () => resolve(undefined));
    req.on('response', (res) => res.resume());
    req.end();
    setTimeout(() => {
      req.destroy();
      resolve(undefined);
    }, 50);
  });
}

const HOSTILE: [string, RegExp][] = [
  [
    'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n',
    /^HTTP\/1\.1 400/,
  ],
  ['GET /users/1 HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', /^HTTP\/1\.1 400/],
  ['GET /ok#x HTTP/1.1\r\nHost: x\r\n\r\n', /^HTTP\/1\.1 400/],
  ['GET /users/%2e%2e HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', /^HTTP\/1\.1 400/],
  [`GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, /^HTTP\/1\.1 431/],
  ['GET /ok HTTP/1.1\nHost: x\n\n', /^HTTP\/1\.1 400/],
  [
    'GET http://169.254.169.254/ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    /^HTTP\/1\.1 200/,
  ],
];
let nextHostile = 0;

function hostile(base: string): Promise<string | undefined> {
  const [bytes, want] = HOSTILE[nextHostile++ % HOSTILE.length]!;
  const port = Number(new URL(base).port);
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (text += c));
    socket.on('error', () => {});
    socket.on('close', () => resolve(want.test(text) ? undefined : `got ${text.slice(0, 30)}`));
    socket.write(bytes);
  });
}

export async function run(kind: string, base: string): Promise<Result> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<Result>((resolve) => {
    timer = setTimeout(() => resolve({ kind, outcome: 'hung', detail: 'no end' }), HUNG_MS);
  });
  const done = KINDS[kind]!.run(base).then(
    (problem): Result => ({ kind, outcome: problem ? 'unexpected' : 'ok', detail: problem ?? '' }),
    (e: NodeJS.ErrnoException): Result => ({ kind, outcome: 'error', detail: e.code ?? e.message }),
  );
  const result = await Promise.race([done, hung]);
  clearTimeout(timer);
  return result;
}

/** Picks kinds by weight from a deterministic sequence (the same mix every run). */
export function picker(): () => string {
  const bag: string[] = [];
  for (const [k, { weight }] of Object.entries(KINDS)) for (let i = 0; i < weight; i++) bag.push(k);
  let seed = 12345;
  return () => {
    // mulberry32: a small PRNG whose low bits are as good as its high ones
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return bag[((t ^ (t >>> 14)) >>> 0) % bag.length]!;
  };
}

export function closeAgent(): void {
  agent.destroy();
}
