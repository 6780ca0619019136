import { pathKey, type JsonPath } from './json-path.js';
import { visitValues } from './json-scan.js';

export interface Position {
  line: number;
  column: number;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function locateOffset(starts: readonly number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}

/** 1-based line and column of a character offset (columns count UTF-16 units, like editors). */
export function lineColumn(text: string, offset: number): Position {
  return locateOffset(lineStarts(text), Math.min(offset, text.length));
}

export interface PositionMap {
  /** Where the value at `path` starts; for a missing node, its nearest existing ancestor. */
  locate(path: JsonPath): Position;
}

/**
 * Built on first use only: a config without problems or warnings never pays for it.
 * Without text (an inline config object) every position is 0:0.
 */
export function createPositionMap(text: string | undefined): PositionMap {
  let index: { offsets: Map<string, number>; starts: number[] } | undefined;
  return {
    locate(path) {
      if (text === undefined) return { line: 0, column: 0 };
      if (!index) {
        const offsets = new Map<string, number>();
        visitValues(text, (p, offset) => offsets.set(pathKey(p), offset));
        index = { offsets, starts: lineStarts(text) };
      }
      for (let n = path.length; n >= 0; n--) {
        const offset = index.offsets.get(pathKey(path.slice(0, n)));
        if (offset !== undefined) return locateOffset(index.starts, offset);
      }
      return { line: 1, column: 1 };
    },
  };
}
