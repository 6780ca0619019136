import { pathKey, type JsonPath } from './json-path.js';
import { visitValues } from './json-scan.js';

export interface Position {
  line: number;
  column: number;
}

/** 1-based line and column of a character offset (columns count UTF-16 units, like editors). */
export function lineColumn(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

export interface PositionMap {
  /** Where the value at `path` starts; for a missing node, its nearest existing ancestor. */
  locate(path: JsonPath): Position;
}

/**
 * Built on first use only: a valid config without problems or warnings never pays for it.
 * Without text (an inline config object) every position is 0:0.
 */
export function createPositionMap(text: string | undefined): PositionMap {
  let offsets: Map<string, number> | undefined;
  return {
    locate(path) {
      if (text === undefined) return { line: 0, column: 0 };
      if (!offsets) {
        const map = new Map<string, number>();
        visitValues(text, (p, offset) => map.set(pathKey(p), offset));
        offsets = map;
      }
      for (let n = path.length; n >= 0; n--) {
        const offset = offsets.get(pathKey(path.slice(0, n)));
        if (offset !== undefined) return lineColumn(text, offset);
      }
      return { line: 1, column: 1 };
    },
  };
}
