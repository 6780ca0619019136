import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { LineBatch, type BatchTarget } from '../../src/log-batch.js';
import { settle } from '../helpers/time.js';

/** A target that keeps what it is handed, each hand-over apart. */
function recorder(): BatchTarget & { writes: string[]; flushes: number } {
  return {
    writes: [],
    flushes: 0,
    write(text: string) {
      this.writes.push(text);
      return true;
    },
    flush(cb?: (err?: Error) => void) {
      this.flushes++;
      cb?.();
    },
    flushSync() {
      this.flushes++;
    },
  };
}

describe('log lines gathered in front of sonic-boom (src/log-batch.ts)', () => {
  test('lines are handed over joined, in order, once the batch reaches its size', () => {
    const out = recorder();
    const batch = new LineBatch(out, 30, 60_000);
    batch.write('{"a":1}\n');
    batch.write('{"b":2}\n');
    batch.write('{"c":3}\n');
    assert.deepEqual(out.writes, []);
    batch.write('{"d":4}\n'); // 32 characters: over 30
    assert.deepEqual(out.writes, ['{"a":1}\n{"b":2}\n{"c":3}\n{"d":4}\n']);
    batch.write('{"e":5}\n');
    batch.flush();
    assert.deepEqual(out.writes, ['{"a":1}\n{"b":2}\n{"c":3}\n{"d":4}\n', '{"e":5}\n']);
    assert.equal(out.flushes, 1);
    batch.flushSync(); // nothing gathered: nothing handed over, the target still flushed
    assert.equal(out.writes.length, 2);
    assert.equal(out.flushes, 2);
  });

  test('a quiet log is handed over by the timer', async () => {
    const out = recorder();
    const batch = new LineBatch(out, 4096, 20);
    batch.write('one\n');
    batch.write('two\n');
    await settle(() => out.writes.length > 0, 1000, 'the timed hand-over');
    assert.deepEqual(out.writes, ['one\ntwo\n']);
  });

  test('a process that exits right after logging loses no line, in order', () => {
    // createLogger's piped destination, pino lines and access lines interleaved, then exit at
    // once: the batch goes to sonic-boom before pino's exit hook writes it out.
    const logger = fileURLToPath(new URL('../../src/logger.ts', import.meta.url));
    const script = `
      import { createLogger, jsonLineSink } from ${JSON.stringify(logger)};
      const log = createLogger({ level: 'info' });
      const sink = jsonLineSink(log);
      for (let i = 0; i < 300; i++) {
        log.info('pino ' + i);
        sink('{"access":' + i + '}\\n');
      }
      process.exit(0);
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 600);
    for (let i = 0; i < 300; i++) {
      assert.equal(JSON.parse(lines[2 * i]!).msg, `pino ${i}`);
      assert.equal(lines[2 * i + 1], `{"access":${i}}`);
    }
  });
});
