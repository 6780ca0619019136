import { GatewayError } from '../errors.js';
import { noHosts } from './errors.js';

/**
 * A backend's host list, load-balanced round-robin (KrakenD picks at random, or round-robin with
 * one CPU; one host is always that host). `{param}` in a host may only fill a DNS label, so a
 * value can never point the call at another host than the template allows.
 */
export interface PickedHost {
  /** `scheme://authority` for the dispatcher. */
  origin: string;
  /** The host as written, with any placeholder filled (prefix of the full URL). */
  base: string;
  /** A path the host itself carries (only with `disable_host_sanitize`). */
  basePath: string;
}

export type HostPicker = (params: Readonly<Record<string, string>>) => PickedHost;

const SPLIT = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)(.*)$/i;
const PLACEHOLDER = /\{([\w\-.:/]+)\}/g;
const LABEL = /^[A-Za-z0-9_-]+$/;

function resolve(host: string): PickedHost {
  const m = SPLIT.exec(host);
  if (!m) {
    throw new GatewayError(
      'KC_BACKEND_UNAVAILABLE',
      `unsupported protocol scheme in host "${host}"`,
    );
  }
  let origin: string;
  try {
    const u = new URL(m[1]!);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(u.protocol);
    origin = u.origin;
  } catch {
    throw new GatewayError(
      'KC_BACKEND_UNAVAILABLE',
      `unsupported protocol scheme in host "${host}"`,
    );
  }
  return { origin, base: host, basePath: m[2] ?? '' };
}

function templated(host: string): HostPicker {
  return (params) => {
    const filled = host.replace(PLACEHOLDER, (_m, name: string) => {
      const v = params[name.charAt(0).toUpperCase() + name.slice(1)] ?? '';
      if (!LABEL.test(v)) {
        throw new GatewayError(
          'KC_BAD_PARAM',
          `invalid host param '${name}': ${JSON.stringify(v)}`,
        );
      }
      return v;
    });
    return resolve(filled);
  };
}

function fixed(host: string): HostPicker {
  let picked: PickedHost | undefined;
  let failure: unknown;
  try {
    picked = resolve(host);
  } catch (err) {
    failure = err;
  }
  return () => {
    if (picked) return picked;
    throw failure;
  };
}

export function createHostPicker(hosts: readonly string[]): HostPicker {
  if (hosts.length === 0) {
    return () => {
      throw noHosts();
    };
  }
  const pickers = hosts.map((h) => (/\{[\w\-.:/]+\}/.test(h) ? templated(h) : fixed(h)));
  if (pickers.length === 1) return pickers[0]!;
  let next = 0;
  return (params) => {
    const picker = pickers[next]!;
    next = (next + 1) % pickers.length;
    return picker(params);
  };
}
