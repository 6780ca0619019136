import type { Logger as ViteLogger } from 'vite';

const TAG = process.stdout.isTTY ? '\x1b[35m[krakend]\x1b[39m' : '[krakend]';

/**
 * A pino destination that prints each line through Vite's logger, so gateway messages look like
 * the rest of the dev server's output (timestamp, colours, `clearScreen` handling) and land
 * wherever a custom Vite logger sends them.
 */
export function viteLogDestination(vite: ViteLogger): { write(line: string): void } {
  return {
    write(line: string) {
      let entry: { level?: number; msg?: string; err?: { stack?: string } };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        vite.info(`${TAG} ${line.trimEnd()}`, { timestamp: true });
        return;
      }
      const level = entry.level ?? 30;
      const text = `${TAG} ${entry.msg ?? ''}`;
      if (level >= 50) vite.error(text, { timestamp: true });
      else if (level >= 40) vite.warn(text, { timestamp: true });
      else vite.info(text, { timestamp: true });
    },
  };
}
