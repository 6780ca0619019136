import { bodyOf, SMALL } from '../targets/backend.js';
import { MERGED } from './configs.js';
import type { Expectation } from './precheck.js';
import type { ServerKind } from './servers.js';

export interface Scenario {
  name: string;
  server: ServerKind;
  path: string;
  group: 'baseline' | 'gateway';
  /** The backend path whose nginx and HPM rows this scenario's ratios are taken against. */
  ref: '/small' | '/big';
  expect: Expectation;
  /** Text the server's log must hold once it listens (e.g. that the plugins were injected). */
  logIncludes?: readonly string[];
}

const JSON_TYPE = 'application/json; charset=utf-8';
const passthrough = (path: '/small' | '/big'): Expectation => ({
  status: 200,
  body: bodyOf(path),
  headers: { 'content-type': JSON_TYPE },
});
const rendered = (json: unknown): Expectation => ({
  status: 200,
  body: { json },
  headers: { 'content-type': JSON_TYPE, 'x-krakend-completed': 'true' },
});

/** The three pass-through plugins must really be in the chain. */
const INJECTED = ['Injecting plugin a', 'Injecting plugin b', 'Injecting plugin c'];

const BASELINES: [ServerKind, string][] = [
  ['direct', 'direct'],
  ['nginx', 'nginx'],
  ['http-proxy', 'http-proxy'],
  ['undici-floor', 'bare undici proxy'],
  ['hpm', 'http-proxy-middleware'],
];

const baselines = (path: '/small' | '/big'): Scenario[] =>
  BASELINES.map(([server, name]) => ({
    name: `${name} ${path}`,
    server,
    path,
    group: 'baseline',
    ref: path,
    expect: passthrough(path),
  }));

const gateway = (name: string, server: ServerKind, path: string, ref: '/small' | '/big', expect: Expectation): Scenario => ({
  name,
  server,
  path,
  group: 'gateway',
  ref,
  expect,
  ...(server === 'gateway-plugins' ? { logIncludes: INJECTED } : {}),
});

/** In run order: each backend path's baselines, then the gateway scenarios compared with them. */
export const SCENARIOS: readonly Scenario[] = [
  ...baselines('/small'),
  {
    name: 'bare undici merge',
    server: 'merge-floor',
    path: '/merge',
    group: 'baseline',
    ref: '/small',
    expect: rendered(MERGED),
  },
  {
    name: 'required floor /small',
    server: 'required-floor',
    path: '/small',
    group: 'baseline',
    ref: '/small',
    expect: passthrough('/small'),
  },
  {
    name: 'required floor merge',
    server: 'required-floor',
    path: '/merge',
    group: 'baseline',
    ref: '/small',
    expect: rendered(MERGED),
  },
  gateway('gateway no-op', 'gateway', '/small', '/small', passthrough('/small')),
  gateway('gateway JSON', 'gateway', '/json', '/small', rendered(SMALL)),
  gateway('gateway merge', 'gateway', '/merge', '/small', rendered(MERGED)),
  gateway('gateway no-op + 3 plugins', 'gateway-plugins', '/small', '/small', passthrough('/small')),
  gateway('gateway no-op in Express', 'express-adapter', '/small', '/small', passthrough('/small')),
  ...baselines('/big'),
  gateway('gateway no-op 100 KB', 'gateway', '/big', '/big', passthrough('/big')),
];

export function scenarioByName(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
