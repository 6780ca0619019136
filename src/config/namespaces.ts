import { isObject, type Obj } from './coerce.js';
import type { JsonPath } from './json-path.js';

/** KrakenD CE's historical names (`krakend-ce: cmd/krakend-ce/main.go`), long → short. */
const ALIASES: Record<string, string> = {
  'github_com/devopsfaith/krakend/transport/http/server/handler': 'plugin/http-server',
  'github.com/devopsfaith/krakend/transport/http/client/executor': 'plugin/http-client',
  'github.com/devopsfaith/krakend/proxy/plugin': 'plugin/req-resp-modifier',
  'github.com/devopsfaith/krakend/proxy': 'proxy',
  'github_com/luraproject/lura/router/gin': 'router',
  'github.com/devopsfaith/krakend-ratelimit/juju/router': 'qos/ratelimit/router',
  'github.com/devopsfaith/krakend-ratelimit/juju/proxy': 'qos/ratelimit/proxy',
  'github.com/devopsfaith/krakend-httpcache': 'qos/http-cache',
  'github.com/devopsfaith/krakend-circuitbreaker/gobreaker': 'qos/circuit-breaker',
  'github.com/devopsfaith/krakend-oauth2-clientcredentials': 'auth/client-credentials',
  'github.com/devopsfaith/krakend-jose/validator': 'auth/validator',
  'github.com/devopsfaith/krakend-jose/signer': 'auth/signer',
  'github_com/devopsfaith/bloomfilter': 'auth/revoker',
  'github_com/devopsfaith/krakend-botdetector': 'security/bot-detector',
  'github_com/devopsfaith/krakend-httpsecure': 'security/http',
  'github_com/devopsfaith/krakend-cors': 'security/cors',
  'github.com/devopsfaith/krakend-cel': 'validation/cel',
  'github.com/devopsfaith/krakend-jsonschema': 'validation/json-schema',
  'github.com/devopsfaith/krakend-amqp/agent': 'async/amqp',
  'github.com/devopsfaith/krakend-amqp/consume': 'backend/amqp/consumer',
  'github.com/devopsfaith/krakend-amqp/produce': 'backend/amqp/producer',
  'github.com/devopsfaith/krakend-lambda': 'backend/lambda',
  'github.com/devopsfaith/krakend-pubsub/publisher': 'backend/pubsub/publisher',
  'github.com/devopsfaith/krakend-pubsub/subscriber': 'backend/pubsub/subscriber',
  'github.com/devopsfaith/krakend/transport/http/client/graphql': 'backend/graphql',
  'github.com/devopsfaith/krakend/http': 'backend/http',
  'github_com/devopsfaith/krakend-gelf': 'telemetry/gelf',
  'github_com/devopsfaith/krakend-gologging': 'telemetry/logging',
  'github_com/devopsfaith/krakend-logstash': 'telemetry/logstash',
  'github_com/devopsfaith/krakend-metrics': 'telemetry/metrics',
  'github_com/letgoapp/krakend-influx': 'telemetry/influx',
  'github_com/devopsfaith/krakend-influx': 'telemetry/influx',
  'github_com/Jozefiel/krakend-influx2': 'telemetry/influx2',
  'github_com/devopsfaith/krakend-opencensus': 'telemetry/opencensus',
  'github.com/devopsfaith/krakend-lua/router': 'modifier/lua-endpoint',
  'github.com/devopsfaith/krakend-lua/proxy': 'modifier/lua-proxy',
  'github.com/devopsfaith/krakend-lua/proxy/backend': 'modifier/lua-backend',
  'github.com/devopsfaith/krakend-martian': 'modifier/martian',
};

/** A legacy name as KrakenD CE's alias table spells it, exactly (DECISIONS.md 5). */
export function shortNamespace(name: string): string {
  return ALIASES[name] ?? name;
}

/**
 * The alias a name misses by its domain spelling (`github.com` for `github_com` or back): CE
 * maps only the spelling in its table, so the other is an unknown namespace there, silently
 * ignored in production. Said so here, with the spelling that works.
 */
export function misspelledAlias(name: string): string | undefined {
  if (ALIASES[name] !== undefined || !/^github[._]com\//.test(name)) return undefined;
  const swapped = name.startsWith('github.com/')
    ? name.replace(/^github\.com\//, 'github_com/')
    : name.replace(/^github_com\//, 'github.com/');
  return ALIASES[swapped] === undefined ? undefined : swapped;
}

const SUPPORTED = new Set([
  'router',
  'security/cors',
  'telemetry/logging',
  'plugin/http-server',
  'plugin/http-client',
  'plugin/req-resp-modifier',
  'proxy',
  'backend/http',
]);

/** This tool's own namespaces (`krakend-connect/mock`, `krakend-connect/faults`). */
export function isOwnNamespace(name: string): boolean {
  return name.startsWith('krakend-connect/');
}

export function isSupportedNamespace(name: string): boolean {
  return SUPPORTED.has(name) || isOwnNamespace(name);
}

/** Where each unsupported namespace appears, to warn once per name (DECISIONS.md 21). */
export type NamespaceUses = Map<string, JsonPath[]>;

/**
 * A copy of an `extra_config` with short names; when both spellings are present the short one
 * wins. Records unsupported namespaces in `uses`.
 */
export function normalizeExtra(extra: unknown, path: JsonPath, uses: NamespaceUses): Obj {
  if (!isObject(extra)) return {};
  const out: Obj = {};
  for (const [name, value] of Object.entries(extra)) {
    if (/^[@$_#]/.test(name)) continue;
    const short = shortNamespace(name);
    if (short !== name && Object.hasOwn(extra, short)) continue;
    out[short] = value;
    if (!isSupportedNamespace(short)) {
      const list = uses.get(short) ?? [];
      list.push([...path, name]);
      uses.set(short, list);
    }
  }
  return out;
}

export function namespaceWarning(name: string, places: number): string {
  const where = places === 1 ? '1 place' : `${places} places`;
  const alias = misspelledAlias(name);
  if (alias !== undefined) {
    return (
      `namespace '${name}' is not one KrakenD knows: it ignores it, and so does krakend-connect ` +
      `(used in ${where}); the legacy name is '${alias}', or use '${ALIASES[alias]}'`
    );
  }
  return `namespace '${name}' is not supported by krakend-connect and is ignored (used in ${where})`;
}
