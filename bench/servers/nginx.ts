import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopChild, tail, type RunningServer } from '../lib/process.js';

/** The nginx binary on PATH (Debian's `nginx` package), or undefined. */
export function findNginx(): string | undefined {
  for (const bin of ['nginx', '/usr/sbin/nginx']) {
    const r = spawnSync(bin, ['-v'], { stdio: 'ignore' });
    if (r.status === 0) return bin;
  }
  return undefined;
}

/**
 * The bare-proxy reference: one worker, upstream keep-alive, no access log. Every path nginx
 * would write lies under `dir` (its prefix), never the system's.
 */
export function nginxConfig(dir: string, backendPort: number, port: number): string {
  const p = (name: string) => join(dir, name);
  return `daemon off;
worker_processes 1;
pid ${p('nginx.pid')};
error_log ${p('error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${p('client_body')};
  proxy_temp_path ${p('proxy')};
  fastcgi_temp_path ${p('fastcgi')};
  uwsgi_temp_path ${p('uwsgi')};
  scgi_temp_path ${p('scgi')};
  upstream backend {
    server 127.0.0.1:${backendPort};
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    keepalive_requests 1000000;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # Room for the 100 KB body in memory, and never a temp file: the worker runs as an
      # unprivileged user that may not reach the prefix inside a private temp dir.
      proxy_buffers 32 8k;
      proxy_max_temp_file_size 0;
    }
  }
}
`;
}

export async function startNginx(bin: string, dir: string, backendUrl: string): Promise<RunningServer> {
  mkdirSync(dir, { recursive: true });
  // The worker runs as an unprivileged user when nginx starts as root: it must reach its temp dirs.
  chmodSync(dir, 0o755);
  const backendPort = Number(new URL(backendUrl).port);
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig(dir, backendPort, port));
  const logFile = join(dir, 'stdout.log');
  const fd = openSync(logFile, 'w');
  // -e: the error log before the config is read would otherwise be the system's.
  const child = spawn(bin, ['-c', conf, '-p', `${dir}/`, '-e', join(dir, 'error.log')], {
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  child.once('error', () => {
    exited = true;
  });
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (exited || Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`nginx did not start:\n${tail(readLog(dir))}`);
    }
    await sleep(20);
  }
  return { url: `http://127.0.0.1:${port}`, pid: child.pid as number, logFile, stop: () => stopChild(child) };
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'error.log'), 'utf8') + readFileSync(join(dir, 'stdout.log'), 'utf8');
  } catch {
    return '';
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
