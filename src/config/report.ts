import type { ConfigProblem, ConfigWarning } from '../types.js';
import { formatPath, type JsonPath } from './json-path.js';
import type { PositionMap } from './positions.js';

interface Finding {
  path: JsonPath;
  message: string;
}

/** Collects every problem and warning of one load, so all of them are reported at once. */
export class Report {
  private readonly problems: Finding[] = [];
  private readonly warnings: (Finding & { level: 'warn' | 'error' })[] = [];

  problem(path: JsonPath, message: string): void {
    this.problems.push({ path, message });
  }

  warn(path: JsonPath, message: string, level: 'warn' | 'error' = 'warn'): void {
    this.warnings.push({ path, message, level });
  }

  get failed(): boolean {
    return this.problems.length > 0;
  }

  /** In document order (stable: same-place problems keep the order they were found in). */
  toProblems(file: string, positions: PositionMap): ConfigProblem[] {
    return this.problems
      .map(({ path, message }) => ({
        file,
        ...positions.locate(path),
        path: formatPath(path),
        message,
      }))
      .sort((a, b) => a.line - b.line || a.column - b.column);
  }

  toWarnings(positions: PositionMap): ConfigWarning[] {
    return this.warnings.map(({ path, message, level }) => {
      const { line, column } = positions.locate(path);
      const warning: ConfigWarning = { level, path: formatPath(path), message };
      if (line > 0) Object.assign(warning, { line, column });
      return warning;
    });
  }
}
