import { SourceMap, type SourceMapPayload } from 'node:module';
import type { SourceLocation } from './types.js';

/** Stack frames as V8 prints them: `at fn (/path/file.ts:12:5)` or `at /path/file.ts:12:5`. */
const FRAME = /(\(|at )((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):(\d+):(\d+)(\)?)$/;

/** Bundled plugin files (by the file name they were evaluated under) and their source maps. */
export class StackMapper {
  private readonly maps = new Map<string, SourceMap>();

  add(file: string, payload: SourceMapPayload): void {
    this.maps.set(file, new SourceMap(payload));
  }

  clear(): void {
    this.maps.clear();
  }

  /**
   * Frames of a bundle carry bundle positions under the entry's name; they are rewritten here to
   * the original file, line and column (bundles carry no sourceMappingURL, so Node never maps
   * them first, on any version).
   */
  map(stack: string): string {
    if (this.maps.size === 0) return stack;
    return stack
      .split('\n')
      .map((line) => this.mapLine(line))
      .join('\n');
  }

  private mapLine(line: string): string {
    const m = FRAME.exec(line);
    if (!m) return line;
    const file = m[2].startsWith('file://') ? new URL(m[2]).pathname : m[2];
    const map = this.maps.get(file);
    if (!map) return line;
    const entry = map.findEntry(Number(m[3]) - 1, Number(m[4]) - 1) as {
      originalSource?: string;
      originalLine?: number;
      originalColumn?: number;
    };
    if (entry.originalSource === undefined || entry.originalLine === undefined) return line;
    const source = entry.originalSource.startsWith('file://')
      ? new URL(entry.originalSource).pathname
      : entry.originalSource;
    const mapped = `${source}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
    return line.slice(0, m.index) + `${m[1]}${mapped}${m[5]}`;
  }
}

/** The first frame of a (mapped) stack that lies in one of `files`: where a plugin failed. */
export function locate(
  stack: string | undefined,
  files: readonly string[],
): SourceLocation | undefined {
  if (!stack) return undefined;
  const set = new Set(files);
  for (const line of stack.split('\n')) {
    const m = FRAME.exec(line.trim());
    if (!m) continue;
    const file = m[2].startsWith('file://') ? new URL(m[2]).pathname : m[2];
    if (set.has(file)) return { file, line: Number(m[3]), column: Number(m[4]) };
  }
  return undefined;
}
