import { describe, expect, it } from 'vitest';
import { binToText, textToBin } from '../../src/modules/lib/byte-text.js';
import { compilePy, PyRegex, type PyRegexMode } from '../../src/modules/lib/python-regex.js';
import { expandTemplate, parseTemplate } from '../../src/modules/lib/python-template.js';

/**
 * Python `re` semantics, carried over to JavaScript. Every expected value below was produced by
 * CPython 3.11's `re` (the Python of Debian's ansible-core 2.14) on the same input; bytes-mode
 * groups are shown one char per byte, as the edit functions hold them.
 */

type Expected = null | 'error' | [start: number, end: number, groups: (string | null)[]];

// [mode, pattern, subject, flags (m: MULTILINE, s: DOTALL), expected search result]
const searches: [PyRegexMode, string, string, string, Expected][] = [
  ["bytes", "^foo$", "foo\n", "", [0, 3, []]],
  ["bytes", "^foo$", "foo\r\n", "", null],
  ["bytes", "foo$", "foo\nbar", "", null],
  ["text", "^b", "a\nb\n", "m", [2, 3, []]],
  ["text", "a$", "a\nb\n", "m", [0, 1, []]],
  ["text", "a$", "a\r\nb\n", "m", null],
  ["text", "a.b", "a\nb", "", null],
  ["text", "a.b", "a\nb", "s", [0, 3, []]],
  ["text", "a.b", "a\rb", "", [0, 3, []]],
  ["bytes", "(?P<key>\\w+)=(?P<val>.*)", "name = x\nk=v\n", "", [9, 12, ["k", "v"]]],
  ["bytes", "(?P<k>a)(?P=k)", "xaa", "", [1, 3, ["a"]]],
  ["bytes", "\\d+", "ab 123", "", [3, 6, []]],
  ["text", "\\d+", "ab ١٢٣", "", [3, 6, []]],
  ["bytes", "\\w+", "été", "", [2, 3, []]],
  ["text", "\\w+", "été!", "", [0, 3, []]],
  ["text", "\\bé", "x é", "", [2, 3, []]],
  ["text", "(?a)\\w+", "été", "", [1, 2, []]],
  ["bytes", "a{2}", "aaa", "", [0, 2, []]],
  ["bytes", "a{,2}b", "aaab", "", [1, 4, []]],
  ["bytes", "a{", "a{", "", [0, 2, []]],
  ["bytes", "{foo}", "x{foo}", "", [1, 6, []]],
  ["bytes", "x{}", "x{}", "", [0, 3, []]],
  ["bytes", "[]a]+", "x]a]", "", [1, 4, []]],
  ["bytes", "[^]a]+", "]]bc", "", [2, 4, []]],
  ["bytes", "[\\w-]+", "#a-b_c#", "", [1, 6, []]],
  ["bytes", "[a\\-z]+", "q-az", "", [1, 4, []]],
  ["bytes", "[\\s\\S]+", "ab\ncd", "", [0, 5, []]],
  ["text", "[^\\W\\d]+", "12abc3", "", [2, 5, []]],
  ["text", "[\\S]+", "  ab cd ", "", [2, 4, []]],
  ["bytes", "\\Aab", "ab", "", [0, 2, []]],
  ["bytes", "ab\\Z", "ab\n", "", null],
  ["bytes", "ab\\Z", "ab", "", [0, 2, []]],
  ["bytes", "(?i)HeLLo", "say hello", "", [4, 9, []]],
  ["bytes", "(?x) a b  c # comment", "xabc", "", [1, 4, []]],
  ["bytes", "(?s:a.b)", "a\nb", "", [0, 3, []]],
  ["bytes", "(?m:^b)", "a\nb", "", [2, 3, []]],
  ["bytes", "\\x41\\101\\0", "AA\u0000", "", [0, 3, []]],
  ["bytes", "\\.\\*\\-\\#\\ \\\"", ".*-# \"", "", [0, 6, []]],
  ["bytes", "\\q", "q", "", 'error'],
  ["bytes", "(?<name>x)", "x", "", 'error'],
  ["bytes", "a(?#comment)b", "ab", "", [0, 2, []]],
  ["bytes", "(?<=a)b", "ab", "", [1, 2, []]],
  ["bytes", "(?<!a)b", "ab cb", "", [4, 5, []]],
  ["bytes", "a)", "a)", "", 'error'],
  ["bytes", "(a", "a", "", 'error'],
  ["bytes", "*a", "a", "", 'error'],
  ["bytes", "a(?i)b", "ab", "", 'error'],
  ["bytes", "(\\d+)\\.(\\d+)", "v 1.22", "", [2, 6, ["1", "22"]]],
  ["bytes", "\\1(a)", "aa", "", 'error'],
  ["bytes", "[z-a]", "a", "", 'error'],
  ["text", "caf.$", "café", "", [0, 4, []]],
  ["bytes", "caf.$", "café", "", null],
  ["bytes", "caf..$", "café", "", [0, 5, []]],
  ["bytes", "^\\s*#", "  # c\n", "", [0, 3, []]],
  ["bytes", "^\\s*#", " # c\n", "", null],
  ["text", "^\\s*#", " # c\n", "", [0, 2, []]],
  ["bytes", "\\bfoo\\b", "a foo.", "", [2, 5, []]],
  ["bytes", "\\Bo\\B", "foo", "", [1, 2, []]],
  ["text", "x*", "abxd", "", [0, 0, []]],
  ["bytes", "a|b|", "zz", "", [0, 0, []]],
  ["bytes", "[a-c[]+", "x[ab", "", [1, 4, []]],
  ["bytes", "\\$HOME", "echo $HOME", "", [5, 10, []]],
  ["bytes", "^127\\.0\\.0\\.1", "127.0.0.1 localhost\n", "", [0, 9, []]],
  ["bytes", "^#?PermitRootLogin\\s", "#PermitRootLogin yes\n", "", [0, 17, []]],
  ["bytes", "(?i)^selinux=", "SELINUX=enforcing\n", "", [0, 8, []]],
  ["text", "(?P<a>x)|(?P<b>y)", "y", "", [0, 1, [null, "y"]]],
  ["bytes", "\\t", "a\tb", "", [1, 2, []]],
  ["bytes", "[\\t]", "a\tb", "", [1, 2, []]],
  ["bytes", "[\\b]", "a\bb", "", [1, 2, []]],
  ["bytes", "a{2,1}", "aa", "", 'error'],
  ["bytes", "\\\\", "a\\b", "", [1, 2, []]],];

