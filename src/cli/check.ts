import { readFile } from 'node:fs/promises';
import { formatProblem, isGatewayError } from '../errors.js';
import { lintConfig, loadConfig } from '../config/index.js';
import { printRoutes } from '../router/print.js';
import { compileRoutes } from '../router/compile.js';

export interface CheckOptions {
  config: string;
  lint: boolean;
  debug: boolean;
}

/** `check`: 0 on a config `run` would serve, 1 otherwise, every problem with file:line:col. */
export async function checkCommand(opts: CheckOptions): Promise<number> {
  try {
    const config = await loadConfig(opts.config, { cwd: process.cwd() });
    compileRoutes(config.endpoints, () => undefined, config.file);
    for (const w of config.warnings) {
      const where = w.line ? `${config.file}:${w.line}:${w.column} ${w.path}` : w.path;
      process.stderr.write(`warning: ${where ? `${where}: ` : ''}${w.message}\n`);
    }
    if (opts.lint) {
      const problems = lintConfig(await readFile(opts.config, 'utf8'), opts.config);
      if (problems.length > 0) {
        process.stderr.write('ERROR linting the configuration file:\n');
        for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
        return 1;
      }
    }
    if (opts.debug) process.stdout.write(`${printRoutes(config.endpoints)}\n`);
    process.stdout.write('Syntax OK!\n');
    return 0;
  } catch (err) {
    if (!isGatewayError(err)) throw err;
    process.stderr.write('ERROR parsing the configuration file:\n');
    const lines = err.problems.length ? err.problems.map(formatProblem) : [err.message];
    for (const l of lines) process.stderr.write(`${l}\n`);
    return 1;
  }
}
