import type { ServerResponse } from 'node:http';
import { isGatewayError } from '../errors.js';
import type { BackendCallRecord } from '../types.js';
import { serverTimingValue } from './server-timing.js';

/**
 * What the client learns about its request's backend calls, set before the answer's head is
 * written: `Server-Timing` (devtools), and `X-Krakend-Connect-Replay: <file>` for each answer
 * that came from a recording instead of the live backend (DECISIONS.md 27).
 */
export function markBackendCalls(
  res: ServerResponse,
  calls: readonly BackendCallRecord[],
  serverTiming: boolean,
): void {
  if (calls.length === 0) return;
  try {
    if (serverTiming) res.appendHeader('Server-Timing', serverTimingValue(calls));
    for (const c of calls) {
      if (c.source !== 'replay' || !c.file || c.status === 0) continue;
      res.appendHeader('X-Krakend-Connect-Replay', c.file);
    }
  } catch {
    // a header Node refuses is dropped, never a crash
  }
}

/**
 * A call (or every call of a merge) without a recording: always a 502 whose body names the
 * request and the file looked for, whatever `return_error_msg` says (README: Local API mocking).
 */
export function isReplayMissing(err: Error): boolean {
  const all = (err as { errors?: unknown }).errors;
  if (Array.isArray(all)) return all.length > 0 && all.every((e) => isReplayMissing(e as Error));
  return isGatewayError(err) && err.code === 'KC_REPLAY_MISSING';
}
