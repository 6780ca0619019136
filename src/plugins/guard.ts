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
  timer?: NodeJS.Timeout;
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
  const states = new WeakMap<ServerResponse, LayerState>();
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
    clearTimeout(st.timer);
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
    const st = states.get(res);
    if (st) {
      const { method, path } = describeRequest(req);
      if (st.nextCalled) {
        logger.warn(
          { plugin: name, method, path },
          `${prefix} called next twice on ${method} ${path}; the second call is ignored`,
        );
        return Promise.resolve();
      }
      st.nextCalled = true;
      clearTimeout(st.timer);
      if (st.settled) {
        logger.warn(
          { plugin: name, method, path },
          `${prefix} called next on ${method} ${path} after it was answered; ignored`,
        );
        return Promise.resolve();
      }
    }
    return downstream(req, res);
  }

  function wrap(handler: PluginHandler): NodeHandler {
    const layer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const st: LayerState = { nextCalled: false, settled: false };
      states.set(res, st);
      st.timer = setTimeout(onDeadline, deadlineMs, req, res, st);
      st.timer.unref();
      try {
        await handler(req, res);
      } catch (err) {
        fail(req, res, st, err);
      }
      if (st.nextCalled || res.headersSent || res.writableEnded) clearTimeout(st.timer);
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
