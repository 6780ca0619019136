import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { PluginHandler } from '../plugin.js';
import type { NodeHandler } from '../types.js';
import { errorMessage, serializeError } from './failure.js';
import { answerError, describeRequest } from './respond.js';

interface LayerState {
  nextCalled: boolean;
  /** The guard answered (500/504): the plugin's later `next` or writes are ignored. */
  settled: boolean;
}

type Expire = (req: IncomingMessage, res: ServerResponse, st: LayerState) => void;

/**
 * The one deadline timer of a request, shared by its layers. At most one layer waits at a time
 * (entered, not yet past `next`, its response not started): an inner layer is entered only
 * through the outer one's `next`. So each layer re-arms the same timer on entry (`refresh()`, no
 * allocation) instead of arming its own, and the timer stops once no layer waits.
 */
interface Deadline {
  /** Undefined when not armed (fired or cleared). */
  timer: NodeJS.Timeout | undefined;
  ms: number;
  req: IncomingMessage;
  res: ServerResponse;
  /** The waiting layer's state, and its answer if it still waits at the deadline. */
  current: LayerState | undefined;
  expire: Expire | undefined;
}

/**
 * Symbol-keyed slots on `res`, not WeakMaps: a WeakMap entry per request costs V8's scavenger an
 * ephemeron table of short-lived keys (src/internal/request-state.ts, docs/performance.md).
 */
const kDeadline = Symbol('krakend-connect.plugin-deadline');

type WithSlots = ServerResponse & { [kDeadline]?: Deadline } & { [k: symbol]: unknown };

function onTimer(d: Deadline): void {
  const { current, expire } = d;
  d.timer = undefined;
  d.current = undefined;
  d.expire = undefined;
  if (current && expire) expire(d.req, d.res, current);
}

function arm(req: IncomingMessage, res: ServerResponse, st: LayerState, ms: number, expire: Expire) {
  const slots = res as WithSlots;
  let d = slots[kDeadline];
  if (d === undefined) {
    d = { timer: undefined, ms, req, res, current: undefined, expire: undefined };
    slots[kDeadline] = d;
  }
  if (d.timer && d.ms === ms) {
    d.timer.refresh();
  } else {
    clearTimeout(d.timer);
    d.ms = ms;
    d.timer = setTimeout(onTimer, ms, d);
    d.timer.unref();
  }
  d.current = st;
  d.expire = expire;
}

/** `st` no longer waits; the timer stops too unless `keep` (an inner layer may re-arm it). */
function release(res: ServerResponse, st: LayerState, keep = false): void {
  const d = (res as WithSlots)[kDeadline];
  if (d?.current !== st) return;
  d.current = undefined;
  d.expire = undefined;
  if (!keep) stopIdle(d);
}

/** Clears the timer when no layer waits on it. */
function stopIdle(d: Deadline): void {
  if (d.current || !d.timer) return;
  clearTimeout(d.timer);
  d.timer = undefined;
}

export interface LayerOptions {
  name: string;
  logger: Logger;
  deadlineMs: number;
  mapStack(stack: string): string;
}

export interface PluginLayer {
  /** The `next` the factory gets: the rest of the gateway, entered at most once per request. */
  next: PluginHandler;
  /** The factory's handler, made safe: it never throws, never rejects, never hangs forever. */
  wrap(handler: PluginHandler): NodeHandler;
}

/**
 * One plugin in the chain. Connect exits the process on a rejected async middleware
 * (reference/reliability.md §1.10), so every way a plugin can fail is caught here: a sync
 * throw or a rejection answers 500 once; a plugin that neither calls `next` nor starts its
 * response within `deadlineMs` gets 504 (DECISIONS 16); a second `next` is ignored with a warning.
 */
export function createLayer(downstream: NodeHandler, options: LayerOptions): PluginLayer {
  const { name, logger, deadlineMs } = options;
  // This layer's per-request state, in its own slot on `res`.
  const kState = Symbol(`krakend-connect.plugin:${name}`);
  const prefix = `[PLUGIN: ${name}]`;

  function onDeadline(req: IncomingMessage, res: ServerResponse, st: LayerState): void {
    if (st.nextCalled || st.settled || res.headersSent || res.writableEnded) return;
    st.settled = true;
    const { method, path } = describeRequest(req);
    logger.error(
      { plugin: name, code: 'KC_PLUGIN_TIMEOUT', method, path },
      `${prefix} neither called next nor answered within ${deadlineMs} ms: ${method} ${path}`,
    );
    answerError(res, 504, 'Gateway Timeout');
  }

  function fail(req: IncomingMessage, res: ServerResponse, st: LayerState, err: unknown): void {
    release(res, st);
    const { method, path } = describeRequest(req);
    const fields = { plugin: name, code: 'KC_PLUGIN_FAILED', method, path };
    logger.error(
      { ...fields, err: serializeError(err, options.mapStack) },
      `${prefix} failed on ${method} ${path}: ${errorMessage(err)}`,
    );
    // After next, the rest of the gateway owns the response.
    if (st.settled || st.nextCalled) return;
    st.settled = true;
    answerError(res, 500, 'Internal Server Error');
  }

  function next(req: IncomingMessage, res: ServerResponse): void | Promise<void> {
    const st = (res as WithSlots)[kState] as LayerState | undefined;
    if (!st) return downstream(req, res);
    if (st.nextCalled) {
      const { method, path } = describeRequest(req);
      logger.warn(
        { plugin: name, method, path },
        `${prefix} called next twice on ${method} ${path}; the second call is ignored`,
      );
      return Promise.resolve();
    }
    st.nextCalled = true;
    if (st.settled) {
      release(res, st);
      const { method, path } = describeRequest(req);
      logger.warn(
        { plugin: name, method, path },
        `${prefix} called next on ${method} ${path} after it was answered; ignored`,
      );
      return Promise.resolve();
    }
    // Keep the timer for an inner layer, which re-arms it synchronously on entry.
    release(res, st, true);
    const result = downstream(req, res);
    const d = (res as WithSlots)[kDeadline];
    if (d) stopIdle(d);
    return result;
  }

  function wrap(handler: PluginHandler): NodeHandler {
    const layer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const st: LayerState = { nextCalled: false, settled: false };
      (res as WithSlots)[kState] = st;
      arm(req, res, st, deadlineMs, onDeadline);
      try {
        await handler(req, res);
      } catch (err) {
        fail(req, res, st, err);
      }
      if (res.headersSent || res.writableEnded) release(res, st);
    };
    Object.defineProperty(layer, 'name', { value: `plugin:${name}` });
    return layer;
  }

  return { next, wrap };
}

/** The innermost `next`: the gateway core, made safe the same way (it should never throw). */
export function safeInner(inner: NodeHandler, logger: Logger): NodeHandler {
  return async function gatewayCore(req, res) {
    try {
      await inner(req, res);
    } catch (err) {
      const { method, path } = describeRequest(req);
      logger.error(
        { err, method, path },
        `[PLUGIN: Server] the gateway failed on ${method} ${path}: ${errorMessage(err)}`,
      );
      answerError(res, 500, 'Internal Server Error');
    }
  };
}
