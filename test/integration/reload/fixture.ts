import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { GatewayOptions, ReloadEvent } from '../../../src/index.js';
import { startBackend, type BackendHandler, type TestBackend } from '../../helpers/backend.js';
import { startGateway, type RunningGateway } from '../../helpers/gateway.js';
import { logSink, type LogLine } from '../../helpers/log.js';
import { collect, editors, nextEvent, tempFolder, type EditorName } from './edit.js';

export interface ReloadFixture {
  dir: string;
  configFile: string;
  pluginDir: string;
  backend: TestBackend;
  gw: RunningGateway;
  lines: LogLine[];
  /** Saves `krakend.json` the way `editor` does. */
  writeConfig(config: object, editor?: EditorName): Promise<void>;
  writePlugin(name: string, text: string, editor?: EditorName): Promise<void>;
  /** The next `reload` event (bounded); `accept` filters. */
  nextReload(accept?: (e: ReloadEvent) => boolean, ms?: number): Promise<ReloadEvent>;
  /** Records every `reload` event from now on. */
  reloads(): { seen: ReloadEvent[]; stop(): void };
  /** Reload log lines (`[SERVICE: Reload]`) seen so far. */
  reloadLines(): LogLine[];
  close(): Promise<void>;
}

export interface FixtureOptions {
  /** The config, given the backend's URL. */
  config: (backend: string) => object;
  plugins?: Record<string, string>;
  /** Other files, by path relative to the folder. */
  files?: Record<string, string>;
  backend?: BackendHandler;
  gateway?: Partial<GatewayOptions>;
}

/** A temp folder with `krakend.json` and `plugins/`, a loopback backend, a watching gateway. */
export async function startReloadFixture(options: FixtureOptions): Promise<ReloadFixture> {
  const { dir, cleanup } = await tempFolder();
  const configFile = join(dir, 'krakend.json');
  const pluginDir = join(dir, 'plugins');
  await mkdir(pluginDir);
  const backend = await startBackend(
    options.backend ??
      ((req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ path: req.url }));
      }),
  );
  for (const [name, text] of Object.entries(options.plugins ?? {})) {
    await writeFile(join(pluginDir, name), text);
  }
  for (const [path, text] of Object.entries(options.files ?? {})) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  await writeFile(configFile, JSON.stringify(options.config(backend.url), null, 2));
  const sink = logSink('debug');
  const gw = await startGateway({
    config: configFile,
    watch: true,
    logger: sink.logger,
    ...options.gateway,
  });
  return {
    dir,
    configFile,
    pluginDir,
    backend,
    gw,
    lines: sink.lines,
    writeConfig: (config, editor = 'inPlace') =>
      editors[editor](configFile, JSON.stringify(config, null, 2)),
    writePlugin: (name, text, editor = 'inPlace') => editors[editor](join(pluginDir, name), text),
    nextReload: (accept, ms) => nextEvent<ReloadEvent>(gw.gateway, 'reload', accept, ms),
    reloads: () => collect<ReloadEvent>(gw.gateway, 'reload'),
    reloadLines: () => sink.lines.filter((l) => l.msg.startsWith('[SERVICE: Reload]')),
    async close() {
      await gw.close();
      await backend.close();
      await cleanup();
    },
  };
}

/** A config with one backend endpoint per name (`/a` → backend `/a`). */
export function endpoints(backend: string, names: string[], extra: object = {}): object {
  return {
    version: 3,
    host: [backend],
    ...extra,
    endpoints: names.map((n) => ({ endpoint: `/${n}`, backend: [{ url_pattern: `/${n}` }] })),
  };
}
