import type { PluginKind } from './types.js';

/** KrakenD's symbol and method names per kind; camelCase spellings are accepted too. */
export const KINDS = {
  client: { symbol: 'ClientRegisterer', method: 'RegisterClients', label: 'Executor' },
  handler: { symbol: 'HandlerRegisterer', method: 'RegisterHandlers', label: 'Handler' },
  modifier: { symbol: 'ModifierRegisterer', method: 'RegisterModifiers', label: 'Modifier' },
} as const satisfies Record<PluginKind, { symbol: string; method: string; label: string }>;

/** KrakenD offers every file to the client, handler and modifier loaders, in this order. */
export const LOAD_ORDER: readonly PluginKind[] = ['client', 'handler', 'modifier'];

export type Registerer = Record<string, unknown>;

const camel = (name: string) => name[0].toLowerCase() + name.slice(1);

function isObject(v: unknown): v is Registerer {
  return (typeof v === 'object' || typeof v === 'function') && v !== null;
}

/** A method by its KrakenD name or its camelCase spelling. */
type Method = (...args: unknown[]) => unknown;

export function method(reg: Registerer, name: string): Method | undefined {
  const fn = reg[name] ?? reg[camel(name)];
  return typeof fn === 'function' ? (fn as Method) : undefined;
}

/**
 * The registerer of one kind: a named export (`HandlerRegisterer`), the same name on `default`,
 * or a `default` export / `module.exports` that is itself the registerer (has the method).
 */
export function findRegisterer(
  exports: Record<string, unknown>,
  kind: PluginKind,
): Registerer | undefined {
  const { symbol, method: name } = KINDS[kind];
  const def = exports.default;
  for (const holder of [exports, def]) {
    if (!isObject(holder)) continue;
    const named = holder[symbol] ?? holder[camel(symbol)];
    if (isObject(named)) return named;
  }
  for (const candidate of [def, exports]) {
    if (isObject(candidate) && method(candidate, name)) return candidate;
  }
  return undefined;
}
