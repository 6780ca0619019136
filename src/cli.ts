#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { resolve } from 'node:path';
import { formatProblem, isGatewayError } from './errors.js';
import { LEVEL_NAMES } from './logger.js';

/** Exit codes (INTERFACE.md): 0 ok, 1 a bad config or plugin, 2 a usage error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

function level(value: string): string {
  if (!LEVEL_NAMES.includes(value.toLowerCase())) {
    throw new InvalidArgumentError(`expected one of ${LEVEL_NAMES.join(', ')} (any case)`);
  }
  return value;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port 0-65535');
  return n;
}

export function buildProgram(): Command {
  const program = new Command('krakend-connect')
    .description('A KrakenD-compatible API gateway for Node dev servers')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('run')
    .description('serve a krakend.json')
    .requiredOption('-c, --config <file>', 'path to krakend.json')
    .option('-p, --port <port>', 'port (default: the config port, else 8080; 0 = any free port)', port)
    .option('-d, --debug', 'enable /__debug/ and /__echo/', false)
    .option('-w, --watch', 'hot-reload the config and the plugin folder', false)
    .addOption(new Option('--log-level <level>', 'DEBUG INFO WARNING ERROR CRITICAL or pino names').argParser(level))
    .option('--record <dir>', 'record every backend response into <dir>')
    .option('--replay <dir>', 'serve backend calls from recordings in <dir>')
    .option('--replay-fallthrough', 'with --replay: call the live backend when no recording exists', false)
    .option('--no-dashboard', 'do not serve the dashboard at /__krakend/')
    .option(
      '--allowed-host <host...>',
      'answer 403 to requests for other hosts than loopback, IPs and these (DNS-rebinding guard)',
    )
    .action(async (opts, command: Command) => {
      // Without --replay the flag would silently do nothing.
      if (opts.replayFallthrough && !opts.replay) {
        command.error('error: --replay-fallthrough needs --replay <dir>', { exitCode: 2 });
      }
      // Each command loads only its own modules: `run`'s start-up time is a target.
      const { runCommand } = await import('./cli/run.js');
      process.exitCode = await runCommand({ ...opts, config: resolve(opts.config) });
    });

  program
    .command('check')
    .description('validate a krakend.json')
    .requiredOption('-c, --config <file>', 'path to krakend.json')
    .option('-l, --lint', 'also validate against the official KrakenD schema', false)
    .option('-d, --debug', 'print the routes', false)
    .action(async (opts) => {
      const { checkCommand } = await import('./cli/check.js');
      process.exitCode = await checkCommand({ ...opts, config: resolve(opts.config) });
    });

  program
    .command('test-plugin')
    .description('load plugin files and report what they register')
    .option('-s, --server', 'test handler (http-server) plugins', false)
    .option('-c, --client', 'test client (http-client) plugins', false)
    .option('-m, --modifier', 'test request/response modifier plugins', false)
    .argument('<files...>', 'plugin files')
    .action(async (files: string[], opts) => {
      const { testPluginCommand } = await import('./cli/test-plugin.js');
      process.exitCode = await testPluginCommand(files, opts);
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : EXIT.usage;
      return;
    }
    if (isGatewayError(err)) {
      const lines = err.problems.length ? err.problems.map(formatProblem) : [err.message];
      for (const l of lines) process.stderr.write(`${l}\n`);
    } else {
      process.stderr.write(`krakend-connect: ${(err as Error)?.message ?? err}\n`);
    }
    process.exitCode = EXIT.failed;
  }
}

void main(process.argv);
