import { existsSync, readFileSync } from 'node:fs';

/** Everything below this line in docs/performance.md is hand-written and kept by `--docs`. */
export const NOTES_MARKER = '<!-- notes below: hand-written, kept when `npm run bench -- --docs` rewrites the table -->';

/** docs/performance.md around the table of one real run (`npm run bench -- --docs`). */
export function performanceDoc(table: string, file: string): string {
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = old.indexOf(NOTES_MARKER);
  const notes = at === -1 ? `${NOTES_MARKER}\n` : old.slice(at);
  return `# Performance

Measured by \`npm run bench\` (\`bench/run.ts\`): every server in its own process on 127.0.0.1, one
shared keep-alive backend (\`bench/targets/backend.ts\`: \`/small\` is 210 bytes of JSON, \`/big\`
100 KB), a correctness pre-check of each answer before and after its load, then autocannon with
fixed connections and duration. nginx is Debian's, one worker, upstream keep-alive, no access log.
The gateway runs through its CLI as users run it (the bundled bin, \`krakend-connect run\`, pino at
info, one access-log line per request, written to a file); "in Express" mounts it with
\`krakend-connect/express\`. "bare undici proxy" is the floor of a Node proxy
(\`bench/servers/undici-floor.ts\`: an undici pool and a raw dispatch handler, no logging, no
header policy); "bare undici merge" the floor of a Node merge (\`bench/servers/undici-merge-floor.ts\`:
two raw dispatches, \`JSON.parse\`, the filters written by hand, \`JSON.stringify\`). "required floor"
(\`bench/servers/required-floor.ts\`) is a hand-written server for just \`/small\` and \`/merge\` that adds
only what the gateway must do on them: a deadline, the access line, KrakenD's headers and
\`Server-Timing\`, and for the merge exact-number JSON written in Go's key order, through the gateway's
own encoder and log batch. Ratios are req/s divided by nginx's and
http-proxy-middleware's (HPM 3 on Express 5 with its defaults) on the same backend path.
"CPU µs/req" is the server process's user + system time per request during the measured run
(nginx: master and worker), which moves less than req/s when the machine is shared.

${table}
${notes}`;
}

export const README_START = '<!-- bench:start (written by `npm run bench -- --docs`) -->';
export const README_END = '<!-- bench:end -->';

/** The README's performance table, between its markers; unchanged when they are missing. */
export function readmeWithTable(readme: string, table: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start === -1 || end < start) return readme;
  return `${readme.slice(0, start + README_START.length)}\n${table}${readme.slice(end)}`;
}
