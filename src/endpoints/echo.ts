import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../internal/body.js';
import { goStruct, stringifyGo } from '../encoding/go-json.js';
import { encodeQuery, parseQuery } from '../proxy/query.js';

/**
 * `/__echo/*` (behaviour §4, lura `router/gin/echo.go`): the request as JSON, fields in Go order.
 * `req_uri_details` holds Go's `Request.Host` and the query as `URL.Query().Encode()` writes it.
 */
export function echoHandler(req: IncomingMessage, res: ServerResponse): void {
  readBody(req, 1 << 20).then(
    (body) => {
      const uri = req.url ?? '/';
      const absolute = /^[a-z]+:\/\//i.test(uri);
      const url = new URL(uri, 'http://placeholder');
      const q = uri.indexOf('?');
      const rawQuery = q === -1 ? '' : uri.slice(q + 1).split('#')[0];
      // Go's `URL.Query()`, and `Encode()` of it for the details.
      const query = parseQuery(rawQuery);
      // Go's `Request.Host`: the absolute-form target's host, else the Host header.
      const host = absolute ? url.host : (req.headers.host ?? req.headers[':authority'] ?? '');
      const headers = Object.create(null) as Record<string, string[]>;
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
            host: String(host),
            path: decodeSafe(url.pathname),
            query: encodeQuery(query),
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
