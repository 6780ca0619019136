import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { MAX_DEPTH, RawNumber, stringifyGo } from '../encoding/go-json.js';
import { toXml } from '../encoding/mxj.js';
import type { ResolvedEndpoint } from '../types.js';
import type { ProxyResponse } from '../proxy/types.js';

/** What a render that encodes data answers: its content type and body, written by the caller. */
export interface Rendered {
  type: string;
  body: string;
}

/**
 * The renders of `output_encoding` (lura `router/gin/render.go` + CE's krakend-xml, behaviour
 * §3.6), no-op aside (`noop-render.ts`, it streams): the data encoded, nothing written yet. The
 * status is whatever the response writer holds (200); the caller writes the head and the body.
 */
export type BodyRender = (req: IncomingMessage, response: ProxyResponse | null) => Rendered;

export const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const XML_TYPE = 'application/xml';
const YAML_TYPE = 'application/yaml; charset=utf-8';

const rendered = (type: string, body: string): Rendered => ({ type, body });

export const jsonBody: BodyRender = (_req, response) =>
  rendered(JSON_TYPE, response === null ? '{}' : stringifyGo(response.data));

export const jsonCollectionBody: BodyRender = (_req, response) => {
  const data = response?.data;
  const has =
    data !== null && data !== undefined && Object.prototype.hasOwnProperty.call(data, 'collection');
  return rendered(JSON_TYPE, has ? stringifyGo(data['collection']) : '[]');
};

export const stringBody: BodyRender = (_req, response) => {
  const content = response?.data?.['content'];
  return rendered(TEXT_TYPE, typeof content === 'string' ? content : '');
};

export const xmlBody: BodyRender = (_req, response) =>
  response === null
    ? rendered('application/xml; charset=utf-8', '')
    : rendered(XML_TYPE, toXml(response.data));

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

export const yamlBody: BodyRender = (_req, response) => {
  const data = response === null ? {} : plain(response.data, 0);
  return rendered(YAML_TYPE, yaml().stringify(data, { sortMapEntries: true, indentSeq: false }));
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

export const negotiatedBody: BodyRender = (req, response) => {
  switch (negotiate(req.headers.accept)) {
    case 'application/xml':
      return xmlBody(req, response);
    case 'text/plain':
    case 'application/x-yaml':
      return yamlBody(req, response);
    default:
      return jsonBody(req, response);
  }
};

const BODY_RENDERS: Readonly<Record<string, BodyRender>> = {
  json: jsonBody,
  'json-collection': jsonCollectionBody,
  string: stringBody,
  xml: xmlBody,
  yaml: yamlBody,
  negotiate: negotiatedBody,
};

/**
 * The body render of an endpoint, or undefined for no-op (which streams). Unknown names fall
 * back to the render named like the single backend's encoding, else json.
 */
export function getBodyRender(
  endpoint: Pick<ResolvedEndpoint, 'outputEncoding' | 'backends'>,
): BodyRender | undefined {
  const name = endpoint.outputEncoding;
  if (name === 'no-op') return undefined;
  if (name && BODY_RENDERS[name]) return BODY_RENDERS[name];
  const single = endpoint.backends.length === 1 ? endpoint.backends[0]!.encoding : undefined;
  if (single === 'no-op') return undefined;
  return (single !== undefined ? BODY_RENDERS[single] : undefined) ?? jsonBody;
}

let yamlModule: typeof import('yaml') | undefined;

/** `yaml` is loaded on the first YAML render: most configs never negotiate YAML. */
function yaml(): typeof import('yaml') {
  yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yamlModule;
}
