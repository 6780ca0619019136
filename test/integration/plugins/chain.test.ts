import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildHandlerChain, loadPlugins, type PluginRegistry } from '../../../src/plugins/index.js';
import { rawRequest, request } from '../../helpers/http.js';
import { LEVEL, logSink } from '../../helpers/log.js';
import { notFound, serve, tempPlugins, trackUnhandled } from './helpers.js';

// Each plugin appends its name to `x-trace` before calling next, so the header shows who saw
// the request first.
const tracer = (name: string) => `
  register('${name}', (_ctx, _extra, next) => (req, res) => {
    const prev = res.getHeader('x-trace');
    res.setHeader('x-trace', prev ? prev + ',${name}' : '${name}');
    return next(req, res);
  });`;

const PLUGINS = {
  'tracers.ts': `
    import type { HandlerRegisterer as R } from 'krakend-connect/plugin';
    export const HandlerRegisterer: R = {
      RegisterHandlers(register) {${tracer('a')}${tracer('b')}${tracer('c')}},
    };`,
  'failures.ts': `
    export const HandlerRegisterer = {
      RegisterHandlers(register: any) {
        register('failing', () => { throw new Error('configuration not found'); });
        register('rejecting', async () => { await null; throw new Error('async factory boom'); });
        register('wrongtype', () => 42);
      },
    };`,
  'misbehaving.ts': `
    export const HandlerRegisterer = {
      RegisterHandlers(register: any) {
        register('thrower', (_c: unknown, _e: unknown, next: any) => (req: any, res: any) => {
          if (req.url === '/sync') throw new Error('sync boom');
          return next(req, res);
        });
        register('rejecter', (_c: unknown, _e: unknown, next: any) => async (req: any, res: any) => {
          if (req.url !== '/async') return next(req, res);
          await new Promise((r) => setTimeout(r, 5));
          throw new Error('async boom');
        });
        register('half', (_c: unknown, _e: unknown, next: any) => async (req: any, res: any) => {
          if (req.url !== '/half') return next(req, res);
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('partial');
          await new Promise((r) => setTimeout(r, 5));
          throw new Error('late boom');
        });
        register('sleeper', (_c: unknown, _e: unknown, next: any) => (req: any, res: any) => {
          if (req.url === '/slow') return; // never answers, never calls next
          if (req.url === '/slow-start') {
            res.writeHead(200, { 'content-type': 'text/plain' });
            setTimeout(() => res.end('finished late'), 400);
            return;
          }
          return next(req, res);
        });
        register('twice', (_c: unknown, _e: unknown, next: any) => (req: any, res: any) => {
          if (req.url !== '/twice') return next(req, res);
          next(req, res);
          return next(req, res);
        });
        register('logging', (ctx: any, _e: unknown, next: any) => (req: any, res: any) => {
          if (req.url !== '/log') return next(req, res);
          ctx.logger.Error('[PLUGIN: logging] it failed:', new Error('logged boom'));
          ctx.logger.error(new Error('pino-style boom'));
          res.end('logged');
        });
      },
    };`,
};

