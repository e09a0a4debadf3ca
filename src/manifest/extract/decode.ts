// Text decoding of CSV bytes, whole or as a stream: BOM (UTF-8, UTF-16 LE/BE), else UTF-8 when the bytes are
// valid UTF-8, else Windows-1252. A stream that starts as valid UTF-8 and later is not switches to Windows-1252
// from that chunk on (an ASCII head reads the same in both).

export type TextEncodingName = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

// Windows-1252 0x80-0x9F (Node's decoder may hand these back as C1 control characters)
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const C1 = /[\u0080-\u009f]/g;

export function decodeWin1252(bytes: Uint8Array): string {
  const s = new TextDecoder('windows-1252').decode(bytes);
  return C1.test(s) ? s.replace(C1, (ch) => CP1252_HIGH[ch.charCodeAt(0) - 0x80]) : s;
}

/** The byte-order mark at the start of `b`, if any, and its length. */
export function bomOf(b: Uint8Array): { encoding: TextEncodingName; length: number } | undefined {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

/** UTF-16 without a BOM: a NUL in every other byte of an ASCII-heavy start. */
function utf16Guess(b: Uint8Array): TextEncodingName | undefined {
  const n = Math.min(b.length, 512) & ~1;
  if (n < 4) return undefined;
  let le = 0;
  let be = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] !== 0 && b[i + 1] === 0) le++;
    if (b[i] === 0 && b[i + 1] !== 0) be++;
  }
  if (le * 10 >= n * 4) return 'utf-16le';
  if (be * 10 >= n * 4) return 'utf-16be';
  return undefined;
}

/** UTF-8 when the bytes are valid UTF-8, else Windows-1252. BOM removed. */
export function decodeText(buf: Uint8Array): string {
  const bom = bomOf(buf);
  const bytes = bom ? buf.subarray(bom.length) : buf;
  if (bom && bom.encoding !== 'utf-8') return new TextDecoder(bom.encoding).decode(bytes);
  const u16 = bom ? undefined : utf16Guess(bytes);
  if (u16) return new TextDecoder(u16).decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return decodeWin1252(bytes);
  }
}

/** Length of the longest prefix of `b` that does not end inside a UTF-8 multi-byte sequence. */
function completeUtf8(b: Uint8Array): number {
  const n = b.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const c = b[n - back];
    if ((c & 0xc0) !== 0x80) {
      // a lead byte `back` bytes from the end: complete when its sequence fits
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
      return need > back ? n - back : n;
    }
  }
  return n;
}

/** What a decoded stream turned out to be, known once it has been read (for the manifest and the fast path). */
export interface DecodeInfo {
  encoding: TextEncodingName;
  bom: boolean;
}

/** Decode a byte stream to text chunks; `info` is filled as it goes. */
export async function* decodeStream(
  chunks: AsyncIterable<Uint8Array>,
  info: DecodeInfo = { encoding: 'utf-8', bom: false },
): AsyncGenerator<string> {
  let first = true;
  let carry: Uint8Array = new Uint8Array(0);
  let utf16: TextDecoder | undefined;
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  for await (const raw of chunks) {
    let b: Uint8Array = raw;
    if (first) {
      first = false;
      const bom = bomOf(b);
      if (bom) {
        info.bom = true;
        info.encoding = bom.encoding;
        b = b.subarray(bom.length);
        if (bom.encoding !== 'utf-8') utf16 = new TextDecoder(bom.encoding);
      } else {
        const u16 = utf16Guess(b);
        if (u16) {
          info.encoding = u16;
          utf16 = new TextDecoder(u16);
        }
      }
    }
    if (utf16) {
      const s = utf16.decode(b, { stream: true });
      if (s) yield s;
      continue;
    }
    if (carry.length) {
      const joined = new Uint8Array(carry.length + b.length);
      joined.set(carry);
      joined.set(b, carry.length);
      b = joined;
    }
    if (info.encoding === 'windows-1252') {
      carry = new Uint8Array(0);
      yield decodeWin1252(b);
      continue;
    }
    const end = completeUtf8(b);
    carry = b.slice(end);
    try {
      const s = utf8.decode(b.subarray(0, end));
      if (s) yield s;
    } catch {
      info.encoding = 'windows-1252';
      const s = decodeWin1252(b);
      carry = new Uint8Array(0);
      if (s) yield s;
    }
  }
  if (utf16) {
    const s = utf16.decode();
    if (s) yield s;
  } else if (carry.length) {
    yield info.encoding === 'utf-8' ? decodeText(carry) : decodeWin1252(carry);
  }
}
