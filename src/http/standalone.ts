import type { ServerResponse } from 'node:http';
import { stringifyGo } from '../encoding/go-json.js';
import { cleanPath } from '../internal/path.js';
import type { RouterOptions } from '../types.js';

/** Answers of KrakenD's router when nothing matches (behaviour §2.2, CE `router_engine.go`). */

function versionValue(router: RouterOptions, version: string): string {
  return router.hideVersionHeader ? 'Version undefined' : `Version ${version}`;
}

export function writeNotFound(res: ServerResponse, router: RouterOptions, version: string): void {
  writeRouterError(res, 404, '404 page not found', router, version);
}

export function writeMethodNotAllowed(
  res: ServerResponse,
  allow: readonly string[],
  router: RouterOptions,
  version: string,
): void {
  res.setHeader('Allow', allow.join(', '));
  writeRouterError(res, 405, '405 method not allowed', router, version);
}

/** gin's text answer, or CE's `error_body` JSON for that status when the config sets one. */
function writeRouterError(
  res: ServerResponse,
  status: 404 | 405,
  text: string,
  router: RouterOptions,
  version: string,
): void {
  const custom = router.errorBody?.[String(status) as '404' | '405'];
  res.statusCode = status;
  res.setHeader('X-Krakend', versionValue(router, version));
  res.setHeader('X-Krakend-Completed', 'false');
  if (custom !== undefined) {
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(stringifyGo(custom));
    return;
  }
  res.setHeader('Content-Type', 'text/plain');
  res.end(text);
}

/**
 * gin's `X-Forwarded-Prefix` for a trailing-slash redirect: `path.Clean`ed, stripped of every
 * character but letters, digits, `/` and `-`, repeated slashes collapsed. Without it a client
 * could send `//evil.example` and get a redirect to another site.
 */
export function forwardedPrefix(header: string | string[] | undefined): string {
  if (typeof header !== 'string' || header === '') return '';
  return cleanPath(header).replace(/[^a-zA-Z0-9/-]+/g, '').replace(/\/{2,}/g, '/');
}

/** net/http's `Redirect`: a path is cleaned (a trailing slash kept), the query kept. */
function redirectLocation(path: string): string {
  const trailing = path.endsWith('/');
  const cleaned = cleanPath(path);
  return trailing && !cleaned.endsWith('/') ? `${cleaned}/` : cleaned;
}

/** 301 for GET, 307 otherwise; `Location` keeps the query; no X-Krakend headers. */
export function writeRedirect(
  res: ServerResponse,
  method: string,
  target: string,
  url: string | undefined,
  prefix = '',
): void {
  const q = url ? url.indexOf('?') : -1;
  const path = redirectLocation(prefix === '' ? target : `${prefix}/${target}`);
  const location = path + (q === -1 || !url ? '' : url.slice(q));
  if (method === 'GET') {
    const body = `<a href="${htmlEscape(location)}">Moved Permanently</a>.\n\n`;
    res.writeHead(301, {
      Location: location,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
    return;
  }
  res.writeHead(307, { Location: location, 'Content-Length': 0 });
  res.end();
}

/** Go's `html.EscapeString`, as net/http's `Redirect` writes its body. */
function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;',
};

export function writeBadParam(res: ServerResponse, message: string): void {
  res.writeHead(400, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(message),
  });
  res.end(message);
}

export function writeAutoOptions(
  res: ServerResponse,
  allow: readonly string[],
  router: RouterOptions,
  version: string,
): void {
  res.writeHead(200, {
    Allow: [...allow].sort().join(', '),
    'X-Krakend': versionValue(router, version),
    'Content-Length': 0,
  });
  res.end();
}

