import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../src/errors.js';
import {
  checkExpression,
  evalCondition,
  evalConditions,
  evaluate,
  expressionVariables,
  parseExpression,
} from '../../src/vars/condition/index.js';
import type { Vars } from '../../src/vars/types.js';

const vars: Vars = {
  a: true,
  b: false,
  c: true,
  n: 5,
  f: 2.5,
  s: 'hello',
  empty: '',
  zero: 0,
  none: null,
  list: [1, 2, 3],
  strs: ['x', 'y'],
  nested: { k: { deep: [10, 20, { leaf: 'ok' }] }, 'dash-key': 1 },
  emptyList: [],
  emptyDict: {},
  ansible_distribution: 'Ubuntu',
  ansible_distribution_major_version: '22',
};

const run = (src: string, v: Vars = vars): unknown => evaluate(parseExpression(src), v);

describe('literals', () => {
  it.each([
    ['1', 1],
    ['-1', -1],
    ['2.5', 2.5],
    ['1e3', 1000],
    ["'single'", 'single'],
    ['"double"', 'double'],
    ["'it\\'s'", "it's"],
    ['"a\\"b"', 'a"b'],
    ["'tab\\tnew\\nline'", 'tab\tnew\nline'],
    ["'\\x41\\u00e9'", 'Aé'],
    ["'\\d+'", '\\d+'],
    ['true', true],
    ['True', true],
    ['false', false],
    ['False', false],
    ['none', null],
    ['None', null],
    ['null', null],
    ['[]', []],
    ['[1, "two", [3]]', [1, 'two', [3]]],
    ['[1, 2,]', [1, 2]],
    ["{'k': 1, \"j\": [2]}", { k: 1, j: [2] }],
    ['{}', {}],
    ['(1, 2)', [1, 2]],
    ['(1,)', [1]],
    ['(1)', 1],
  ])('%s -> %j', (src, expected) => {
    expect(run(src)).toEqual(expected);
  });
});

describe('names and access', () => {
  it.each([
    ['s', 'hello'],
    ['nested.k.deep', [10, 20, { leaf: 'ok' }]],
    ['nested.k.deep[1]', 20],
    ['nested.k.deep.1', 20],
    ['nested.k.deep[-1].leaf', 'ok'],
    ["nested['k']['deep'][2]['leaf']", 'ok'],
    ["nested['dash-key']", 1],
    ['list[n - 4]', 2],
    ["{'a': {'b': 1}}.a.b", 1],
    ['[[1, 2], [3]][0][1]', 2],
    ["'abc'[1]", 'b'],
    ['s[-1]', 'o'],
  ])('%s -> %j', (src, expected) => {
    expect(run(src)).toEqual(expected);
  });
});

describe('operators', () => {
  it.each([
    // comparison
    ['n == 5', true],
    ['n != 5', false],
    ['n < 6', true],
    ['n > 6', false],
    ['n <= 5', true],
    ['n >= 6', false],
    ["s == 'hello'", true],
    ["'a' < 'b'", true],
    ['[1, 2] < [1, 3]', true],
    ['list == [1, 2, 3]', true],
    ["{'a': 1} == {'a': 1}", true],
    ["'1' == 1", false],
    ['none == None', true],
    ["ansible_distribution_major_version >= '20'", true],
    // membership
    ['2 in list', true],
    ['4 in list', false],
    ['4 not in list', true],
    ["'ell' in s", true],
    ["'k' in nested", true],
    ["'zz' not in nested", true],
    ["ansible_distribution in ['Ubuntu', 'Debian']", true],
    // logic (Python: and/or return the deciding operand)
    ['a and b', false],
    ['a or b', true],
    ['not a', false],
    ['not b', true],
    ['not not a', true],
    ['s and n', 5],
    ['empty or s', 'hello'],
    ['zero or empty', ''],
    ['none and undefined_is_never_read', null],
    ['a or undefined_is_never_read', true],
    // arithmetic
    ['n + 1', 6],
    ['n - 7', -2],
    ['n * 2', 10],
    ['n / 2', 2.5],
    ['n // 2', 2],
    ['-n // 2', -3],
    ['n % 3', 2],
    ['-7 % 3', 2],
    ['f * 2', 5],
    ["s + ' world'", 'hello world'],
    ['list + [4]', [1, 2, 3, 4]],
    ['-(n)', -5],
    ['+n', 5],
    // concatenation as text
    ["s ~ '-' ~ n", 'hello-5'],
    ['n ~ none ~ a', '5true'],
    ['list ~ ""', '[1,2,3]'],
  ])('%s -> %j', (src, expected) => {
    expect(run(src)).toEqual(expected);
  });
});

