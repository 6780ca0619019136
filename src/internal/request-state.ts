import type { IncomingMessage } from 'node:http';
import type { BackendCallRecord, NextFunction } from '../types.js';

/** Per-request state the layers share, kept beside the request instead of patched onto it. */
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

const states = new WeakMap<IncomingMessage, RequestState>();

export function setState(req: IncomingMessage, state: RequestState): void {
  states.set(req, state);
}

export function getState(req: IncomingMessage): RequestState | undefined {
  return states.get(req);
}
