// npm run bench:streaming [-- --mib 300 --slow-mib 100] — issue 12's memory figures: a 300 MiB
// upload and a 300 MiB download through a no-op endpoint of the CLI (its own process, a fresh one
// per phase, warmed up with 1 MiB each way), then a download read by a slow client (a 3-s pause,
// then ~10 MiB/s). For each: the gateway's RSS before and at its peak (sampled from /proc every
// 20 ms), the growth against the 64 MiB target, and a byte check (size and SHA-256 at the far
// end). Writes bench/results/streaming.json.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mib, rssMiB, sampleRss, startCli } from './soak/proc.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    mib: { type: 'string', default: '300' },
    'slow-mib': { type: 'string', default: '100' },
  },
});
const MiB = 1024 * 1024;
const TARGET_MIB = 64;
const CHUNK = 64 * 1024;
/** Deterministic bytes, so both ends can hash what they saw. */
const PATTERN = Buffer.from(Array.from({ length: CHUNK }, (_v, i) => (i * 31 + 7) & 0xff));

// The backend: /download?size=N streams N bytes with backpressure; /upload hashes what it gets.
const backend = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/upload') {
    const hash = createHash('sha256');
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      hash.update(c);
    });
    req.on('end', () => res.end(JSON.stringify({ size, sha: hash.digest('hex') })));
    return;
  }
  let left = Number(url.searchParams.get('size'));
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': left });
  const write = (): void => {
    while (left > 0) {
      const chunk = left >= CHUNK ? PATTERN : PATTERN.subarray(0, left);
      left -= chunk.length;
      if (!res.write(chunk)) return void res.once('drain', write);
    }
    res.end();
  };
  write();
});
backend.listen(0, '127.0.0.1');
await once(backend, 'listening');
const backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;

const dir = await mkdtemp(join(tmpdir(), 'kc-streaming-'));
const config = join(dir, 'krakend.json');
await writeFile(
  config,
  JSON.stringify({
    version: 3,
    extra_config: { router: { disable_access_log: true } },
    endpoints: [
      {
        endpoint: '/upload',
        method: 'POST',
        output_encoding: 'no-op',
        backend: [{ host: [backendUrl], url_pattern: '/upload' }],
      },
      {
        endpoint: '/download',
        output_encoding: 'no-op',
        input_query_strings: ['size'],
        backend: [{ host: [backendUrl], url_pattern: '/download' }],
      },
    ],
  }),
);
// Each phase gets a fresh gateway, so one phase's heap growth is not the next one's baseline.
let gw = await startCli(root, ['-c', config, '--log-level', 'warn'], join(dir, 'gateway.log'));

function expectedSha(size: number): string {
  const hash = createHash('sha256');
  for (let left = size; left > 0; left -= CHUNK) {
    hash.update(left >= CHUNK ? PATTERN : PATTERN.subarray(0, left));
  }
  return hash.digest('hex');
}

function upload(size: number): Promise<{ size: number; sha: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${gw.url}/upload`, { method: 'POST', agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(JSON.parse(text) as { size: number; sha: string }));
    });
    req.on('error', reject);
    let left = size;
    const write = (): void => {
      while (left > 0) {
        const chunk = left >= CHUNK ? PATTERN : PATTERN.subarray(0, left);
        left -= chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

/** Reads a download; `slow` pauses 3 s first, then takes ~10 MiB/s. */
function download(size: number, slow: boolean): Promise<{ size: number; sha: string }> {
  return new Promise((resolve, reject) => {
    const url = `${gw.url}/download?size=${size}`;
    const req = request(url, { agent: false }, (res: IncomingMessage) => {
      const hash = createHash('sha256');
      let got = 0;
      res.on('data', (c: Buffer) => {
        got += c.length;
        hash.update(c);
        if (slow) {
          res.pause();
          setTimeout(() => res.resume(), Math.round((c.length / (10 * MiB)) * 1000));
        }
      });
      res.on('end', () => resolve({ size: got, sha: hash.digest('hex') }));
      res.on('error', reject);
      if (slow) {
        res.pause();
        setTimeout(() => res.resume(), 3000);
      }
    });
    req.on('error', reject);
    req.end();
  });
}

interface Phase {
  phase: string;
  mib: number;
  seconds: number;
  rssBeforeMiB: number;
  rssPeakMiB: number;
  growthMiB: number;
  bytesOk: boolean;
}

type Transfer = () => Promise<{ size: number; sha: string }>;

async function measure(phase: string, size: number, run: Transfer): Promise<Phase> {
  await gw.stop();
  gw = await startCli(root, ['-c', config, '--log-level', 'warn'], join(dir, `${phase}.log`));
  await upload(MiB); // warm-up: the first request loads the pipe
  await download(MiB, false);
  await sleep(500);
  const before = rssMiB(gw.pid);
  const sampler = sampleRss(gw.pid, 20);
  const started = performance.now();
  const got = await run();
  const seconds = (performance.now() - started) / 1000;
  const peak = sampler.stop();
  const result: Phase = {
    phase,
    mib: size / MiB,
    seconds: Math.round(seconds * 10) / 10,
    rssBeforeMiB: Math.round(before * 10) / 10,
    rssPeakMiB: Math.round(peak * 10) / 10,
    growthMiB: Math.round((peak - before) * 10) / 10,
    bytesOk: got.size === size && got.sha === expectedSha(size),
  };
  console.log(
    `${phase}: ${result.mib} MiB in ${result.seconds} s, RSS ${mib(before)} → peak ${mib(peak)} ` +
      `(+${mib(peak - before)}, target < ${TARGET_MIB} MiB), ` +
      `bytes ${result.bytesOk ? 'equal' : 'DIFFER'}`,
  );
  return result;
}

const size = Number(values.mib) * MiB;
const slowSize = Number(values['slow-mib']) * MiB;
console.log(`gateway: ${gw.runner}, a fresh process per phase, ${process.version}`);
const phases = [
  await measure('upload', size, () => upload(size)),
  await measure('download', size, () => download(size, false)),
  await measure('slow-reader download', slowSize, () => download(slowSize, true)),
];
await gw.stop();
backend.closeAllConnections();
backend.close();
await rm(dir, { recursive: true, force: true });

console.log('');
console.log('| phase | size | time | gateway RSS before | peak | growth | bytes |');
console.log('|---|---:|---:|---:|---:|---:|---|');
for (const p of phases) {
  console.log(
    `| ${p.phase} | ${p.mib} MiB | ${p.seconds} s | ${p.rssBeforeMiB} MiB | ` +
      `${p.rssPeakMiB} MiB | +${p.growthMiB} MiB | ${p.bytesOk ? 'equal' : 'differ'} |`,
  );
}
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(root, 'bench', 'results', 'streaming.json'),
  JSON.stringify({ node: process.version, runner: gw.runner, targetMiB: TARGET_MIB, phases }),
);
process.exitCode = phases.every((p) => p.bytesOk) ? 0 : 1;