describe('precedence', () => {
  it.each([
    // not binds tighter than and; and tighter than or
    ['not a and b', false], // (not a) and b
    ['not b and c', true], // (not b) and c
    ['a or b and c', true], // a or (b and c)
    ['b and c or a', true], // (b and c) or a
    ['b or c and b', false], // b or (c and b)
    ['not (a and b)', true],
    ['(a or b) and b', false],
    // comparison binds tighter than not/and/or
    ['not n == 4', true],
    ['n == 5 and s == "hello"', true],
    ['n == 4 or n == 5', true],
    // arithmetic binds tighter than comparison; * before +; ~ between
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['n + 1 == 6', true],
    ['2 * 3 ~ 1', '61'],
    // filters and tests bind tighter than everything but access
    ['list | length > 2', true],
    ['-n | abs', 5],
    ['n + list | length', 8],
    ['not s is defined', false],
    ['s | upper is string', true],
    ['nested.k.deep[2].leaf | upper', 'OK'],
  ])('%s -> %j', (src, expected) => {
    expect(run(src)).toEqual(expected);
  });

  it('~ binds tighter than + (as in Jinja): 1 + 2 ~ 3 is 1 + "23"', () => {
    expect(() => run('1 + 2 ~ 3')).toThrow(/unsupported operand types for \+: 'int' and 'str'/);
    expect(run('(1 + 2) ~ 3')).toBe('33');
  });
});

describe('evalCondition', () => {
  it.each([
    [true, true],
    [false, false],
    [1, true],
    [0, false],
    ['a', true],
    ['b', false],
    ['s', true],
    ['empty', false],
    ['zero', false],
    ['none', false],
    ['emptyList', false],
    ['emptyDict', false],
    ['list', true],
    ['nested', true],
    ['{{ a }}', true],
    ['{{ n > 10 }}', false],
    ['  {{ b or c }}  ', true],
    ["ansible_distribution == 'Ubuntu' and ansible_distribution_major_version | int >= 20", true],
  ] as const)('%j -> %s', (cond, expected) => {
    expect(evalCondition(cond, vars)).toBe(expected);
  });

  it('evaluates the same text against new variables each time (the cache holds only the parse)', () => {
    expect(evalCondition('x == 1', { x: 1 })).toBe(true);
    expect(evalCondition('x == 1', { x: 2 })).toBe(false);
  });

  it('refuses templates inside a condition', () => {
    expect(() => evalCondition("{{ s }} == 'hello'", vars)).toThrow(/templates are not needed in conditions/);
    expect(() => evalCondition("s == '{{ other }}'", vars)).toThrow(/templates are not needed in conditions/);
  });

  it('refuses an empty condition', () => {
    expect(() => evalCondition('  ', vars)).toThrow(/empty condition/);
    expect(() => evalCondition('{{ }}', vars)).toThrow(/empty condition/);
  });
});

describe('evalConditions', () => {
  it.each([
    [[], true],
    [['a'], true],
    [['a', 'c'], true],
    [['a', 'b'], false],
    [[true, 'n == 5'], true],
    [[false, 'n == 5'], false],
  ] as const)('%j -> %s', (conds, expected) => {
    expect(evalConditions([...conds], vars)).toBe(expected);
  });

  it('stops at the first false condition', () => {
    expect(evalConditions(['x is defined', 'x > 1'], {})).toBe(false);
    expect(() => evalConditions(['true', 'x > 1'], {})).toThrow(/undefined variable 'x'/);
  });
});

describe('checkExpression and expressionVariables', () => {
  it.each([
    ['a', ['a']],
    ['a.b.c == d[e]', ['a', 'd', 'e']],
    ["x is defined and x | default(y) in ['k', z]", ['x', 'y', 'z']],
    ['true and none', []],
    ["r is changed or 'a' in groups.all", ['r', 'groups']],
    ["{{ inventory_hostname == groups['master'][0] }}", ['inventory_hostname', 'groups']],
  ])('%s -> %j', (src, expected) => {
    expect(() => checkExpression(src)).not.toThrow();
    expect(expressionVariables(src)).toEqual(expected);
  });

  it('checkExpression needs no variables and reports syntax errors', () => {
    expect(() => checkExpression('x ==')).toThrow(TemplateError);
    expect(() => checkExpression('x | nosuchfilter')).toThrow(/unknown filter 'nosuchfilter'/);
  });
});
