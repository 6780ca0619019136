import type { Logger } from 'pino';
import type { PluginRegistry } from '../plugins/types.js';
import type { BackendCallRecord } from '../types.js';
import type { BackendCall, BackendReply } from './backend-call.js';
import type { BackendDispatchers } from './dispatchers.js';

/**
 * Replaces the HTTP exchange of every backend (record/replay, mocks): receives the fully built
 * call and answers like the network would; `source` is what the dashboard shows.
 */
export type BackendTransport = (
  call: BackendCall,
  next: (call: BackendCall) => Promise<BackendReply>,
) => Promise<BackendReply & { source?: BackendCallRecord['source'] }>;

/** What the pipe needs from the gateway (a subset of the endpoint deps). */
export interface PipeDeps {
  dispatchers: BackendDispatchers;
  logger: Logger;
  plugins?: PluginRegistry;
  onBackendCall?: (rec: BackendCallRecord) => void;
  transport?: BackendTransport;
}
