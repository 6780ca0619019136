import type { IncomingMessage } from 'node:http';
import type { BackendCallRecord, NextFunction } from '../types.js';

/** Per-request state the layers share, in a symbol-keyed slot on the request (data, no patched method). */
export interface RequestState {
  start: number;
  /** The host's `next` (mounted), undefined when standalone. */
  next?: NextFunction;
  /** Set when the request left the gateway through the host's `next`. */
  fellThrough: boolean;
  /** The endpoint that answered, as written in the config. */
  endpoint?: string;
  generation: number;
  /** Backend calls made for this request (dashboard, Server-Timing). */
  backends: BackendCallRecord[];
}

/**
 * A symbol-keyed slot on the request, not a WeakMap: one WeakMap entry per request made V8's
 * garbage collector process an ephemeron table of short-lived keys on every scavenge, which cost
 * the no-op path ~15-20 µs of CPU per request across the GC threads (docs/performance.md). The
 * slot is data, not a patched method, and is invisible to string-keyed enumeration and JSON.
 */
const kState = Symbol('krakend-connect.request-state');

type WithState = IncomingMessage & { [kState]?: RequestState };

export function setState(req: IncomingMessage, state: RequestState): void {
  (req as WithState)[kState] = state;
}

export function getState(req: IncomingMessage): RequestState | undefined {
  return (req as WithState)[kState];
}
