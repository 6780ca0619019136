import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { MAX_DEPTH, RawNumber, stringifyGo } from '../encoding/go-json.js';
import { toXml } from '../encoding/mxj.js';
import type { ResolvedEndpoint } from '../types.js';
import type { ProxyResponse } from '../proxy/types.js';
import { writeNoop } from './noop-render.js';

/**
 * The renders of `output_encoding` (lura `router/gin/render.go` + CE's krakend-xml, behaviour
 * §3.6). The status is whatever the response writer holds (200) except for no-op.
 */
export type Render = (
  req: IncomingMessage,
  res: ServerResponse,
  response: ProxyResponse | null,
) => void;

export const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const XML_TYPE = 'application/xml';
const YAML_TYPE = 'application/yaml; charset=utf-8';

function send(res: ServerResponse, type: string, body: string): void {
  res.setHeader('Content-Type', type);
  res.end(body);
}

export const jsonRender: Render = (_req, res, response) => {
  send(res, JSON_TYPE, response === null ? '{}' : stringifyGo(response.data));
};

export const jsonCollectionRender: Render = (_req, res, response) => {
  const data = response?.data;
  const has =
    data !== null && data !== undefined && Object.prototype.hasOwnProperty.call(data, 'collection');
  send(res, JSON_TYPE, has ? stringifyGo(data['collection']) : '[]');
};

export const stringRender: Render = (_req, res, response) => {
  const content = response?.data?.['content'];
  send(res, TEXT_TYPE, typeof content === 'string' ? content : '');
};

export const xmlRender: Render = (_req, res, response) => {
  if (response === null) return send(res, 'application/xml; charset=utf-8', '');
  send(res, XML_TYPE, toXml(response.data));
};

/** yaml.v3 writes `json.Number` as a number: lexemes are not kept here. */
function plain(v: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new RangeError(`exceeded max depth of ${MAX_DEPTH}`);
  if (v instanceof RawNumber) return Number(v.raw);
  if (Array.isArray(v)) return v.map((x) => plain(x, depth + 1));
  if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = plain((v as Record<string, unknown>)[k], depth + 1);
    return out;
  }
  return v;
}

export const yamlRender: Render = (_req, res, response) => {
  const data = response === null ? {} : plain(response.data, 0);
  send(res, YAML_TYPE, yaml().stringify(data, { sortMapEntries: true, indentSeq: false }));
};

const OFFERS = ['application/json', 'text/plain', 'application/xml', 'application/x-yaml'] as const;

/** gin's `NegotiateFormat`: Accept entries in order, q-values ignored, `*` and prefixes match. */
export function negotiate(accept: string | undefined): string {
  if (!accept) return OFFERS[0];
  const accepted = accept
    .split(',')
    .map((part) => {
      const i = part.indexOf(';');
      return (i > 0 ? part.slice(0, i) : part).trim();
    })
    .filter((p) => p !== '');
  if (accepted.length === 0) return OFFERS[0];
  for (const a of accepted) {
    for (const offer of OFFERS) {
      let i = 0;
      for (; i < a.length && i < offer.length; i++) {
        if (a[i] === '*' || offer[i] === '*') return offer;
        if (a[i] !== offer[i]) break;
      }
      if (i === a.length) return offer;
    }
  }
  return '';
}

export const negotiatedRender: Render = (req, res, response) => {
  switch (negotiate(req.headers.accept)) {
    case 'application/xml':
      return xmlRender(req, res, response);
    case 'text/plain':
    case 'application/x-yaml':
      return yamlRender(req, res, response);
    default:
      return jsonRender(req, res, response);
  }
};

export const noopRender: Render = (req, res, response) => writeNoop(req, res, response);

const RENDERS: Readonly<Record<string, Render>> = {
  json: jsonRender,
  'json-collection': jsonCollectionRender,
  string: stringRender,
  xml: xmlRender,
  yaml: yamlRender,
  negotiate: negotiatedRender,
  'no-op': noopRender,
};

/** Unknown names fall back to the render named like the single backend's encoding, else json. */
export function getRender(endpoint: Pick<ResolvedEndpoint, 'outputEncoding' | 'backends'>): Render {
  const fallback =
    endpoint.backends.length === 1
      ? (RENDERS[endpoint.backends[0]!.encoding] ?? jsonRender)
      : jsonRender;
  if (!endpoint.outputEncoding) return fallback;
  return RENDERS[endpoint.outputEncoding] ?? fallback;
}

let yamlModule: typeof import('yaml') | undefined;

/** `yaml` is loaded on the first YAML render: most configs never negotiate YAML. */
function yaml(): typeof import('yaml') {
  yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yamlModule;
}
