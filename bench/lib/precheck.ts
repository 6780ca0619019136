import { isDeepStrictEqual } from 'node:util';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';

export interface Expectation {
  status: number;
  /** Exact bytes (passthrough), or a value the JSON body must deep-equal (re-encoded). */
  body: Buffer | { json: unknown };
  /** Header values that must match exactly (names lower-case). */
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function get(url: string, timeoutMs = 5000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The problems with one answer, empty when it is what the scenario must serve. */
export function compare(answer: Answer, expect: Expectation): string[] {
  const problems: string[] = [];
  if (answer.status !== expect.status) problems.push(`status ${answer.status}, expected ${expect.status}`);
  for (const [name, value] of Object.entries(expect.headers ?? {})) {
    if (answer.headers[name] !== value) problems.push(`header ${name}: ${String(answer.headers[name])}, expected ${value}`);
  }
  if (Buffer.isBuffer(expect.body)) {
    if (!answer.body.equals(expect.body)) {
      problems.push(`body (${answer.body.length} bytes) differs from the backend's (${expect.body.length} bytes): ${preview(answer.body)}`);
    }
  } else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.body.toString('utf8'));
    } catch {
      problems.push(`body is not JSON: ${preview(answer.body)}`);
      return problems;
    }
    if (!isDeepStrictEqual(parsed, expect.body.json)) {
      problems.push(`body ${preview(answer.body)}, expected ${JSON.stringify(expect.body.json)}`);
    }
  }
  return problems;
}

/** GETs `url` and throws with every difference from `expect`. */
export async function precheck(url: string, expect: Expectation): Promise<Answer> {
  const answer = await get(url);
  const problems = compare(answer, expect);
  if (problems.length > 0) throw new Error(`pre-check of ${url} failed:\n  ${problems.join('\n  ')}`);
  return answer;
}

function preview(body: Buffer): string {
  const text = body.toString('utf8');
  return JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}…` : text);
}

/** The problems with a server's log: each of `texts` must appear in it. */
export function checkLog(logFile: string, texts: readonly string[] = []): string[] {
  if (texts.length === 0) return [];
  const log = readFileSync(logFile, 'utf8');
  return texts.filter((t) => !log.includes(t)).map((t) => `the log of ${logFile} lacks ${JSON.stringify(t)}`);
}
