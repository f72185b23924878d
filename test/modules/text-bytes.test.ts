import { describe, expect, it } from 'vitest';
import { decodeSurrogateEscape, encodeSurrogateEscape, readLines, splitLinesKeepEnds } from '../../src/modules/lib/byte-text.js';

/** How Python splits and decodes file content (values from CPython 3.11). */
describe('byte-text', () => {
  it.each([
    ['a\nb\r\nc\rd', ['a\n', 'b\r\n', 'c\rd']],
    ['', []],
    ['\n\n', ['\n', '\n']],
  ])('readlines() of %j', (text, lines) => {
    expect(readLines(text)).toEqual(lines);
  });

  it.each([
    ['a\rb\r\nc\n\nd', ['a\r', 'b\r\n', 'c\n', '\n', 'd']],
    ['', []],
    ['x', ['x']],
  ])('splitlines(True) of %j', (text, lines) => {
    expect(splitLinesKeepEnds(text)).toEqual(lines);
  });

  it.each([
    [[0x61, 0xff, 0xc3, 0xa9, 0xe2, 0x82], 'a\udcff\u00e9\udce2\udc82'],
    [[0xed, 0xa0, 0x80, 0x78, 0xf0, 0x9f, 0x98, 0x80, 0xc0, 0xaf], '\udced\udca0\udc80x\u{1f600}\udcc0\udcaf'],
    [[0xef, 0xbf, 0xbd], '\ufffd'],
  ])('surrogateescape decodes %j and encodes it back', (bytes, text) => {
    const buf = Buffer.from(bytes);
    expect(decodeSurrogateEscape(buf)).toBe(text);
    expect(encodeSurrogateEscape(text)).toEqual(buf);
  });
});
