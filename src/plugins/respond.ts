import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Answers a failed request once, the way Go's `http.Error` does (`text/plain`, status text and a
 * newline). When the plugin already sent headers there is no way to change the status: the
 * socket is closed instead, so the client sees a truncated response rather than a hang.
 */
export function answerError(res: ServerResponse, status: number, text: string): void {
  if (res.destroyed || res.writableEnded) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  try {
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    res.statusCode = status;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.end(`${text}\n`);
  } catch {
    res.destroy();
  }
}

/** `GET /path` for log lines (no query string: it may carry secrets). */
export function describeRequest(req: IncomingMessage): { method: string; path: string } {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return { method: req.method ?? 'GET', path: q === -1 ? url : url.slice(0, q) };
}