describe('Python regex search', () => {
  it.each(searches)('%s /%s/ on %j (%s)', (mode, pattern, subject, flags, expected) => {
    const conv = mode === 'bytes' ? textToBin : (s: string) => s;
    const re = compilePy(conv(pattern), mode, { multiline: flags.includes('m'), dotall: flags.includes('s') });
    if (expected === 'error') {
      expect(re).toHaveProperty('error');
      return;
    }
    if ('error' in re) throw new Error(re.error);
    const m = re.search(conv(subject));
    if (expected === null) {
      expect(m).toBeNull();
      return;
    }
    expect(m).not.toBeNull();
    const groups = Array.from({ length: re.groupCount }, (_, i) => m!.group(i + 1) ?? null);
    expect([m!.start, m!.end, groups]).toEqual(expected);
  });
});

// [pattern, replacement template, subject, expected [result, count] of re.subn with MULTILINE]
const subs: [string, string, string, [string, number] | 'error'][] = [
  ["x*", "-", "abxd", ["-a-b--d-", 5]],
  ["x*|a", "-", "a", ["---", 3]],
  ["a??", "-", "a", ["---", 3]],
  ["^", "# ", "a\nb\n", ["# a\n# b\n# ", 3]],
  ["$", ";", "a\nb\n", ["a;\nb;\n;", 3]],
  ["^(\\w+)=(.*)$", "\\2=\\1", "k=v\nx=y\n", ["v=k\ny=x\n", 2]],
  ["(?P<k>\\w+)=", "\\g<k>: ", "a=1 b=2", ["a: 1 b: 2", 2]],
  ["(a)|(b)", "[\\1\\2]", "ab", ["[a][b]", 2]],
  ["o", "\\n", "foo", ["f\n\n", 2]],
  ["o", "\\.", "foo", ["f\\.\\.", 2]],
  ["o", "\\q", "foo", "error"],
  ["(o)", "\\g<2>", "foo", "error"],
  ["(o)", "\\10", "foo", "error"],
  ["(o)", "\\101", "foo", ["fAA", 2]],
  ["(o)", "\\0", "foo", ["f\u0000\u0000", 2]],
  ["(o)", "\\g<0>\\g<0>", "foo", ["foooo", 2]],
  ["(o)", "\\", "foo", "error"],
  ["\\s+$", "", "a  \nb\t\n", ["a\nb", 2]],
  ["^#\\s*(Port)\\s+\\d+", "\\1 2222", "#Port 22\nPort 1\n", ["Port 2222\nPort 1\n", 1]],
  ["é", "e", "café\n", ["cafe\n", 1]],
  [".", "x", "a\nb", ["x\nx", 2]],
  ["(?s).", "x", "a\nb", ["xxx", 3]],
  ["\\bfoo\\b", "bar", "foo foobar foo", ["bar foobar bar", 2]],
  ["[^#\\n]+", "X", "ab#c\nd", ["X#X\nX", 3]],
];

describe('Python re.subn', () => {
  it.each(subs)('/%s/ -> %j on %j', (pattern, template, subject, expected) => {
    const run = () => {
      const re = new PyRegex(pattern, 'text', { multiline: true });
      const parts = parseTemplate(template, re);
      return re.subn(subject, (m) => expandTemplate(parts, m));
    };
    if (expected === 'error') expect(run).toThrow();
    else expect(run()).toEqual(expected);
  });
});

describe('bytes mode', () => {
  it('matches one byte per `.` and keeps invalid UTF-8 intact', () => {
    const re = new PyRegex(textToBin('caf..$'), 'bytes');
    const m = re.search(textToBin('café'));
    expect(m && binToText(m.group(0)!)).toBe('café');
    const raw = Buffer.from([0x61, 0xff, 0x62]).toString('latin1');
    expect(new PyRegex('a.b', 'bytes').search(raw)?.group(0)).toBe(raw);
  });

  it('reports the MULTILINE flag of an inline (?m)', () => {
    expect(new PyRegex('(?m)^a', 'bytes').flags.multiline).toBe(true);
    expect(new PyRegex('^a', 'bytes').flags.multiline).toBe(false);
  });
});
