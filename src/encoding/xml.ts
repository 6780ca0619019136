import type { XMLParser as XMLParserType } from 'fast-xml-parser';
import { createRequire } from 'node:module';
import type { Decoder, DecoderFactory } from './types.js';

const require = createRequire(import.meta.url);

/**
 * krakend-xml's decoder (mxj): the root element is the top key, attributes are `-name`, text
 * next to attributes or children is `#text`, repeated elements become arrays, values stay strings.
 */
let parser: XMLParserType | undefined;

/** Loaded on first XML body: most configs never decode XML, and start-up time counts. */
function getParser(): XMLParserType {
  if (parser) return parser;
  const { XMLParser } = require('fast-xml-parser') as typeof import('fast-xml-parser');
  parser = new XMLParser(PARSER_OPTIONS);
  return parser;
}

const PARSER_OPTIONS = {
  ignoreAttributes: false,
  attributeNamePrefix: '-',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
};

export function parseXml(text: string): Record<string, unknown> {
  if (text.trim() === '') throw new Error('xml.Decoder: EOF');
  const parsed = getParser().parse(text, true) as Record<string, unknown>;
  return parsed;
}

export const xmlDecoder: Decoder = (body) => parseXml(body.toString('utf8'));

export const newXmlDecoder: DecoderFactory = (isCollection) =>
  isCollection ? (body) => ({ collection: xmlDecoder(body) }) : xmlDecoder;
