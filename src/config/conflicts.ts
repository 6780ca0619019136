import type { ResolvedEndpoint } from '../types.js';
import type { Report } from './report.js';
import type { JsonPath } from './json-path.js';

interface Owner {
  endpoint: ResolvedEndpoint;
  path: JsonPath;
}

interface Node {
  statics: Map<string, Node>;
  param?: { name: string; node: Node; owner: Owner };
  terminal?: Owner;
}

const newNode = (): Node => ({ statics: new Map() });
const describe = (o: Owner): string =>
  `${o.endpoint.method} ${o.endpoint.endpoint} at ${o.endpoint.jsonPath}`;

/**
 * Routes that KrakenD's router (gin) refuses with a panic at start, per method (DECISIONS.md 4):
 * the same method + path twice, and two different param names at the same position under the
 * same prefix. A static segment next to a param is fine since gin 1.8.
 */
export function findRouteConflicts(r: Report, endpoints: readonly Owner[]): void {
  const trees = new Map<string, Node>();
  for (const owner of endpoints) {
    const { method, routePath } = owner.endpoint;
    let node = trees.get(method);
    if (!node) trees.set(method, (node = newNode()));
    const segments = routePath.split('?')[0]!.split('/').slice(1);
    let prefix = '';
    let clash = false;
    for (const seg of segments) {
      if (seg.startsWith(':')) {
        const name = seg.slice(1);
        if (node.param && node.param.name !== name) {
          r.problem(
            owner.path,
            `'${seg}' in new path '${routePath}' conflicts with existing wildcard ':${node.param.name}' ` +
              `in existing prefix '${prefix}/:${node.param.name}' (${describe(owner)} and ` +
              `${describe(node.param.owner)})`,
          );
          clash = true;
          break;
        }
        node.param ??= { name, node: newNode(), owner };
        node = node.param.node;
      } else {
        let next = node.statics.get(seg);
        if (!next) node.statics.set(seg, (next = newNode()));
        node = next;
      }
      prefix += `/${seg}`;
    }
    if (clash) continue;
    if (node.terminal) {
      r.problem(
        owner.path,
        `handlers are already registered for path '${routePath}' (${describe(owner)} and ${describe(node.terminal)})`,
      );
    } else {
      node.terminal = owner;
    }
  }
}
