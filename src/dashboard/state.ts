import type { ServerResponse } from 'node:http';
import type { RequestRecord } from '../types.js';

export interface ReloadRecord {
  time: number;
  ok: boolean;
  ms?: number;
  generation?: number;
  routes?: number;
  changed: string[];
  error?: string;
}

export interface RouteInfo {
  method: string;
  endpoint: string;
  outputEncoding: string;
  /** `krakend-connect/faults` on the endpoint, summarised. */
  faults?: string;
  backends: {
    method: string;
    host: string;
    urlPattern: string;
    encoding: string;
    /** The mock file, or folder (ending in `/`), answering instead of the host. */
    mock?: string;
    faults?: string;
  }[];
}

export interface PluginInfo {
  file: string;
  names: string[];
  kinds: { kind: string; ok: boolean; error?: string }[];
  error?: string;
}

export interface Snapshot {
  generation: number;
  configFile: string;
  routes: RouteInfo[];
  plugins: PluginInfo[];
  requests: RequestRecord[];
  reloads: ReloadRecord[];
  lastError?: string;
  mocking: {
    record?: string;
    replay?: string;
    fallthrough: boolean;
    /** `off`, `record`, `replay`, or live with recordings as a fallback (both folders). */
    mode: string;
    serverTiming: boolean;
  };
}

const MAX_REQUESTS = 200;
const MAX_RELOADS = 50;

/** What the dashboard shows: bounded ring buffers, and the SSE clients to tell about changes. */
export class DashboardState {
  readonly requests: RequestRecord[] = [];
  readonly reloads: ReloadRecord[] = [];
  private readonly clients = new Set<ServerResponse>();

  addRequest(rec: RequestRecord): void {
    this.requests.push(rec);
    if (this.requests.length > MAX_REQUESTS) this.requests.shift();
    this.broadcast('request', rec);
  }

  addReload(rec: ReloadRecord): void {
    this.reloads.push(rec);
    if (this.reloads.length > MAX_RELOADS) this.reloads.shift();
    this.broadcast('reload', rec);
  }

  subscribe(res: ServerResponse): void {
    this.clients.add(res);
    res.once('close', () => this.clients.delete(res));
  }

  get subscribers(): number {
    return this.clients.size;
  }

  private broadcast(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of this.clients) res.write(frame);
  }

  close(): void {
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}
