/**
 * Text the way Ansible's Python sees it.
 *
 * lineinfile and blockinfile work on bytes: we hold bytes as "binary strings", one JS char per byte
 * (latin1), so that Python's bytes regex semantics (ASCII classes, `.` matching one byte) and byte
 * comparisons carry over and any file, valid UTF-8 or not, round-trips unchanged.
 *
 * replace works on text decoded with `surrogateescape`: invalid bytes become lone surrogates
 * U+DC80..U+DCFF and turn back into the same bytes when written.
 */

export function bytesToBin(b: Buffer): string {
  return b.toString('latin1');
}

export function binToBytes(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

/** A user's string (an argument) as the bytes Python's `to_bytes` makes of it. */
export function textToBin(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

/** Bytes shown to a person (messages, diffs). */
export function binToText(s: string): string {
  return Buffer.from(s, 'latin1').toString('utf8');
}

/** `file.readlines()` in binary mode: split after every `\n`, keeping it. */
export function readLines(s: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const nl = s.indexOf('\n', start);
    if (nl < 0) break;
    lines.push(s.slice(start, nl + 1));
    start = nl + 1;
  }
  if (start < s.length) lines.push(s.slice(start));
  return lines;
}

/** `bytes.splitlines(True)`: ends at `\n`, `\r\n` or `\r`, kept. */
export function splitLinesKeepEnds(s: string): string[] {
  return s.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

/** Python's `bytes.decode('utf-8', 'surrogateescape')`. */
export function decodeSurrogateEscape(b: Buffer): string {
  const fast = b.toString('utf8');
  if (!fast.includes('\ufffd')) return fast;
  let out = '';
  let i = 0;
  while (i < b.length) {
    const n = validSequenceLength(b, i);
    if (n === 0) {
      out += String.fromCharCode(0xdc00 + b[i]);
      i++;
    } else {
      out += b.subarray(i, i + n).toString('utf8');
      i += n;
    }
  }
  return out;
}

/** Python's `str.encode('utf-8', 'surrogateescape')`. */
export function encodeSurrogateEscape(s: string): Buffer {
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of s.matchAll(/[\u{dc80}-\u{dcff}]/gu)) {
    parts.push(Buffer.from(s.slice(last, m.index), 'utf8'), Buffer.from([m[0].charCodeAt(0) - 0xdc00]));
    last = m.index + 1;
  }
  if (parts.length === 0) return Buffer.from(s, 'utf8');
  parts.push(Buffer.from(s.slice(last), 'utf8'));
  return Buffer.concat(parts);
}

/** Length of the well-formed UTF-8 sequence at `i` (RFC 3629: no overlongs, no surrogates), or 0. */
function validSequenceLength(b: Buffer, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k] >= lo && b[i + k] <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
