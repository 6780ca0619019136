import type { JsonPath } from './json-path.js';

/**
 * A JSON scanner that follows Go's `encoding/json` grammar and wording, because KrakenD reports
 * syntax errors in Go's words (vector C12) and `JSON.parse` gives neither those nor a position.
 * It also reports where every value starts, which the position map uses.
 */
export interface ScanError {
  offset: number;
  message: string;
}

export type ValueVisitor = (path: JsonPath, offset: number) => void;

const MAX_DEPTH = 10000;
const EOF_MESSAGE = 'unexpected end of JSON input';

class Failure {
  constructor(readonly error: ScanError) {}
}

/** Go's `quoteChar`, fed the first UTF-8 byte of the offending character as Go sees bytes. */
export function goQuoteChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const byte =
    cp < 0x80
      ? cp
      : cp < 0x800
        ? 0xc0 | (cp >> 6)
        : cp < 0x10000
          ? 0xe0 | (cp >> 12)
          : 0xf0 | (cp >> 18);
  if (byte === 0x27) return `'\\''`;
  if (byte === 0x22) return `'"'`;
  const named: Record<number, string> = {
    7: '\\a',
    8: '\\b',
    9: '\\t',
    10: '\\n',
    11: '\\v',
    12: '\\f',
    13: '\\r',
    0x5c: '\\\\',
  };
  if (named[byte]) return `'${named[byte]}'`;
  if (byte < 0x20 || byte === 0x7f) return `'\\x${byte.toString(16).padStart(2, '0')}'`;
  if (byte >= 0x80 && (byte <= 0xa0 || byte === 0xad)) return `'\\u00${byte.toString(16)}'`;
  return `'${String.fromCharCode(byte)}'`;
}

class Scanner {
  private i = 0;
  private readonly path: (string | number)[] = [];

  constructor(
    private readonly text: string,
    private readonly visit?: ValueVisitor,
  ) {}

  run(): void {
    this.value(0);
    this.ws();
    if (this.i < this.text.length) this.fail('after top-level value');
  }

  private fail(context: string): never {
    if (this.i >= this.text.length)
      throw new Failure({ offset: this.text.length, message: EOF_MESSAGE });
    const ch = String.fromCodePoint(this.text.codePointAt(this.i) ?? 0);
    throw new Failure({
      offset: this.i,
      message: `invalid character ${goQuoteChar(ch)} ${context}`,
    });
  }

  private ws(): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.i++;
    }
  }

  private value(depth: number): void {
    this.ws();
    const c = this.text[this.i];
    if (c !== undefined) this.visit?.(this.path, this.i);
    if (c === '{') return this.object(depth + 1);
    if (c === '[') return this.array(depth + 1);
    if (c === '"') return void this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    if (c === 't') return this.literal('true');
    if (c === 'f') return this.literal('false');
    if (c === 'n') return this.literal('null');
    this.fail('looking for beginning of value');
  }

  private object(depth: number): void {
    if (depth > MAX_DEPTH) throw new Failure({ offset: this.i, message: 'exceeded max depth' });
    this.i++;
    this.ws();
    if (this.text[this.i] === '}') return void this.i++;
    for (;;) {
      if (this.text[this.i] !== '"') this.fail('looking for beginning of object key string');
      const key = this.string();
      this.ws();
      if (this.text[this.i] !== ':') this.fail('after object key');
      this.i++;
      this.path.push(key);
      this.value(depth);
      this.path.pop();
      this.ws();
      const c = this.text[this.i];
      if (c === '}') return void this.i++;
      if (c !== ',') this.fail('after object key:value pair');
      this.i++;
      this.ws();
    }
  }

  private array(depth: number): void {
    if (depth > MAX_DEPTH) throw new Failure({ offset: this.i, message: 'exceeded max depth' });
    this.i++;
    this.ws();
    if (this.text[this.i] === ']') return void this.i++;
    for (let index = 0; ; index++) {
      this.path.push(index);
      this.value(depth);
      this.path.pop();
      this.ws();
      const c = this.text[this.i];
      if (c === ']') return void this.i++;
      if (c !== ',') this.fail('after array element');
      this.i++;
    }
  }

  /** Returns the decoded key only when a visitor needs it (keys feed the path). */
  private string(): string {
    const t = this.text;
    const start = ++this.i;
    let simple = true;
    for (;;) {
      const c = t.charCodeAt(this.i);
      if (this.i >= t.length) this.fail('in string literal');
      if (c === 0x22) break;
      if (c < 0x20) this.fail('in string literal');
      if (c === 0x5c) {
        simple = false;
        this.i++;
        const e = t[this.i];
        if (e === 'u') {
          for (let k = 0; k < 4; k++) {
            this.i++;
            if (!/[0-9a-fA-F]/.test(t[this.i] ?? ''))
              this.fail('in \\u hexadecimal character escape');
          }
        } else if (e === undefined || !'"\\/bfnrt'.includes(e)) {
          this.fail('in string escape code');
        }
      }
      this.i++;
    }
    this.i++;
    if (!this.visit) return '';
    const raw = t.slice(start, this.i - 1);
    return simple ? raw : (JSON.parse(`"${raw}"`) as string);
  }

  private digits(): number {
    const start = this.i;
    while (this.i < this.text.length && this.text[this.i]! >= '0' && this.text[this.i]! <= '9')
      this.i++;
    return this.i - start;
  }

  private number(): void {
    const t = this.text;
    if (t[this.i] === '-') {
      this.i++;
      if (!(t[this.i]! >= '0' && t[this.i]! <= '9')) this.fail('in numeric literal');
    }
    if (t[this.i] === '0') this.i++;
    else this.digits();
    if (t[this.i] === '.') {
      this.i++;
      if (this.digits() === 0) this.fail('after decimal point in numeric literal');
    }
    if (t[this.i] === 'e' || t[this.i] === 'E') {
      this.i++;
      if (t[this.i] === '+' || t[this.i] === '-') this.i++;
      if (this.digits() === 0) this.fail('in exponent of numeric literal');
    }
  }

  private literal(word: string): void {
    this.i++;
    for (let k = 1; k < word.length; k++) {
      if (this.text[this.i] !== word[k]) this.fail(`in literal ${word} (expecting '${word[k]}')`);
      this.i++;
    }
  }
}

/** The first syntax error in Go's words, or undefined for valid JSON. */
export function findSyntaxError(text: string): ScanError | undefined {
  try {
    new Scanner(text).run();
    return undefined;
  } catch (err) {
    if (err instanceof Failure) return err.error;
    throw err;
  }
}

/** Calls `visit` with the path and start offset of every value of a valid document. */
export function visitValues(text: string, visit: ValueVisitor): void {
  try {
    new Scanner(text, visit).run();
  } catch (err) {
    if (!(err instanceof Failure)) throw err;
  }
}
