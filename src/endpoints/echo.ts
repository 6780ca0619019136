import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../internal/body.js';
import { goStruct, stringifyGo } from '../encoding/go-json.js';

/** `/__echo/*` (behaviour §4, lura `TestEchoHandler`): the request as JSON, fields in Go order. */
export function echoHandler(req: IncomingMessage, res: ServerResponse): void {
  readBody(req, 1 << 20).then(
    (body) => {
      const uri = req.url ?? '/';
      const absolute = /^[a-z]+:\/\//i.test(uri);
      const url = new URL(uri, 'http://placeholder');
      const q = uri.indexOf('?');
      const rawQuery = q === -1 ? '' : uri.slice(q + 1).split('#')[0];
      const query: Record<string, string[]> = {};
      for (const [k, v] of new URLSearchParams(rawQuery)) (query[k] ??= []).push(v);
      const headers: Record<string, string[]> = {};
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = canonical(req.rawHeaders[i]);
        if (name === 'Host') continue;
        (headers[name] ??= []).push(req.rawHeaders[i + 1]);
      }
      // Go struct fields keep their order; the maps inside are sorted like Go's encoding/json.
      const json = stringifyGo(
        goStruct({
          req_uri: uri,
          req_uri_details: goStruct({
            fragment: '',
            host: absolute ? url.host : '',
            path: decodeSafe(url.pathname),
            query: rawQuery,
            user: '',
          }),
          req_method: req.method,
          req_querystring: query,
          req_body: body.toString('utf8'),
          req_headers: headers,
        }),
      );
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(json);
    },
    () => {
      res.statusCode = 413;
      res.end();
    },
  );
}

function decodeSafe(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

export function canonical(h: string): string {
  return h
    .toLowerCase()
    .split('-')
    .map((p) => (p ? p[0].toUpperCase() + p.slice(1) : p))
    .join('-');
}
