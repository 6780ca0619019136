import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** A free loopback port (for tools that cannot report the port they bound to). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

export interface Running {
  child: ChildProcess;
  output(): string;
  /** Stops the process group (the tool and the workers it started), bounded. */
  stop(): Promise<void>;
}

/** `node args…` in its own process group, output piped, Next's telemetry off. */
function spawnNode(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  return spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}

/**
 * Starts `node args…` in its own process group and resolves once its output matches `ready`
 * (bounded by `ms`); rejects with the output if it exits or times out first.
 */
export function startProcess(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; ready: RegExp; ms?: number },
): Promise<Running> {
  const child = spawnNode(args, options);
  let out = '';
  const running: Running = {
    child,
    output: () => out,
    stop: () => stopGroup(child),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void running.stop();
      reject(
        new Error(`not ready within ${options.ms ?? 60_000} ms: node ${args.join(' ')}\n${out}`),
      );
    }, options.ms ?? 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (options.ready.test(out)) {
        clearTimeout(timer);
        resolve(running);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before ready: node ${args.join(' ')}\n${out}`));
    });
  });
}

/** Runs `node args…` to completion (bounded), resolving with its output; rejects on failure. */
export function runProcess(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; ms?: number },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnNode(args, options);
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const timer = setTimeout(() => {
      void stopGroup(child);
      reject(new Error(`timed out: node ${args.join(' ')}\n${out}`));
    }, options.ms ?? 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`exit ${code}: node ${args.join(' ')}\n${out}`));
    });
  });
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = once(child, 'exit');
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
  try {
    // Workers the tool started in the same group, if any outlived it.
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // none left
  }
}
