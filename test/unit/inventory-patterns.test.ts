import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { limitHosts, matchesPattern, parseInventoryText, selectHosts, splitPatterns } from '../../src/inventory/index.js';
import { makeTree, validationText } from './inventory-helpers.js';

// The expected host sets were checked with `ansible PATTERN -i ... --list-hosts` (ansible-core
// 2.14); tsplay lists them in inventory order, where Ansible lists them in pattern order.
const inv = parseInventoryText(
  `
a1
a.example.com
b.example.org
[web]
w1
w2
w3
[db]
d1
w2
[web:children]
sub
[sub]
s1
[dup]
web
[x1]
y1
[dup2]
x1
`,
  'hosts',
  'ini',
);
// inventory order: a1, a.example.com, b.example.org, w1, w2, w3, d1, s1, web, y1, x1

describe('selectHosts', () => {
  const all = ['a1', 'a.example.com', 'b.example.org', 'w1', 'w2', 'w3', 'd1', 's1', 'web', 'y1', 'x1'];
  const cases: Array<[string | string[], string[]]> = [
    ['all', all],
    ['*', all],
    ['w1', ['w1']],
    ['db', ['w2', 'd1']],
    ['sub', ['s1']],
    ['ungrouped', ['a1', 'a.example.com', 'b.example.org']],
    // a word that names a host means the host, even when a group has that name
    ['web', ['web']],
    ['x1', ['x1']],
    ['dup', ['web']],
    // globs match groups (all their hosts) and hosts
    ['w*', ['w1', 'w2', 'w3', 's1', 'web']],
    ['*.example.com', ['a.example.com']],
    ['su?', ['s1']],
    ['w[!1]', ['w2', 'w3']],
    ['w[12]', []], // a number in brackets is a subscript (of "w"), not a character class
    ['w[1-2]', ['w1', 'w2']],
    // regexes are anchored at the start only, like Python's re.match
    ['~w[12]', ['w1', 'w2']],
    ['~d', ['w2', 'd1', 'web', 'x1']], // groups db, dup, dup2 and host d1
    ['~(a|b)\\.example', ['a.example.com', 'b.example.org']],
    ['~\\.com$', []],
    // unions, intersections, exclusions
    ['db:sub', ['w2', 'd1', 's1']],
    ['db,sub', ['w2', 'd1', 's1']],
    [['db', 'sub'], ['w2', 'd1', 's1']],
    ['d1:w1', ['w1', 'd1']],
    ['w*:&db', ['w2']],
    ['w*:!w2', ['w1', 'w3', 's1', 'web']],
    ['!db', ['a1', 'a.example.com', 'b.example.org', 'w1', 'w3', 's1', 'web', 'y1', 'x1']],
    ['&db', ['w2', 'd1']],
    ['x1,!y1', ['x1']],
    ['*.example.*:&a*', ['a.example.com', 'b.example.org']], // a* matches the group all
    ['sub:web:&db', []], // web is the host here
    // exclusions apply after every union, wherever they are written
    ['!w2:db:sub', ['d1', 's1']],
    ['db:!w2:sub', ['d1', 's1']],
    // subscripts (inclusive end, as Ansible's code does)
    ['db[0]', ['w2']],
    ['db[-1]', ['d1']],
    ['w*[0:2]', ['w1', 'w2', 'w3']],
    ['w*[1:]', ['w2', 'w3', 's1', 'web']],
    ['w*[0:0]', ['w1']],
    ['db[9]', []],
    ['w*[1:2],d1', ['w2', 'w3', 'd1']],
    // nothing
    ['nothing', []],
    ['', []],
  ];
  it.each(cases)('%j', (pattern, expected) => {
    expect(selectHosts(inv, pattern)).toEqual(expected);
  });

  it('matches IPv6 hosts given as one pattern', () => {
    const v6 = parseInventoryText('::1\nfe80::1\n', 'hosts', 'ini');
    expect(selectHosts(v6, 'fe80::1')).toEqual(['fe80::1']);
    expect(selectHosts(v6, '::1,fe80::1')).toEqual(['::1', 'fe80::1']);
  });

  it('refuses a broken regex with a ValidationError', async () => {
    expect(await validationText(() => selectHosts(inv, '~(web'))).toMatch(/invalid regular expression in host pattern "~\(web"/);
  });

  it('matchesPattern tells whether one host is selected', () => {
    expect(matchesPattern(inv, 'w2', 'db:!d1')).toBe(true);
    expect(matchesPattern(inv, 'd1', 'db:!d1')).toBe(false);
  });
});

describe('splitPatterns', () => {
  const cases: Array<[string, string[]]> = [
    ['a:b', ['a', 'b']],
    ['a, b ,', ['a', 'b']],
    ['web[0:2]:db', ['web[0:2]', 'db']],
    ['a:&b:!c', ['a', '&b', '!c']],
    ['fe80::1', ['fe80::1']],
    ['[::1]:22', ['[::1]:22']],
  ];
  it.each(cases)('%s', (pattern, parts) => {
    expect(splitPatterns(pattern)).toEqual(parts);
  });
});

describe('limitHosts (--limit)', () => {
  const play = selectHosts(inv, 'all');
  const cases: Array<[string, string[]]> = [
    ['db', ['w2', 'd1']],
    ['!w*', ['a1', 'a.example.com', 'b.example.org', 'd1', 'y1', 'x1']],
    ['w1,d1', ['w1', 'd1']],
    ['db:&w*', ['w2']],
    ['nothing', []],
  ];
  it.each(cases)('%s', (limit, expected) => {
    expect(limitHosts(inv, play, limit)).toEqual(expected);
  });

  it('keeps the order of the hosts it is given', () => {
    expect(limitHosts(inv, ['d1', 'w2', 'w1'], 'db')).toEqual(['d1', 'w2']);
  });

  it('never adds hosts that the play does not have', () => {
    expect(limitHosts(inv, ['w1'], 'all')).toEqual(['w1']);
  });

  it('reads @file: one host or pattern per line, blank lines ignored', () => {
    const root = makeTree({ 'retry': 'w1\n\n  d1  \nsub\n' });
    expect(limitHosts(inv, play, `@${join(root, 'retry')}`)).toEqual(['w1', 'd1', 's1']);
    expect(limitHosts(inv, play, `@${join(root, 'retry')},a1`)).toEqual(['a1', 'w1', 'd1', 's1']);
  });

  it('refuses a missing or directory @file', async () => {
    expect(await validationText(() => limitHosts(inv, play, '@/nonexistent/tsplay.retry'))).toMatch(/cannot read limit file/);
    const root = makeTree({ 'dir/': '' });
    expect(await validationText(() => limitHosts(inv, play, `@${join(root, 'dir')}`))).toMatch(/must be a file, not a directory/);
  });
});
