import { parseXml } from './xml.js';
import type { Decoder, DecoderFactory } from './types.js';

/**
 * krakend-rss (gofeed) in its common shape: the feed's `title`, `description`, `language`,
 * `copyright`, `published`, `updated`, `type`, `img_url` and `items` (title, description,
 * content, link, links, published, guid, categories; empty fields left out as gofeed does).
 * Less common gofeed fields (extensions, authors, enclosures) are not produced.
 */
type Node = Record<string, unknown>;

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return text(v[0]);
  if (typeof v === 'object') return text((v as Node)['#text']);
  return String(v);
}

function list(v: unknown): unknown[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function compact(item: Node): Node {
  const out: Node = {};
  for (const [k, v] of Object.entries(item)) {
    if (v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out;
}

function rssItem(i: Node): Node {
  const link = text(i['link']);
  return compact({
    title: text(i['title']),
    description: text(i['description']),
    content: text(i['content:encoded']),
    link,
    links: link ? [link] : [],
    published: text(i['pubDate']),
    guid: text(i['guid']),
    categories: list(i['category']).map(text),
  });
}

function atomLink(v: unknown): string {
  const first = list(v)[0] as Node | string | undefined;
  if (first === undefined) return '';
  return typeof first === 'string' ? first : text(first['-href']);
}

function atomEntry(e: Node): Node {
  const link = atomLink(e['link']);
  return compact({
    title: text(e['title']),
    description: text(e['summary']),
    content: text(e['content']),
    link,
    links: link ? [link] : [],
    updated: text(e['updated']),
    published: text(e['published']),
    guid: text(e['id']),
    categories: list(e['category']).map((c) => text((c as Node)['-term'] ?? c)),
  });
}

export const rssDecoder: Decoder = (body) => {
  const doc = parseXml(body.toString('utf8'));
  const channel = (doc['rss'] as Node | undefined)?.['channel'] as Node | undefined;
  const feed = doc['feed'] as Node | undefined;
  if (channel) {
    const out: Node = {
      items: list(channel['item']).map((i) => rssItem(i as Node)),
      author: null,
      categories: null,
      custom: null,
      copyright: text(channel['copyright']),
      description: text(channel['description']),
      type: 'rss',
      language: text(channel['language']),
      title: text(channel['title']),
      published: text(channel['pubDate']),
      updated: text(channel['lastBuildDate']),
    };
    const image = channel['image'] as Node | undefined;
    if (image) out['img_url'] = text(image['url']);
    return out;
  }
  if (feed) {
    return {
      items: list(feed['entry']).map((e) => atomEntry(e as Node)),
      author: null,
      categories: null,
      custom: null,
      copyright: text(feed['rights']),
      description: text(feed['subtitle']),
      type: 'atom',
      language: '',
      title: text(feed['title']),
      published: '',
      updated: text(feed['updated']),
    };
  }
  throw new Error('Failed to detect feed type');
};

export const newRssDecoder: DecoderFactory = () => rssDecoder;
