import type { IncomingMessage, ServerResponse } from 'node:http';

const started = process.hrtime.bigint();

/** `/__health` exactly as KrakenD (behaviour §4): no X-Krakend headers, Go's time string. */
export function healthHandler(_req: IncomingMessage, res: ServerResponse): void {
  const body = `{"agents":{},"now":${JSON.stringify(goTimeString(new Date()))},"status":"ok"}`;
  res.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Go's `time.Now().String()`: `2022-06-14 16:53:41.845285857 +0200 CEST m=+459.332136249`. */
export function goTimeString(now: Date): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const offsetMin = -now.getTimezoneOffset();
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  const offset = `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
  const zone = offsetMin === 0 ? 'UTC' : zoneName(now) ?? offset;
  const nanos = `${pad(now.getMilliseconds(), 3)}000000`;
  const mono = Number(process.hrtime.bigint() - started) / 1e9;
  return (
    `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ` +
    `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}.${nanos} ` +
    `${offset} ${zone} m=+${mono.toFixed(9)}`
  );
}

function zoneName(d: Date): string | undefined {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
    .formatToParts(d)
    .find((p) => p.type === 'timeZoneName');
  return part?.value.replace(/^GMT/, '') || undefined;
}