describe('handler plugin chain over real sockets', () => {
  let plugins: Awaited<ReturnType<typeof tempPlugins>>;
  let registry: PluginRegistry;
  const unhandled = trackUnhandled();
  /** What plugins log through their own logger (`ctx.logger`). */
  const pluginSink = logSink();

  before(async () => {
    plugins = await tempPlugins(PLUGINS);
    registry = await loadPlugins({ folder: plugins.folder, pattern: '.ts' }, { logger: pluginSink.logger });
  });
  after(async () => {
    registry.dispose();
    await plugins.cleanup();
    unhandled.stop();
    assert.deepEqual(unhandled.rejections, []);
  });

  it('chains in list order, the last name outermost (lura PR #300, vector G2)', async () => {
    const sink = logSink();
    const chain = await buildHandlerChain(registry, { name: ['a', 'b', 'c'] }, notFound, { logger: sink.logger });
    const app = await serve(chain);
    try {
      const res = await request(`${app.url}/anything`);
      assert.equal(res.status, 404);
      assert.equal(res.body, '404 page not found');
      assert.equal(res.headers['x-trace'], 'c,b,a');
    } finally {
      await app.close();
    }
    assert.deepEqual(sink.messages(), [
      '[PLUGIN: Server] Injecting plugin a',
      '[PLUGIN: Server] Injecting plugin b',
      '[PLUGIN: Server] Injecting plugin c',
    ]);
  });

  it('takes a single name as a string', async () => {
    const chain = await buildHandlerChain(registry, { name: 'b' }, notFound, { logger: logSink().logger });
    const app = await serve(chain);
    try {
      assert.equal((await request(`${app.url}/x`)).headers['x-trace'], 'b');
    } finally {
      await app.close();
    }
  });

  it('logs and skips missing names and failing factories; requests are still served (G3, G4)', async () => {
    const sink = logSink();
    const names = ['missing', 'a', 'failing', 'rejecting', 'wrongtype', 7, 'b'];
    const chain = await buildHandlerChain(registry, { name: names }, notFound, { logger: sink.logger });
    const app = await serve(chain);
    try {
      const res = await request(`${app.url}/x`);
      assert.equal(res.status, 404);
      assert.equal(res.headers['x-trace'], 'b,a');
    } finally {
      await app.close();
    }
    assert.deepEqual(
      sink.lines.map((l) => [l.level, l.msg]),
      [
        [LEVEL.error, '[PLUGIN: Server] No plugin registered as missing'],
        [LEVEL.info, '[PLUGIN: Server] Injecting plugin a'],
        [LEVEL.error, '[PLUGIN: Server] Error getting the plugin handler: configuration not found'],
        [LEVEL.error, '[PLUGIN: Server] Error getting the plugin handler: async factory boom'],
        [LEVEL.error, '[PLUGIN: Server] Wrong plugin handler type: wrongtype'],
        [LEVEL.info, '[PLUGIN: Server] Injecting plugin b'],
      ],
    );
    assert.equal(sink.lines[2].plugin, 'failing');
  });

  it('logs KrakenD\'s DEBUG lines when no plugin is asked for', async () => {
    const sink = logSink();
    const inner = notFound;
    assert.equal(await buildHandlerChain(registry, undefined, inner, { logger: sink.logger }), inner);
    assert.equal(await buildHandlerChain(registry, { other: 1 }, inner, { logger: sink.logger }), inner);
    assert.equal(
      await buildHandlerChain(registry, 'x' as unknown as Record<string, unknown>, inner, { logger: sink.logger }),
      inner,
    );
    assert.deepEqual(sink.messages(), [
      '[PLUGIN: Server] No plugins required in the extra config',
      '[PLUGIN: Server] No plugins required in the extra config',
      '[PLUGIN: Server] Wrong extra_config type',
    ]);
  });

  describe('a misbehaving plugin never takes the host down', () => {
    const sink = logSink();
    let app: Awaited<ReturnType<typeof serve>>;
    before(async () => {
      const names = ['logging', 'twice', 'sleeper', 'half', 'rejecter', 'thrower', 'a'];
      const chain = await buildHandlerChain(registry, { name: names }, notFound, {
        logger: sink.logger,
        deadlineMs: 200,
      });
      app = await serve(chain);
    });
    after(() => app.close());

    const errorsOf = (plugin: string) =>
      sink.lines.filter((l) => l.plugin === plugin && l.level >= LEVEL.warn);

    it('answers 500 once for a synchronous throw and logs it with the plugin name', async () => {
      const res = await request(`${app.url}/sync`);
      assert.equal(res.status, 500);
      assert.equal(res.body, 'Internal Server Error\n');
      assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
      assert.equal(res.headers['x-trace'], undefined, 'headers set before the throw are dropped');
      const [line] = errorsOf('thrower');
      assert.equal(line.msg, '[PLUGIN: thrower] failed on GET /sync: sync boom');
      assert.equal(line.level, LEVEL.error);
      assert.equal(line.code, 'KC_PLUGIN_FAILED');
      assert.match(String((line.err as { stack: string }).stack), /misbehaving\.ts:5:42\)?$/m);
      // The next request is served as usual.
      assert.equal((await request(`${app.url}/fine`)).status, 404);
    });

    it('an Error a plugin logs has its stack mapped to the plugin\'s own lines', async () => {
      assert.equal((await request(`${app.url}/log`)).body, 'logged');
      const lines = PLUGINS['misbehaving.ts']!.split('\n');
      const at = (text: string) => lines.findIndex((l) => l.includes(text)) + 1;
      const logged = pluginSink.lines.filter((l) => l.plugin === 'logging' && l.level === LEVEL.error);
      assert.equal(logged.length, 2);
      const [krakend, pino] = logged.map((l) => String((l.err as { stack: string }).stack));
      assert.match(krakend!, new RegExp(`misbehaving\\.ts:${at("new Error('logged boom')")}:\\d+`));
      assert.match(pino!, new RegExp(`misbehaving\\.ts:${at("new Error('pino-style boom')")}:\\d+`));
    });

    it('answers 500 for an async rejection under Connect (which would otherwise exit)', async () => {
      const res = await request(`${app.url}/async`);
      assert.equal(res.status, 500);
      assert.equal(res.body, 'Internal Server Error\n');
      const [line] = errorsOf('rejecter');
      assert.equal(line.msg, '[PLUGIN: rejecter] failed on GET /async: async boom');
    });

    it('closes the socket when the plugin throws after sending headers', async () => {
      const res = await rawRequest(app.port, 'GET /half HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.equal(res.status, 200);
      assert.equal(res.closed, true);
      assert.equal(res.timedOut, false);
      assert.match(res.text, /partial/);
      assert.doesNotMatch(res.text, /\r\n0\r\n\r\n$/, 'the chunked body was not terminated');
      assert.equal(errorsOf('half')[0].msg, '[PLUGIN: half] failed on GET /half: late boom');
    });

    it('cuts a handler that neither calls next nor answers at the deadline (504)', async () => {
      const res = await request(`${app.url}/slow`);
      assert.equal(res.status, 504);
      assert.equal(res.body, 'Gateway Timeout\n');
      const [line] = errorsOf('sleeper');
      assert.equal(line.msg, '[PLUGIN: sleeper] neither called next nor answered within 200 ms: GET /slow');
      assert.equal(line.code, 'KC_PLUGIN_TIMEOUT');
    });

    it('lets a response that started before the deadline finish (DECISIONS 16)', async () => {
      const res = await request(`${app.url}/slow-start`);
      assert.equal(res.status, 200);
      assert.equal(res.body, 'finished late');
    });

    it('ignores a second next with a warning', async () => {
      const res = await request(`${app.url}/twice`);
      assert.equal(res.status, 404);
      assert.equal(res.body, '404 page not found');
      assert.equal(res.headers['x-trace'], 'a');
      const [line] = errorsOf('twice');
      assert.equal(line.level, LEVEL.warn);
      assert.equal(line.msg, '[PLUGIN: twice] called next twice on GET /twice; the second call is ignored');
    });
  });
});
