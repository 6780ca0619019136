import { access } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { pino } from 'pino';
import { KINDS } from './exports.js';
import { loadPluginFiles } from './loader.js';
import { MODULE_EXTENSIONS } from './scan.js';
import type { LoadedPluginFile, PluginKind } from './types.js';

export interface TestPluginKinds {
  server?: boolean;
  client?: boolean;
  modifier?: boolean;
}

/** Go's `time.Duration` string for sub-minute values (`13.498341ms`, `1.2s`, `850µs`). */
export function formatGoDuration(ms: number): string {
  const trim = (n: number) => n.toFixed(6).replace(/\.?0+$/, '');
  if (ms >= 1000) return `${trim(ms / 1000)}s`;
  if (ms >= 1) return `${trim(ms)}ms`;
  if (ms >= 0.001) return `${trim(ms * 1000)}µs`;
  return `${Math.round(ms * 1e6)}ns`;
}

const LABELS: Record<PluginKind, string> = {
  handler: 'SERVER',
  modifier: 'MODIFIER',
  client: 'CLIENT',
};

function check(rec: LoadedPluginFile, kind: PluginKind, name: string): [ok: boolean, line: string] {
  const label = LABELS[kind];
  if (rec.error) return [false, `[KO] ${label}\t${name}: ${rec.error}`];
  const found = rec.kinds.find((k) => k.kind === kind);
  if (!found) {
    return [false, `[KO] ${label}\t${name}: The plugin does not contain a ${KINDS[kind].symbol}.`];
  }
  if (!found.ok) return [false, `[KO] ${label}\t${name}: ${found.error ?? 'registration failed'}`];
  return [true, `[OK] ${label}\t${name}`];
}

/**
 * KrakenD's `test-plugin` (krakend-ce `plugin.go`, behaviour §5.5): loads each file on its own
 * and reports, per expected kind (server, modifier, client, in KrakenD's order), `[OK]` or
 * `[KO]` with the reason; then the summary. No kind asked for means all three.
 */
export async function testPlugins(
  files: readonly string[],
  kinds: TestPluginKinds = {},
): Promise<{ lines: string[]; ok: boolean }> {
  const start = performance.now();
  const all = !kinds.server && !kinds.client && !kinds.modifier;
  const wanted: PluginKind[] = [];
  if (all || kinds.server) wanted.push('handler');
  if (all || kinds.modifier) wanted.push('modifier');
  if (all || kinds.client) wanted.push('client');
  const lines: string[] = [];
  let failed = 0;
  for (const path of files) {
    const file = resolve(path);
    try {
      await access(file);
    } catch {
      lines.push(`[KO] Unable to open the plugin ${path}.`);
      failed++;
      continue;
    }
    // A Go `.so` (or any other file) is not something this gateway loads: said as `run` says it.
    if (!(MODULE_EXTENSIONS as readonly string[]).includes(extname(file))) {
      const why = `not a JS/TS module (${MODULE_EXTENSIONS.join(' ')}); krakend-connect loads JS/TS plugins`;
      for (const kind of wanted) lines.push(`[KO] ${LABELS[kind]}\t${basename(file)}: ${why}`);
      failed++;
      continue;
    }
    const registry = await loadPluginFiles([file], { logger: pino({ level: 'silent' }) });
    const rec = registry.loaded[0];
    registry.dispose();
    let ok = true;
    for (const kind of wanted) {
      const [kindOk, line] = check(rec, kind, basename(file));
      lines.push(line);
      ok &&= kindOk;
    }
    if (!ok) failed++;
  }
  const took = formatGoDuration(performance.now() - start);
  if (failed > 0) {
    lines.push(`[KO] ${files.length} tested plugin(s) in ${took}.`, `${failed} plugin(s) failed.`);
    return { lines, ok: false };
  }
  lines.push(`[OK] ${files.length} tested plugin(s) in ${took}`);
  return { lines, ok: true };
}
