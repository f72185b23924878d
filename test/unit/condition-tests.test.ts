import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../src/errors.js';
import { evaluate, parseExpression } from '../../src/vars/condition/index.js';
import { TESTS } from '../../src/vars/condition/predicates.js';
import type { Vars } from '../../src/vars/types.js';

const vars: Vars = {
  n: 4,
  f: 1.5,
  s: 'Hello World',
  t: true,
  fa: false,
  none: null,
  list: [1, 2, 3],
  dict: { a: 1 },
  changed_result: { changed: true, failed: false, rc: 0 },
  failed_result: { changed: false, failed: true, rc: 1 },
  skipped_result: { changed: false, skipped: true },
  unreachable_result: { unreachable: true },
  loop_result: { changed: true, results: [{ changed: true }, { changed: false }] },
  kube_version: '1.28.2',
  kernel: '5.15.0-91-generic',
  nested: { a: { b: 1 } },
};

const run = (src: string): unknown => evaluate(parseExpression(src), vars);

const TABLE: Array<[string, boolean]> = [
  // definedness (the subject may be undefined)
  ['n is defined', true],
  ['missing is defined', false],
  ['missing is undefined', true],
  ['missing is not defined', true],
  ['n is not defined', false],
  ['nested.a.b is defined', true],
  ['nested.a.x is defined', false],
  ['nested.x.y.z is defined', false],
  ['missing.y is defined', false],
  ['none.y is defined', false],
  ['list[7] is defined', false],
  ['list[0] is defined', true],
  ["dict['a'] is defined", true],
  ['none is defined', true],
  // types and values
  ['none is none', true],
  ['n is none', false],
  ['none is not none', false],
  ['t is true', true],
  ['1 is true', false],
  ['fa is false', true],
  ['0 is false', false],
  ['t is boolean', true],
  ['n is boolean', false],
  ['s is string', true],
  ['n is string', false],
  ['n is number', true],
  ['f is number', true],
  ["'4' is number", false],
  ['n is integer', true],
  ['f is integer', false],
  ['f is float', true],
  ['dict is mapping', true],
  ['list is mapping', false],
  ['list is iterable', true],
  ['s is iterable', true],
  ['dict is iterable', true],
  ['n is iterable', false],
  ['list is sequence', true],
  ['dict is sequence', false],
  ['n is even', true],
  ['n is odd', false],
  ['3 is odd', true],
  ['-3 is odd', true],
  ['n is divisibleby(2)', true],
  ['n is divisibleby 3', false],
  // registered results
  ['changed_result is changed', true],
  ['failed_result is changed', false],
  ['failed_result is failed', true],
  ['failed_result is failure', true],
  ['changed_result is failed', false],
  ['changed_result is succeeded', true],
  ['changed_result is success', true],
  ['failed_result is succeeded', false],
  ['skipped_result is skipped', true],
  ['changed_result is skipped', false],
  ['skipped_result is succeeded', true],
  ['unreachable_result is unreachable', true],
  ['loop_result is changed', true],
  ['changed_result is not changed', false],
  // regular expressions
  ["s is match('Hello')", true],
  ["s is match('World')", false],
  ["s is match('hello')", false],
  ["s is match('hello', ignorecase=true)", true],
  ["s is match('hello', true)", true],
  ["s is search('World')", true],
  ["s is search('^World')", false],
  ["s is search('w.rld', ignorecase=True)", true],
  ["s is regex('o W')", true],
  ["kernel is match('\\d+\\.\\d+')", true],
  ["kernel is match('(?P<major>\\d+)\\.')", true],
  ["'a\\nb' is search('^b')", false],
  ["'a\\nb' is search('^b', multiline=true)", true],
  ["s is not match('x')", true],
  // versions
  ["kube_version is version('1.28', '>=')", true],
  ["kube_version is version('1.28.2', '==')", true],
  ["kube_version is version('1.28.2')", true],
  ["kube_version is version('1.28.10', '<')", true],
  ["kube_version is version('1.28.10', 'lt')", true],
  ["kube_version is version('1.9', 'gt')", true],
  ["kube_version is version('v1.28.2', 'eq')", true],
  ["kube_version is version('1.29', 'ne')", true],
  ["kube_version is version('1.28.2', 'le')", true],
  ["kube_version is version('1.28.2', 'ge')", true],
  ["'1.28.0-rc.1' is version('1.28.0', '<')", true],
  ["kernel is version('5.4', '>')", true],
  ["kube_version is version_compare('1.27', '>')", true],
  ["kube_version is version(version='1.28.2', operator='==')", true],
  // sets and membership
  ['[1, 2] is subset(list)', true],
  ['[1, 9] is subset(list)', false],
  ['list is superset([3, 1])', true],
  ['list is superset([4])', false],
  ['2 is in(list)', true],
  ['9 is in list', false],
  ["'W' is in s", true],
  ['list is contains(3)', true],
  ['n is eq 4', true],
  ['n is equalto(4)', true],
  ['n is ne(4)', false],
  ['n is lt(5)', true],
  ['n is le(4)', true],
  ['n is gt(5)', false],
  ['n is ge(4)', true],
];

describe('tests', () => {
  it.each(TABLE)('%s -> %s', (src, expected) => {
    expect(run(src)).toBe(expected);
  });

  it('every test has rows in the table', () => {
    const used = new Set(TABLE.flatMap(([src]) => [...src.matchAll(/\bis (?:not )?(\w+)/g)].map((m) => m[1])));
    expect(Object.keys(TESTS).filter((name) => !used.has(name))).toEqual([]);
  });
});

describe('test errors', () => {
  it.each([
    ["list is match('x')", "'is match' needs a string, got list"],
    ['s is changed', "'is changed' needs a registered task result, got str"],
    ['missing is changed', "undefined variable 'missing'"],
    ["kube_version is version('1', 'about')", "version: unknown operator 'about'"],
    ["s is match('(')", "invalid regular expression '('"],
    ['s is even', "'is even' needs a number, got str"],
    ['n is subset(5)', "'is subset' needs a list, got int"],
    ['missing is none', "undefined variable 'missing'"],
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
});
