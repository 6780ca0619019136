import type { Logger } from 'pino';
import type { PluginRegistry } from '../plugins/types.js';
import type { BackendCallRecord, ResolvedBackend, ResolvedEndpoint } from '../types.js';
import type { BackendCall, BackendReply } from './backend-call.js';
import type { BackendDispatchers } from './dispatchers.js';

/** A reply and where it came from, for the dashboard and `Server-Timing`. */
export interface TransportReply extends BackendReply {
  source?: BackendCallRecord['source'];
  /** The recording or mock file that answered. */
  file?: string;
  note?: string;
}

/**
 * Replaces or wraps the HTTP exchange of one backend (record/replay, mocks, faults): receives the
 * fully built call and answers like the network would; `next` is the live exchange.
 */
export type BackendTransport = (
  call: BackendCall,
  next: (call: BackendCall) => Promise<BackendReply>,
) => Promise<TransportReply>;

/** Built once per backend at load; undefined leaves the backend on the plain network path. */
export type TransportFactory = (
  endpoint: ResolvedEndpoint,
  backend: ResolvedBackend,
) => BackendTransport | undefined;

/** What the pipe needs from the gateway (a subset of the endpoint deps). */
export interface PipeDeps {
  dispatchers: BackendDispatchers;
  logger: Logger;
  plugins?: PluginRegistry;
  onBackendCall?: (rec: BackendCallRecord) => void;
  /** Mocking (src/mock): asked once per backend while the pipes are built. */
  transportFor?: TransportFactory;
  /** Fill each request's backend call list (dashboard, `Server-Timing`, replay marks). */
  observeCalls?: boolean;
  /** Formats `Server-Timing` from a request's backend calls; undefined: no such header. */
  serverTiming?: (calls: readonly BackendCallRecord[]) => string;
}
