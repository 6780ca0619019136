import type { IncomingMessage, ServerResponse } from 'node:http';
import { pathOf } from '../internal/path.js';
import { DASHBOARD_HTML } from './page.js';
import type { DashboardState, Snapshot } from './state.js';

/**
 * `/__krakend/`: the page, a JSON snapshot (`api/state`) and a live SSE stream (`events`).
 * Paths are matched on the suffix so the dashboard works under any mount prefix.
 */
export function createDashboardHandler(state: DashboardState, snapshot: () => Snapshot) {
  return function dashboardHandler(req: IncomingMessage, res: ServerResponse): void {
    const path = pathOf(req.url);
    if (path === '/__krakend') {
      // Relative: under a mount prefix (`app.use('/api', gateway)`) the browser stays under it.
      res.writeHead(301, { Location: '__krakend/' });
      res.end();
      return;
    }
    const rest = path.slice('/__krakend/'.length);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
      res.end('405 method not allowed');
      return;
    }
    if (rest === '' || rest === 'index.html') {
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'",
      });
      res.end(DASHBOARD_HTML);
      return;
    }
    if (rest === 'api/state') {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(snapshot()));
      return;
    }
    if (rest === 'events') {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-store',
      });
      res.write(': krakend-connect dashboard\n\n');
      state.subscribe(res);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('404 page not found');
  };
}
