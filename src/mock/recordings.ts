import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { GatewayError } from '../errors.js';
import { parseRecording, recordingText, type RecordedResponse } from './recording-file.js';
import type { RecordingKey } from './recording-key.js';

/**
 * One recordings folder (`--record DIR` / `--replay DIR`): reads on every replay (the files may
 * be edited by hand between calls), writes atomically (temp file + rename) and only when the
 * text changed, so re-recording the same answers leaves the files, their times and a diff alone.
 * Writes in flight are awaited by `close()`.
 */
export class RecordingStore {
  /** The folder as the user wrote it, for messages; `root` is absolute. */
  readonly shown: string;
  readonly root: string;
  readonly #logger: Logger;
  readonly #pending = new Set<Promise<void>>();
  #seq = 0;

  constructor(dir: string, cwd: string, logger: Logger) {
    this.shown = dir;
    this.root = resolve(cwd, dir);
    this.#logger = logger;
  }

  /** Where a key's file is, as shown to people (`recordings/127.0.0.1_8081/users/1/GET.json`). */
  display(key: RecordingKey): string {
    return join(this.shown, ...key.rel.split('/'));
  }

  #path(key: RecordingKey): string {
    return join(this.root, ...key.rel.split('/'));
  }

  /** The recorded answer, or undefined when there is no file. */
  async load(key: RecordingKey): Promise<RecordedResponse | undefined> {
    const file = this.#path(key);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new GatewayError(
        'KC_REPLAY_MISSING',
        `${this.display(key)}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    return parseRecording(text, this.display(key));
  }

  /** Other recordings of the same method and path (told apart by query, headers or body). */
  async siblings(key: RecordingKey): Promise<string[]> {
    const file = this.#path(key);
    const method = key.method;
    try {
      const names = await readdir(dirname(file));
      return names
        .filter(
          (n) => n !== basename(file) && (n === `${method}.json` || n.startsWith(`${method}-`)),
        )
        .sort();
    } catch {
      return [];
    }
  }

  save(key: RecordingKey, res: RecordedResponse): Promise<void> {
    const work = this.#write(key, res).catch((err: unknown) => {
      this.#logger.warn(
        `[MOCK: Record] ${this.display(key)} not written: ${(err as Error).message}`,
      );
    });
    this.#pending.add(work);
    void work.finally(() => this.#pending.delete(work));
    return work;
  }

  async #write(key: RecordingKey, res: RecordedResponse): Promise<void> {
    const file = this.#path(key);
    const text = recordingText(key, res);
    const old = await readFile(file, 'utf8').catch(() => undefined);
    if (old === text) return;
    await mkdir(dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.${++this.#seq}.tmp`;
    await writeFile(temp, text);
    await rename(temp, file);
    this.#logger.debug(`[MOCK: Record] ${key.method} ${key.url} → ${this.display(key)}`);
  }

  async close(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }
}
