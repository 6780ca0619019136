import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKrakendLogger, pluginLogger } from '../../../src/plugins/krakend-logger.js';
import { LEVEL, logSink } from '../../helpers/log.js';

describe('KrakendLogger', () => {
  it('maps KrakenD\'s levels onto pino and joins arguments like Go', () => {
    const sink = logSink('trace');
    const log = pluginLogger(sink.logger, 'my-plugin');
    log.Debug('request:', '/path');
    log.Info('count', 3, { a: 1 });
    log.Warning('careful');
    log.Error('bad');
    log.Critical('worse');
    log.Fatal('worst, but the process lives on');
    assert.deepEqual(
      sink.lines.map((l) => [l.level, l.msg, l.plugin]),
      [
        [LEVEL.debug, 'request: /path', 'my-plugin'],
        [LEVEL.info, 'count 3 { a: 1 }', 'my-plugin'],
        [LEVEL.warn, 'careful', 'my-plugin'],
        [LEVEL.error, 'bad', 'my-plugin'],
        [LEVEL.fatal, 'worse', 'my-plugin'],
        [LEVEL.fatal, 'worst, but the process lives on', 'my-plugin'],
      ],
    );
  });

  it('keeps pino\'s lower-case methods as they are', () => {
    const sink = logSink('trace');
    const log = createKrakendLogger(sink.logger.child({ plugin: 'p' }));
    log.trace('t');
    log.debug({ user: 1 }, 'with %s', 'format');
    log.info('i');
    log.warn('w');
    log.error(new Error('e'));
    log.fatal('f');
    assert.deepEqual(
      sink.lines.map((l) => [l.level, l.msg]),
      [
        [10, 't'],
        [LEVEL.debug, 'with format'],
        [LEVEL.info, 'i'],
        [LEVEL.warn, 'w'],
        [LEVEL.error, 'e'],
        [LEVEL.fatal, 'f'],
      ],
    );
    assert.equal(sink.lines[1].user, 1);
  });

  it('passes an Error argument as err so its stack is logged', () => {
    const sink = logSink();
    pluginLogger(sink.logger, 'p').Error('failed:', new Error('boom'));
    assert.match(sink.lines[0].msg, /^failed: Error: boom/);
    assert.equal((sink.lines[0].err as { message: string }).message, 'boom');
  });

  it('skips the formatting work when the level is off', () => {
    const sink = logSink('info');
    let inspected = false;
    const costly = { [Symbol.for('nodejs.util.inspect.custom')]: () => ((inspected = true), 'x') };
    pluginLogger(sink.logger, 'p').Debug('value', costly);
    assert.equal(inspected, false);
    assert.equal(sink.lines.length, 0);
  });
});
