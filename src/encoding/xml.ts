import { XMLParser } from 'fast-xml-parser';
import type { Decoder, DecoderFactory } from './types.js';

/**
 * krakend-xml's decoder (mxj): the root element is the top key, attributes are `-name`, text
 * next to attributes or children is `#text`, repeated elements become arrays, values stay strings.
 */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '-',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
});

export function parseXml(text: string): Record<string, unknown> {
  if (text.trim() === '') throw new Error('xml.Decoder: EOF');
  const parsed = parser.parse(text, true) as Record<string, unknown>;
  return parsed;
}

export const xmlDecoder: Decoder = (body) => parseXml(body.toString('utf8'));

export const newXmlDecoder: DecoderFactory = (isCollection) =>
  isCollection ? (body) => ({ collection: xmlDecoder(body) }) : xmlDecoder;
