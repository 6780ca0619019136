// `npm start`: the example backends on :8081, then the gateway CLI on :8080 with hot reload and
// the debug endpoints. Ctrl-C stops both.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBackends } from '../backends/server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('krakend-connect/package.json'));
const bin = join(pkgDir, require('krakend-connect/package.json').bin['krakend-connect']);

const backends = await startBackends(Number(process.env.BACKEND_PORT ?? 8081));
console.log('example backends on http://127.0.0.1:8081');
const args = [bin, 'run', '-c', join(here, 'krakend.json'), '-w', '-d', ...process.argv.slice(2)];
const child = spawn(process.execPath, args, { stdio: 'inherit' });
const stop = (signal) => child.kill(signal);
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
child.on('exit', (code) => {
  backends.close();
  process.exit(code ?? 0);
});
