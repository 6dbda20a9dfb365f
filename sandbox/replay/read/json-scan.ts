// Checks that a text is JSON exactly as JSON.parse would accept it, without building the value, and
// finds where chosen members of a top-level object are. The replayer needs only that a line is
// valid JSON (bronze marks the ones that are not) and two of its members (the key and the event
// time); building the whole object with JSON.parse was most of the replayer's cost per record.
// It reads the UTF-8 bytes, not a string: indexing bytes is several times faster than charCodeAt
// on a slice of a decoded buffer, and every JSON token outside strings is ASCII, so a byte that is
// not ASCII is valid exactly where a decoded character that is not ASCII would be: inside strings.
// Tests compare every answer with JSON.parse on mutated sample lines.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function isHex(c: number): boolean {
  return (c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** The escapes JSON allows after a backslash, besides `u`: " \ / b f n r t. */
function isSimpleEscape(c: number): boolean {
  return c === QUOTE || c === BACKSLASH || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74;
}

/**
 * One scanner per set of wanted member names (a stream's key and event-time fields). `scan` answers
 * for one text at a time; `member` then reads a wanted member's value from that text.
 */
export class JsonMemberScanner {
  /** Start and end (exclusive) of each wanted member's value in the last text scanned, or -1. */
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private bytes: Buffer = Buffer.alloc(0);
  /** The same bytes as a string when they are all ASCII (positions then line up), else undefined. */
  private asciiText: string | undefined;
  /** The wanted names as UTF-8, compared with keys byte by byte. */
  private readonly nameBytes: Buffer[];
  /** Container kinds of the open nesting levels: 1 object, 2 array. Grows for deep texts. */
  private stack = new Uint8Array(64);
  /** Whether the last string stringEnd read had an escape. */
  private sawEscape = false;
  /** The wanted member the last key read named, or -1. */
  private keyMember = -1;

  constructor(readonly names: readonly string[]) {
    this.starts = new Int32Array(names.length).fill(-1);
    this.ends = new Int32Array(names.length).fill(-1);
    this.nameBytes = names.map((name) => Buffer.from(name, 'utf8'));
  }

  /**
   * True when the UTF-8 `bytes` are one JSON value, as JSON.parse would accept their text. When
   * they are an object, the wanted members found at its top level (the last one when a name
   * repeats, as JSON.parse keeps) can then be read with `member`. `asciiText` is the same bytes
   * decoded, when they are all ASCII and the caller has that string anyway: members are then
   * sliced from it instead of decoded again.
   */
  scan(bytes: Buffer, asciiText?: string): boolean {
    this.bytes = bytes;
    this.asciiText = asciiText;
    const text = bytes;
    this.starts.fill(-1);
    this.ends.fill(-1);
    const n = text.length;
    let depth = 0;
    /** The wanted member whose value is being read at the top level, or -1. */
    let memberIndex = -1;
    let i = skipWhitespace(text, 0);
    for (;;) {
      // A value starts at i.
      if (i >= n) return false;
      let c = text[i]!;
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (depth === this.stack.length) {
          const grown = new Uint8Array(this.stack.length * 2);
          grown.set(this.stack);
          this.stack = grown;
        }
        const kind = c === OPEN_OBJECT ? 1 : 2;
        this.stack[depth++] = kind;
        i = skipWhitespace(text, i + 1);
        if (i >= n) return false;
        c = text[i]!;
        if ((kind === 1 && c === CLOSE_OBJECT) || (kind === 2 && c === CLOSE_ARRAY)) {
          depth--;
          i++;
        } else if (kind === 1) {
          i = this.memberKey(i, depth);
          if (i < 0) return false;
          if (depth === 1) memberIndex = this.keyMember;
          continue;
        } else {
          continue;
        }
      } else if (c === QUOTE) {
        i = this.stringEnd(i);
        if (i < 0) return false;
      } else if (c === MINUS || isDigit(c)) {
        i = numberEnd(text, i);
        if (i < 0) return false;
      } else if (c === 0x74 && text[i + 1] === 0x72 && text[i + 2] === 0x75 && text[i + 3] === 0x65) {
        i += 4;
      } else if (c === 0x66 && text[i + 1] === 0x61 && text[i + 2] === 0x6c && text[i + 3] === 0x73 && text[i + 4] === 0x65) {
        i += 5;
      } else if (c === 0x6e && text[i + 1] === 0x75 && text[i + 2] === 0x6c && text[i + 3] === 0x6c) {
        i += 4;
      } else {
        return false;
      }
      // A value ended at i: close the containers it ended and find where the next value starts.
      for (;;) {
        if (depth === 1 && memberIndex >= 0) {
          this.ends[memberIndex] = i;
          memberIndex = -1;
        }
        i = skipWhitespace(text, i);
        if (depth === 0) return i === n;
        if (i >= n) return false;
        c = text[i]!;
        const kind = this.stack[depth - 1];
        if (c === COMMA) {
          i = skipWhitespace(text, i + 1);
          if (kind === 1) {
            i = this.memberKey(i, depth);
            if (i < 0) return false;
            if (depth === 1) memberIndex = this.keyMember;
          }
          break;
        }
        if ((kind === 1 && c === CLOSE_OBJECT) || (kind === 2 && c === CLOSE_ARRAY)) {
          depth--;
          i++;
          continue;
        }
        return false;
      }
    }
  }

  /**
   * The value of the wanted member `index` (its position in `names`) in the last text scanned, or
   * undefined when that text was not an object holding it. Strings without escapes and numbers
   * are read directly; anything else through JSON.parse of the member's own text.
   */
  member(index: number): unknown {
    const start = this.starts[index]!;
    const end = this.ends[index]!;
    if (start < 0 || end < 0) return undefined;
    const bytes = this.bytes;
    const c = bytes[start]!;
    if (c === QUOTE) {
      const escape = bytes.indexOf(BACKSLASH, start + 1);
      if (escape < 0 || escape >= end) return this.textOf(start + 1, end - 1);
    } else if (c === MINUS || isDigit(c)) {
      return Number(this.textOf(start, end));
    }
    return JSON.parse(this.textOf(start, end)) as unknown;
  }

  private textOf(start: number, end: number): string {
    return this.asciiText !== undefined ? this.asciiText.slice(start, end) : this.bytes.toString('utf8', start, end);
  }

  /** Reads `"key" :` at i and returns where the member's value starts, or -1; sets keyMember. */
  private memberKey(i: number, depth: number): number {
    const text = this.bytes;
    const n = text.length;
    if (i >= n || text[i] !== QUOTE) return -1;
    const end = this.stringEnd(i);
    if (end < 0) return -1;
    this.keyMember = depth === 1 && this.names.length > 0 ? this.wantedIndex(i, end, this.sawEscape) : -1;
    let at = skipWhitespace(text, end);
    if (at >= n || text[at] !== COLON) return -1;
    at = skipWhitespace(text, at + 1);
    if (this.keyMember >= 0) {
      this.starts[this.keyMember] = at;
      this.ends[this.keyMember] = -1;
    }
    return at;
  }

  /** Which wanted name the key string at [start, end) (quotes included) spells, or -1. */
  private wantedIndex(start: number, end: number, escaped: boolean): number {
    const bytes = this.bytes;
    // A key spelled with escapes equals a name only once decoded; that is rare, so it may cost more.
    if (escaped) return this.names.indexOf(JSON.parse(this.textOf(start, end)) as string);
    const length = end - start - 2;
    for (let w = 0; w < this.nameBytes.length; w++) {
      const name = this.nameBytes[w]!;
      if (name.length !== length) continue;
      let k = 0;
      while (k < length && bytes[start + 1 + k] === name[k]) k++;
      if (k === length) return w;
    }
    return -1;
  }

  /** The position after the string starting at the quote at i, or -1 when it is not a valid string. */
  private stringEnd(i: number): number {
    const text = this.bytes;
    const n = text.length;
    this.sawEscape = false;
    for (let at = i + 1; at < n; at++) {
      const c = text[at]!;
      if (c === QUOTE) return at + 1;
      if (c < 0x20) return -1;
      if (c === BACKSLASH) {
        this.sawEscape = true;
        if (at + 1 >= n) return -1;
        const e = text[at + 1]!;
        if (e === 0x75) {
          if (at + 5 >= n || !(isHex(text[at + 2]!) && isHex(text[at + 3]!) && isHex(text[at + 4]!) && isHex(text[at + 5]!))) return -1;
          at += 5;
        } else if (isSimpleEscape(e)) {
          at++;
        } else {
          return -1;
        }
      }
    }
    return -1;
  }
}

function skipWhitespace(bytes: Buffer, i: number): number {
  const n = bytes.length;
  while (i < n && isWhitespace(bytes[i]!)) i++;
  return i;
}

/** The position after the number starting at i (JSON's grammar: no leading zeros, no bare dot), or -1. */
function numberEnd(bytes: Buffer, i: number): number {
  const n = bytes.length;
  let at = i;
  if (bytes[at] === MINUS) at++;
  if (at >= n) return -1;
  const first = bytes[at]!;
  if (first === ZERO) at++;
  else if (isDigit(first)) {
    while (at < n && isDigit(bytes[at]!)) at++;
  } else return -1;
  if (at < n && bytes[at] === DOT) {
    at++;
    if (at >= n || !isDigit(bytes[at]!)) return -1;
    while (at < n && isDigit(bytes[at]!)) at++;
  }
  if (at < n && (bytes[at]! | 0x20) === 0x65) {
    at++;
    if (at < n && (bytes[at] === PLUS || bytes[at] === MINUS)) at++;
    if (at >= n || !isDigit(bytes[at]!)) return -1;
    while (at < n && isDigit(bytes[at]!)) at++;
  }
  return at;
}
