import { describe, expect, it } from 'vitest';
import { expandHostRange, parseHostAddress } from '../../src/inventory/host-range.js';
import { tokenizeHostLine } from '../../src/inventory/ini-tokens.js';
import { parseIniValue } from '../../src/inventory/python-literal.js';

// Expected values were checked against ansible-inventory 2.14 (ast.literal_eval), except the
// lowercase true/false row, where tsplay deliberately gives booleans.
describe('parseIniValue (Python literals, as Ansible reads INI values)', () => {
  const cases: Array<[string, unknown]> = [
    ['22', 22],
    ['-3', -3],
    ['+4', 4],
    ['1.5', 1.5],
    ['1e3', 1000],
    ['.5', 0.5],
    ['0x10', 16],
    ['0o17', 15],
    ['0b101', 5],
    ['1_000', 1000],
    ['010', '010'], // Python 3 rejects leading zeros: stays text
    ['12345678901234567890', '12345678901234567890'], // too big for a JS number: keep every digit
    ['True', true],
    ['False', false],
    ['None', null],
    ['true', true],
    ['false', false],
    ['yes', 'yes'],
    ['TRUE', 'TRUE'],
    ["'q'", 'q'],
    ['"a b"', 'a b'],
    ['"tab\\there"', 'tab\there'],
    ["'it''s'", 'its'], // adjacent literals concatenate
    ['[1, 2]', [1, 2]],
    ['[1, "x y", [True]]', [1, 'x y', [true]]],
    ['(1, 2)', [1, 2]],
    ['(1)', 1],
    ["{'a': [1, 'b'], 2: None}", { a: [1, 'b'], '2': null }],
    ['{}', {}],
    ['[]', []],
    ['{k:1}', '{k:1}'], // a bare name is not a literal
    ['[1,x y]', '[1,x y]'],
    ['{1, 2}', '{1, 2}'], // sets are not supported: text
    ['1.2.3', '1.2.3'],
    ['12ab', '12ab'],
    ['a=b', 'a=b'],
    ['', ''],
    ['hello world', 'hello world'],
    ['"unterminated', '"unterminated'],
  ];
  it.each(cases)('%j -> %j', (text, expected) => {
    expect(parseIniValue(text)).toEqual(expected);
  });
});

describe('tokenizeHostLine (shell-like words)', () => {
  const cases: Array<[string, string[]]> = [
    ['web1', ['web1']],
    ['web1 a=1  b=2', ['web1', 'a=1', 'b=2']],
    ['h foo="a b" bar=\'c d\'', ['h', 'foo=a b', 'bar=c d']],
    ['h d=\'{"k": 1}\'', ['h', 'd={"k": 1}']],
    ['h msg="say \\"hi\\""', ['h', 'msg=say "hi"']],
    ['h path=a\\ b', ['h', 'path=a b']],
    ["h s='no \\escape'", ['h', 's=no \\escape']],
    ['h a=1 # comment b=2', ['h', 'a=1']],
    ['h pass=abc#def', ['h', 'pass=abc#def']], // "#" inside a word is kept
    ['h x="# not a comment"', ['h', 'x=# not a comment']],
    ['h e=""', ['h', 'e=']],
  ];
  it.each(cases)('%s', (line, words) => {
    expect(tokenizeHostLine(line).map((t) => t.text)).toEqual(words);
  });

  it('reports the offset of each word', () => {
    expect(tokenizeHostLine('  web1   a=1').map((t) => t.offset)).toEqual([2, 9]);
  });

  it.each([
    ['h a="open', /no closing " quote/],
    ["h a='open", /no closing ' quote/],
    ['h a=b\\', /backslash/],
  ])('refuses %s', (line, message) => {
    expect(() => tokenizeHostLine(line)).toThrow(message);
  });
});

describe('expandHostRange', () => {
  const cases: Array<[string, string[]]> = [
    ['web1', ['web1']],
    ['node[1:3]', ['node1', 'node2', 'node3']],
    ['node[01:03]', ['node01', 'node02', 'node03']],
    ['node[08:11]', ['node08', 'node09', 'node10', 'node11']],
    ['n[1:10:3]', ['n1', 'n4', 'n7', 'n10']],
    ['n[:2]', ['n0', 'n1', 'n2']],
    ['[a:c].example.com', ['a.example.com', 'b.example.com', 'c.example.com']],
    ['x[y:B]', ['xy', 'xz', 'xA', 'xB']], // Ansible walks a-z then A-Z
    ['h[a:e:2]', ['ha', 'hc', 'he']],
    ['r[1:2]n[a:b]', ['r1na', 'r1nb', 'r2na', 'r2nb']],
    ['db-[1:2]-east', ['db-1-east', 'db-2-east']],
  ];
  it.each(cases)('%s', (pattern, names) => {
    expect(expandHostRange(pattern)).toEqual(names);
  });

  it.each([
    ['h[3:1]', /begin <= end/],
    ['h[c:a]', /begin <= end/],
    ['h[01:3]', /same width/],
    ['h[1:]', /no end value/],
    ['h[1:2:3:4]', /bad host range/],
    ['h[1:5:0]', /bad step/],
    ['h[1:x]', /mixes letters and numbers/],
  ])('refuses %s', (pattern, message) => {
    expect(() => expandHostRange(pattern)).toThrow(message);
  });
});

describe('parseHostAddress', () => {
  const cases: Array<[string, { host: string; port?: number }]> = [
    ['web1', { host: 'web1' }],
    ['web1:2222', { host: 'web1', port: 2222 }],
    ['127.0.0.1:22', { host: '127.0.0.1', port: 22 }],
    ['node[01:10]', { host: 'node[01:10]' }],
    ['node[01:10]:2200', { host: 'node[01:10]', port: 2200 }],
    ['::1', { host: '::1' }],
    ['fe80::1:2', { host: 'fe80::1:2' }],
    ['[::1]:2222', { host: '::1', port: 2222 }],
    ['[::1]', { host: '::1' }],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseHostAddress(text)).toEqual(expected);
  });

  it.each([['web1:'], ['web1:ssh'], ['a:b:c'], ['web1:70000']])('refuses %s', (text) => {
    expect(() => parseHostAddress(text)).toThrow(/bad (host|port)/);
  });
});
