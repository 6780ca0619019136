import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliCommand } from '../lib/startup.js';

/**
 * The gateway as users run it (`krakend-connect run`, plain JS: the built bin, or the sources
 * bundled the same way when dist/ is stale) in a child process, read from outside through /proc so
 * the figures are the gateway's alone: resident memory and open file descriptors (sockets,
 * pipes, watched files).
 */
export interface Gateway {
  url: string;
  pid: number;
  child: ChildProcess;
  runner: string;
  log(): string;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

export async function startCli(root: string, args: string[], logFile: string): Promise<Gateway> {
  const { args: bin, runner } = cliCommand(root);
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, [...bin, 'run', '-p', '0', ...args], {
    cwd: root,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const log = (): string => readFileSync(logFile, 'utf8');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log());
    if (m) {
      return {
        url: m[1]!,
        pid: child.pid!,
        child,
        runner,
        log,
        stop: (signal = 'SIGTERM') => stop(child, signal),
      };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the gateway did not start:\n${log()}`);
    }
    await sleep(20);
  }
}

async function stop(child: ChildProcess, signal: NodeJS.Signals) {
  const started = performance.now();
  if (child.exitCode !== null) return { code: child.exitCode, ms: 0 };
  const gone = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await gone;
  clearTimeout(timer);
  return { code, ms: Math.round(performance.now() - started) };
}

/** Resident set size of a process in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Open file descriptors of a process (sockets, pipes, files). */
export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Samples a process's RSS every `everyMs` until stopped; reports the peak. */
export function sampleRss(pid: number, everyMs = 50): { stop(): number } {
  let peak = rssMiB(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMiB(pid));
    } catch {
      // the process is gone; keep the last peak
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

export const mib = (n: number): string => `${n.toFixed(1)} MiB`;
