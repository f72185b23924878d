import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../src/errors.js';
import { evaluate, parseExpression } from '../../src/vars/condition/index.js';
import { FILTERS } from '../../src/vars/condition/filters.js';
import type { Vars } from '../../src/vars/types.js';

const vars: Vars = {
  s: '  Hello World  ',
  word: 'abc',
  csv: 'a,b,,c',
  list: [3, 1, 2, 3],
  words: ['b', 'A', 'c'],
  nested: [[1, [2]], [3]],
  dict: { a: 1, b: 2 },
  users: [
    { name: 'zed', uid: 2, groups: { main: 'z' } },
    { name: 'amy', uid: 1, groups: { main: 'a' } },
  ],
  json: '{"k": [1, 2]}',
  path: '/etc/kubernetes/admin.conf',
  empty: [],
  none: null,
  stdout: 'Server Version: 24.0.7\nStorage Driver: overlay2',
};

const run = (src: string): unknown => evaluate(parseExpression(src), vars);

const TABLE: Array<[string, unknown]> = [
  ['list | length', 4],
  ['word | length', 3],
  ['dict | length', 2],
  ['list | count', 4],
  ["'42' | int", 42],
  ["'3.7' | int", 3],
  ["'x' | int", 0],
  ["'x' | int(7)", 7],
  ["'0x1F' | int(base=16)", 31],
  ["'ff' | int(0, 16)", 255],
  ['true | int', 1],
  ["'2.5' | float", 2.5],
  ["'x' | float(1.5)", 1.5],
  ["'yes' | bool", true],
  ["'on' | bool", true],
  ["'1' | bool", true],
  ["'true' | bool", true],
  ["'True' | bool", true],
  ["'y' | bool", true],
  ['1 | bool', true],
  ["'no' | bool", false],
  ["'off' | bool", false],
  ["'0' | bool", false],
  ['0 | bool', false],
  ["'whatever' | bool", false],
  ['none | bool', false],
  ['5 | string', '5'],
  ['list | string', '[3,1,2,3]'],
  ['s | lower', '  hello world  '],
  ['s | upper', '  HELLO WORLD  '],
  ['s | trim', 'Hello World'],
  ["missing | default('fb')", 'fb'],
  ['missing | default', ''],
  ['missing.deep.er | default(1)', 1],
  ['list | default(0)', [3, 1, 2, 3]],
  ['none | default(1)', null],
  ["'' | default('fb')", ''],
  ["'' | default('fb', true)", 'fb'],
  ["'' | default('fb', boolean=true)", 'fb'],
  ['empty | default([0], true)', [0]],
  ["missing | d('short')", 'short'],
  ['list | first', 3],
  ['list | last', 3],
  ['word | first', 'a'],
  ['empty | first | default(9)', 9],
  ['word | list', ['a', 'b', 'c']],
  ['dict | list', ['a', 'b']],
  ['list | join', '3123'],
  ["list | join(',')", '3,1,2,3'],
  ["csv | split(',')", ['a', 'b', '', 'c']],
  ['s | split', ['Hello', 'World']],
  ["word | replace('b', 'B')", 'aBc'],
  ["stdout | regex_search('Server Version: (\\S+)')", 'Server Version: 24.0.7'],
  ["stdout | regex_search('nothing')", null],
  ["stdout | regex_search('^storage', ignorecase=true, multiline=true)", 'Storage'],
  ["path | regex_replace('^/etc', '/opt')", '/opt/kubernetes/admin.conf'],
  ["'v1.28.2' | regex_replace('^v(\\d+)\\.(\\d+).*$', '\\1.\\2')", '1.28'],
  ["word | regex_replace('b')", 'ac'],
  ["list | select('odd') | list", [3, 1, 3]],
  ["words | select('match', '[a-z]')", ['b', 'c']],
  ["[0, 1, '', 'x', none] | select", [1, 'x']],
  ["list | reject('odd')", [2]],
  ["list | reject('in', [1, 2])", [3, 3]],
  ["words | map('upper')", ['B', 'A', 'C']],
  ["words | map('replace', 'c', 'C')", ['b', 'A', 'C']],
  ["users | map(attribute='name')", ['zed', 'amy']],
  ["users | map(attribute='groups.main')", ['z', 'a']],
  ["users | map(attribute='shell', default='/bin/sh')", ['/bin/sh', '/bin/sh']],
  ['list | unique', [3, 1, 2]],
  ['list | sort', [1, 2, 3, 3]],
  ['list | sort(reverse=true)', [3, 3, 2, 1]],
  ['words | sort', ['A', 'b', 'c']],
  ['words | sort(case_sensitive=true)', ['A', 'b', 'c']],
  ["['b', 'a', 'C'] | sort", ['a', 'b', 'C']],
  ["['b', 'a', 'C'] | sort(case_sensitive=true)", ['C', 'a', 'b']],
  ["users | sort(attribute='uid') | map(attribute='name')", ['amy', 'zed']],
  ['list | reverse', [3, 2, 1, 3]],
  ['word | reverse', 'cba'],
  ['list | min', 1],
  ['list | max', 3],
  ['words | max', 'c'],
  ['empty | max | default(0)', 0],
  ['list | sum', 9],
  ['-5 | abs', 5],
  ['nested | flatten', [1, 2, 3]],
  ['nested | flatten(1)', [1, [2], 3]],
  ['list | difference([1])', [3, 2]],
  ['list | intersect([3, 9])', [3]],
  ['list | union([9])', [3, 1, 2, 9]],
  ['dict | dict2items', [{ key: 'a', value: 1 }, { key: 'b', value: 2 }]],
  ["dict | dict2items(key_name='k', value_name='v')", [{ k: 'a', v: 1 }, { k: 'b', v: 2 }]],
  ['dict | dict2items | items2dict', { a: 1, b: 2 }],
  ["[{'n': 'x', 'v': 1}] | items2dict('n', 'v')", { x: 1 }],
  ['json | from_json', { k: [1, 2] }],
  ['dict | to_json', '{"a":1,"b":2}'],
  ['path | basename', 'admin.conf'],
  ['path | dirname', '/etc/kubernetes'],
  ["'hi' | b64encode", 'aGk='],
  ["'aGk=' | b64decode", 'hi'],
  // chains
  ["stdout | regex_search('overlay\\d') == 'overlay2'", true],
  ["users | map(attribute='uid') | max == 2", true],
  ["csv | split(',') | select | list | length", 3],
];

