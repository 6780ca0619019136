import { testPlugins } from '../plugins/index.js';

export interface TestPluginOptions {
  server: boolean;
  client: boolean;
  modifier: boolean;
}

/** `test-plugin [-s|-c|-m] FILE...` as KrakenD's (behaviour §5.5); no flag = all three kinds. */
export async function testPluginCommand(files: string[], opts: TestPluginOptions): Promise<number> {
  const none = !opts.server && !opts.client && !opts.modifier;
  const { lines, ok } = await testPlugins(files, {
    server: none || opts.server,
    client: none || opts.client,
    modifier: none || opts.modifier,
  });
  for (const l of lines) process.stdout.write(`${l}\n`);
  return ok ? 0 : 1;
}
