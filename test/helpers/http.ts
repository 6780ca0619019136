import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

export interface TestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

/** One HTTP/1.1 request with node:http (no keep-alive), body read whole. */
export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string | string[]>; body?: string | Buffer } = {},
): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers };
    if (options.body !== undefined && !Object.keys(headers).some((h) => /^(content-length|transfer-encoding)$/i.test(h))) {
      headers['Content-Length'] = String(Buffer.byteLength(options.body));
    }
    const req = httpRequest(url, { method: options.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** `Name: value` for each raw header pair whose lower-cased name `keep` accepts, in wire order. */
export function headerLines(raw: readonly string[], keep: (lowerName: string) => boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (keep(raw[i]!.toLowerCase())) out.push(`${raw[i]}: ${raw[i + 1]}`);
  }
  return out;
}

/**
 * Writes raw bytes on a socket and returns everything read until the server closes the
 * connection or `ms` passes (then `timedOut` is true).
 */
export function rawRequest(
  port: number,
  bytes: string | Buffer,
  ms = 3000,
): Promise<{ text: string; status: number; timedOut: boolean; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (timedOut: boolean, closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ text, status: m ? Number(m[1]) : 0, timedOut, closed });
    };
    const timer = setTimeout(() => finish(true, false), ms);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => finish(false, true));
    socket.on('close', () => finish(false, true));
    socket.on('error', () => finish(false, true));
    socket.write(bytes);
  });
}
