import { mkdtemp, open, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** Ways editors save a file (reference/reliability.md §4, rows 51–52). */
export const editors = {
  /** VS Code's default and `echo > file`: truncate and write in place. */
  inPlace: (file: string, text: string) => writeFile(file, text),
  /** write-file-atomic, Sublime, many tools: a temp file renamed over the real one. */
  async atomic(file: string, text: string) {
    const tmp = `${file}.tmp-${process.pid}`;
    await writeFile(tmp, text);
    await rename(tmp, file);
  },
  /** vim (`backupcopy=auto`): probe `4913`, keep a `file~` backup, write anew, drop the backup. */
  async vim(file: string, text: string) {
    const dir = dirname(file);
    const swap = join(dir, `.${basename(file)}.swp`);
    await writeFile(swap, 'b0VIM 9.0');
    const probe = join(dir, '4913');
    await writeFile(probe, '');
    await unlink(probe);
    await rename(file, `${file}~`);
    await writeFile(file, text);
    await unlink(`${file}~`);
    await unlink(swap);
  },
  /** JetBrains "safe write": `___jb_tmp___` written, original moved to `___jb_old___`. */
  async jetbrains(file: string, text: string) {
    await writeFile(`${file}___jb_tmp___`, text);
    await rename(file, `${file}___jb_old___`);
    await rename(`${file}___jb_tmp___`, file);
    await unlink(`${file}___jb_old___`);
  },
} as const;

export type EditorName = keyof typeof editors;

/** A save that reaches the disk in two writes with a pause between (row 51). */
export async function saveInTwoChunks(file: string, text: string, pauseMs: number): Promise<void> {
  const half = Math.floor(text.length / 2);
  const fh = await open(file, 'w');
  try {
    await fh.write(text.slice(0, half));
    await delay(pauseMs);
    await fh.write(text.slice(half));
  } finally {
    await fh.close();
  }
}

export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A fresh folder under the OS temp dir; `cleanup` removes it. */
export async function tempFolder(
  prefix = 'kc-reload-',
): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Anything with `on`/`off`: a FileWatcher, a Gateway. */
export interface Subscribable {
  on(event: never, listener: (value: never) => void): unknown;
  off(event: never, listener: (value: never) => void): unknown;
}

interface Listen {
  on(event: string, listener: (value: unknown) => void): unknown;
  off(event: string, listener: (value: unknown) => void): unknown;
}

/**
 * Resolves with the next `event` whose payload passes `accept`, or rejects after `ms` (a
 * liveness bound, not a timing assertion).
 */
export function nextEvent<T>(
  target: Subscribable,
  event: string,
  accept: (value: T) => boolean = () => true,
  ms = 5000,
): Promise<T> {
  const emitter = target as unknown as Listen;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`no matching '${event}' event within ${ms} ms`));
    }, ms);
    function listener(value: unknown) {
      if (!accept(value as T)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(value as T);
    }
    emitter.on(event, listener);
  });
}

/** Every `event` payload from now on, until `stop()`. */
export function collect<T>(target: Subscribable, event: string) {
  const emitter = target as unknown as Listen;
  const seen: T[] = [];
  const listener = (value: unknown) => void seen.push(value as T);
  emitter.on(event, listener);
  return { seen, stop: () => emitter.off(event, listener) };
}
