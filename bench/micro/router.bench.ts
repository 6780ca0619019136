import { resolveConfig } from '../../src/config/index.js';
import { compileRoutes } from '../../src/router/compile.js';
import { match } from '../../src/router/match.js';
import { measure, printResults } from './measure.js';

// Routing cost per request: find-my-way lookup plus renaming params to their config names,
// over a 46-endpoint table like the corpus config's (static, one-param and two-param paths).
// Run: node --import tsx bench/micro/router.bench.ts   (MICRO_MS=2000 for longer runs)
const host = ['http://127.0.0.1:8080'];
const endpoints: object[] = [];
for (let i = 0; i < 16; i++) endpoints.push({ endpoint: `/static/section-${i}/list`, backend: [{ host, url_pattern: '/x' }] });
for (let i = 0; i < 15; i++) endpoints.push({ endpoint: `/users-${i}/{id}`, backend: [{ host, url_pattern: '/u/{id}' }] });
for (let i = 0; i < 15; i++) {
  endpoints.push({ endpoint: `/shops-${i}/{shop}/items/{item}`, backend: [{ host, url_pattern: '/s/{shop}/{item}' }] });
}
const config = resolveConfig({ version: 3, endpoints }, undefined, '<bench>', process.cwd());
const routes = compileRoutes(config.endpoints, (e) => e.endpoint, config.file);

const results = [
  measure('compile 46 endpoints', () => compileRoutes(config.endpoints, (e) => e.endpoint, config.file)),
  measure('match static', () => match(routes, 'GET', '/static/section-9/list')),
  measure('match one param', () => match(routes, 'GET', '/users-7/12345')),
  measure('match two params', () => match(routes, 'GET', '/shops-11/acme/items/987')),
  measure('match miss', () => match(routes, 'GET', '/nowhere/at/all')),
  measure('match wrong method', () => match(routes, 'POST', '/users-7/12345')),
];
printResults(`router: ${config.endpoints.length} endpoints`, results);
