import { readFileSync } from 'node:fs';

/** Where a load error points: what Vite's overlay calls `loc`. */
export interface ErrorLocation {
  file: string;
  line: number;
  column: number;
}

interface Located {
  file?: unknown;
  line?: unknown;
  column?: unknown;
  problems?: readonly { file: string; line: number; column: number }[];
}

/**
 * The file, 1-based line and column of a config or plugin error: the error's own fields
 * (`GatewayError`), else its first positioned problem, else the first `file:line:col` in its
 * message. Read structurally, since plugin errors may come from another module instance.
 */
export function errorLocation(err: Error): ErrorLocation | undefined {
  const e = err as Error & Located;
  if (typeof e.file === 'string' && typeof e.line === 'number' && e.line > 0) {
    return { file: e.file, line: e.line, column: typeof e.column === 'number' ? e.column : 1 };
  }
  const problem = e.problems?.find((p) => p.line > 0);
  if (problem) return { file: problem.file, line: problem.line, column: problem.column };
  const m = /((?:[A-Za-z]:)?[^\s:'"()]+):(\d+):(\d+)/.exec(err.message);
  if (m) return { file: m[1]!, line: Number(m[2]), column: Number(m[3]) };
  if (typeof e.file === 'string') return { file: e.file, line: 1, column: 1 };
  return undefined;
}

/** A few lines of the file around `loc` with a caret under the column, as Vite prints frames. */
export function codeFrame(loc: ErrorLocation, around = 2): string {
  let text: string;
  try {
    text = readFileSync(loc.file, 'utf8');
  } catch {
    return '';
  }
  const lines = text.split(/\r?\n/);
  const first = Math.max(1, loc.line - around);
  const last = Math.min(lines.length, loc.line + around);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    out.push(`${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
    if (n === loc.line)
      out.push(`${' '.repeat(width)} | ${' '.repeat(Math.max(0, loc.column - 1))}^`);
  }
  return out.join('\n');
}
