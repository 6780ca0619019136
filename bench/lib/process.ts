import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RunningServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  pid: number;
  /** Where the child's stdout and stderr went (its logs, e.g. one access-log line per request). */
  logFile: string;
  stop(): Promise<void>;
}

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

/**
 * Start one server process whose stdout and stderr go to a file (so the load generator never
 * spends time draining a busy access log), and wait, bounded, for its `listening on` line.
 */
export async function spawnServer(
  command: string,
  args: readonly string[],
  options: { cwd: string; logFile: string; env?: NodeJS.ProcessEnv; readyMs?: number },
): Promise<RunningServer> {
  const fd = openSync(options.logFile, 'w');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`;
  });
  child.once('error', (err) => {
    exited = err.message;
  });
  const deadline = Date.now() + (options.readyMs ?? 20_000);
  for (;;) {
    const text = readFileSync(options.logFile, 'utf8');
    const m = LISTENING.exec(text);
    if (m) return { url: m[1], pid: child.pid as number, logFile: options.logFile, stop: () => stopChild(child) };
    if (exited || Date.now() > deadline) {
      await stopChild(child);
      const why = exited ?? `printed no "listening on" line within ${options.readyMs ?? 20_000} ms`;
      throw new Error(`${[command, ...args].join(' ')} ${why}:\n${tail(text)}`);
    }
    await sleep(20);
  }
}

/** SIGTERM, then SIGKILL if it has not exited after a bounded wait. */
export async function stopChild(child: ChildProcess, graceMs = 8000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

export function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
