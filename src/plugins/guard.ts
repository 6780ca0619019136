import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { PluginHandler } from '../plugin.js';
import type { NodeHandler } from '../types.js';
import { isThenable } from './deadline.js';
import { errorMessage, serializeError } from './failure.js';
import { answerError, describeRequest } from './respond.js';

interface LayerState {
  nextCalled: boolean;
  /** The guard answered (500/504): the plugin's later `next` or writes are ignored. */
  settled: boolean;
}

type Expire = (req: IncomingMessage, res: ServerResponse, st: LayerState) => void;

/**
 * A request's plugin state, in one slot on its response: each layer's state (by the layer's
 * place in the chain) and the one deadline timer the layers share. At most one layer waits at a
 * time (entered, not yet past `next`, its response not started): an inner layer is entered only
 * through the outer one's `next`. So each layer re-arms the same timer on entry (`refresh()`, no
 * allocation) instead of arming its own, and the timer stops once no layer waits.
 */
interface Deadline {
  /** Each layer's state for this request, by its index in the chain. */
  states: (LayerState | undefined)[];
  /** Undefined when not armed (fired or cleared). */
  timer: NodeJS.Timeout | undefined;
  ms: number;
  req: IncomingMessage | undefined;
  res: ServerResponse;
  /** The waiting layer's state, and its answer if it still waits at the deadline. */
  current: LayerState | undefined;
  expire: Expire | undefined;
  /** Who hears of a write error on the response (see {@link onResponseError}). */
  logger: Logger | undefined;
}

/**
 * One symbol-keyed slot on `res`, not a WeakMap: a WeakMap entry per request costs V8's scavenger
 * an ephemeron table of short-lived keys (src/internal/request-state.ts, docs/performance.md).
 * One slot for every layer, not one each: each property added to a response object grows its
 * property store (a copy) and gives it another hidden class.
 */
const kDeadline = Symbol('krakend-connect.plugins');

type WithSlots = ServerResponse & { [kDeadline]?: Deadline };

function stateOf(res: ServerResponse, logger: Logger): Deadline {
  const slots = res as WithSlots;
  let d = slots[kDeadline];
  if (d === undefined) {
    d = { states: [], timer: undefined, ms: 0, req: undefined, res, current: undefined, expire: undefined, logger };
    slots[kDeadline] = d;
    res.on('error', onResponseError);
  }
  return d;
}

/**
 * A plugin that writes after `end` (a second `res.end()`) makes Node emit `'error'` on the
 * response; with no listener that ended the whole process. One shared listener per response
 * that plugins see: the mistake is logged, the answer already sent stands.
 */
function onResponseError(this: WithSlots, err: Error): void {
  const d = this[kDeadline];
  const { method, path } = d?.req ? describeRequest(d.req) : { method: '?', path: '?' };
  d?.logger?.warn(
    { code: (err as NodeJS.ErrnoException).code, method, path },
    `[PLUGIN: Server] ${method} ${path}: ${errorMessage(err)} (a plugin wrote to a finished response)`,
  );
}

function onTimer(d: Deadline): void {
  const { current, expire } = d;
  d.timer = undefined;
  d.current = undefined;
  d.expire = undefined;
  if (current && expire && d.req) expire(d.req, d.res, current);
}

function arm(d: Deadline, req: IncomingMessage, st: LayerState, ms: number, expire: Expire): void {
  d.req = req;
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
export function createLayer(
  downstream: NodeHandler,
  index: number,
  options: LayerOptions,
): PluginLayer {
  const { name, logger, deadlineMs } = options;
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
    const st = (res as WithSlots)[kDeadline]?.states[index];
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

  function releaseIfAnswered(res: ServerResponse, st: LayerState): void {
    if (res.headersSent || res.writableEnded) release(res, st);
  }

  /**
   * Sync first: a handler that returns without a promise (or returns `next`'s, which is
   * undefined when the rest of the chain is sync) costs no promise and no microtask here.
   */
  function wrap(handler: PluginHandler): NodeHandler {
    const layer = (req: IncomingMessage, res: ServerResponse): void | Promise<void> => {
      const st: LayerState = { nextCalled: false, settled: false };
      const d = stateOf(res, logger);
      d.states[index] = st;
      arm(d, req, st, deadlineMs, onDeadline);
      let result: unknown;
      try {
        result = handler(req, res);
      } catch (err) {
        fail(req, res, st, err);
        releaseIfAnswered(res, st);
        return;
      }
      if (isThenable(result)) {
        return Promise.resolve(result).then(
          () => releaseIfAnswered(res, st),
          (err: unknown) => {
            fail(req, res, st, err);
            releaseIfAnswered(res, st);
          },
        );
      }
      releaseIfAnswered(res, st);
    };
    Object.defineProperty(layer, 'name', { value: `plugin:${name}` });
    return layer;
  }

  return { next, wrap };
}

/** The innermost `next`: the gateway core, made safe the same way (it should never throw). */
export function safeInner(inner: NodeHandler, logger: Logger): NodeHandler {
  function failed(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    const { method, path } = describeRequest(req);
    logger.error(
      { err, method, path },
      `[PLUGIN: Server] the gateway failed on ${method} ${path}: ${errorMessage(err)}`,
    );
    answerError(res, 500, 'Internal Server Error');
  }
  return function gatewayCore(req, res) {
    let result: unknown;
    try {
      result = inner(req, res);
    } catch (err) {
      failed(req, res, err);
      return;
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(undefined, (err: unknown) => failed(req, res, err));
    }
  };
}