describe('filters', () => {
  it.each(TABLE)('%s -> %j', (src, expected) => {
    expect(run(src)).toEqual(expected);
  });

  it('every filter has rows in the table', () => {
    const used = new Set(TABLE.flatMap(([src]) => [...src.matchAll(/\|\s*(\w+)/g)].map((m) => m[1])));
    expect(Object.keys(FILTERS).filter((name) => !used.has(name))).toEqual([]);
  });
});

describe('filter errors', () => {
  it.each([
    ['dict | join', "'join' needs a list, got dict"],
    ['5 | length', "object of type 'int' has no length"],
    ['list | upper', "'upper' needs a string, got list"],
    ["'{bad' | from_json", "'from_json':"],
    ["list | map('nosuch')", "unknown filter 'nosuch'"],
    ["list | select('nosuch')", "unknown test 'nosuch'"],
    ["users | map(attribute='shell')", "'map': an element has no attribute 'shell'"],
    ['[1, "a"] | sort', 'cannot compare str with int'],
    ["['a'] | sum", "'sum' needs numbers, got str"],
    ['empty | first', "'first' of an empty list or string has no value"],
    ['missing | upper', "undefined variable 'missing'"],
    ["word | regex_search('(')", "invalid regular expression '('"],
    ["'!!' | b64decode", 'b64decode: not base64 text'],
  ])('%s -> %s', (src, message) => {
    let err: unknown;
    try {
      run(src);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as Error).message).toContain(message);
  });

  it.each([
    ['list | join(1, 2)', "filter 'join' takes 0 to 1 argument(s), got 2"],
    ['list | replace', "filter 'replace' takes 2 argument(s), got 0"],
    ['list | sort(nope=1)', "filter 'sort' has no argument 'nope'"],
    ["list | default(1, default_value=2)", "argument 'default_value' given twice"],
    ['list | join(d=1, 2)', 'positional argument after a named one'],
    ["list | select('nosuchtest')", "unknown test 'nosuchtest'"],
    ["list | map('nosuchfilter')", "unknown filter 'nosuchfilter'"],
    ['list | nosuch', "unknown filter 'nosuch'"],
    ['list |', 'expected a filter name after |'],
  ])('%s is refused when parsed: %s', (src, message) => {
    expect(() => parseExpression(src)).toThrow(message);
  });
});
