import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import { socketPair } from './socket-pair.js';

export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Connection-level headers that never cross the bridge (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'http2-settings',
]);
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * Serves Web `Request`s with a Node `(req, res)` listener: each request crosses an in-memory
 * socket pair into a never-listening `http.Server`, so the listener sees a real `IncomingMessage`
 * and `ServerResponse` (parsing, chunking, `close` events) and the `Response` body streams as
 * the listener writes. Cancelling the body or aborting the request closes the socket, which the
 * listener sees as a client disconnect.
 */
export function createWebBridge(listener: NodeListener) {
  const server = createServer(listener);

  return function serveWeb(request: Request, path: string): Promise<Response> {
    const [client, peer] = socketPair();
    server.emit('connection', peer);
    const headers: OutgoingHttpHeaders = {};
    request.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name)) headers[name] = value;
    });
    headers.host ??= new URL(request.url).host;
    const req = httpRequest({
      createConnection: () => client as never,
      method: request.method,
      path,
      headers,
      setHost: false,
    });
    const signal = request.signal;
    const onAbort = () => req.destroy(new Error('client aborted'));
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });

    if (request.body) {
      const body = Readable.fromWeb(request.body as unknown as NodeWebStream);
      body.on('error', (err) => req.destroy(err));
      body.pipe(req);
    } else {
      req.end();
    }

    return new Promise<Response>((resolve, reject) => {
      req.on('error', reject);
      req.once('response', (res) => {
        res.once('close', () => signal?.removeEventListener('abort', onAbort));
        resolve(toResponse(res, request.method));
      });
    });
  };
}

function toResponse(res: IncomingMessage, method: string): Response {
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (!HOP_BY_HOP.has(name.toLowerCase())) headers.append(name, raw[i + 1]!);
  }
  const status = res.statusCode ?? 200;
  const empty = NULL_BODY.has(status) || method === 'HEAD';
  if (empty) res.resume();
  const body = empty ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
  return new Response(body, { status, statusText: res.statusMessage, headers });
}
