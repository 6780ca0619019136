import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatProblem, isGatewayError } from '../errors.js';

/** Marks these answers, so the page can tell them from the gateway's real ones. */
export const NOT_READY_HEADER = 'X-Krakend-Connect-Not-Ready';

/**
 * The page asks for its own URL again every second and reloads once the answer is no longer
 * this error: the fix shows up without a manual reload, as Vite's overlay clears after a good
 * save. A failed fetch (the server restarting) just tries again.
 */
const RECOVER_SCRIPT =
  '<script>(function poll(){setTimeout(function(){' +
  "fetch(location.href,{cache:'no-store',headers:{Accept:'text/html'}}).then(function(r){" +
  `if(r.headers.has('${NOT_READY_HEADER.toLowerCase()}'))poll();else location.reload();},poll);` +
  '},1000);})();</script>';

/**
 * While no good config is loaded every request gets 503 with the error: JSON, or a readable
 * page for browsers (`Accept: text/html`), so the mistake shows where the developer looks.
 * Mounted in a host (Vite, Express) this includes the host's own pages: the gateway cannot
 * tell its routes from the host's before a config has loaded (INTERFACE.md).
 */
export function writeLoadError(req: IncomingMessage, res: ServerResponse, error: Error): void {
  const code = isGatewayError(error) ? error.code : 'KC_NOT_READY';
  const problems = isGatewayError(error) ? error.problems.map(formatProblem) : [];
  const status = 503;
  if (String(req.headers.accept ?? '').includes('text/html')) {
    const lines = problems.length ? problems : [error.message];
    const body =
      '<!doctype html><meta charset="utf-8"><title>krakend-connect: config error</title>' +
      '<style>body{font:14px/1.5 ui-monospace,monospace;margin:2rem;color:#222}' +
      'h1{font-size:1.2rem;color:#b00020}pre{background:#fff0f0;padding:1rem;white-space:pre-wrap}</style>' +
      `<h1>krakend-connect cannot serve: ${escapeHtml(code)}</h1>` +
      `<pre>${lines.map(escapeHtml).join('\n')}</pre>` +
      '<p>Fix the file and save: the gateway reloads by itself, and so does this page.</p>' +
      RECOVER_SCRIPT;
    res.writeHead(status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      [NOT_READY_HEADER]: code,
    });
    res.end(body);
    return;
  }
  const body = JSON.stringify({ error: error.message, code, problems });
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    [NOT_READY_HEADER]: code,
  });
  res.end(body);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
