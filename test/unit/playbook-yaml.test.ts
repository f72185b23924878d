import { describe, expect, it } from 'vitest';
import { itemPosOf, keyPosOf, parseYaml, posAtPath, posOf, valuePosOf } from '../../src/playbook/yaml-source.js';

const F = '/x/site.yml';

describe('parseYaml: YAML 1.1 values as Ansible reads them', () => {
  const cases: Array<[string, unknown]> = [
    ['a: yes', { a: true }],
    ['a: No', { a: false }],
    ['a: on', { a: true }],
    ['a: "yes"', { a: 'yes' }],
    ['a: 0644', { a: 420 }],
    ['a: "0644"', { a: '0644' }],
    ['a: 0x1f', { a: 31 }],
    ['a: 1_000', { a: 1000 }],
    ['a: 1.10', { a: 1.1 }],
    ['a: "1.10"', { a: '1.10' }],
    // PyYAML keeps single letters as text (yaml's 1.1 schema would make them booleans)
    ['a: n', { a: 'n' }],
    ['a: [y, Y, N]', { a: ['y', 'Y', 'N'] }],
    // dates stay as written
    ['a: 2024-01-31', { a: '2024-01-31' }],
    ['a: ~', { a: null }],
    ['a:', { a: null }],
    ['yes: 1', { yes: 1 }],
    ['base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3', { base: { x: 1, y: 2 }, c: { x: 1, y: 3 } }],
    ['c:\n  <<: [{x: 1}, {x: 2, z: 2}]', { c: { x: 1, z: 2 } }],
    ['', null],
  ];
  it.each(cases)('%j', (text, expected) => {
    const r = parseYaml(text, F);
    expect(r.errors).toEqual([]);
    expect(r.value).toEqual(expected);
  });

  it('keeps a key named __proto__ as data', () => {
    const r = parseYaml('__proto__: {polluted: true}\n', F);
    const v = r.value as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
  });
});

describe('parseYaml: positions', () => {
  const text = [
    '- hosts: all', //          1
    '  vars:', //               2
    '    a: "quoted"', //       3
    '    b:', //                4
    '      - one', //           5
    '      - {k: v}', //        6
    '    c:', //                7
  ].join('\n');
  const r = parseYaml(text, F);
  const play = (r.value as unknown[])[0] as Record<string, unknown>;
  const vars = play.vars as Record<string, unknown>;
  const b = vars.b as unknown[];

  it.each([
    ['the play mapping', posOf(play), 1, 3],
    ['a key', keyPosOf(play, 'vars'), 2, 3],
    ['a block value', valuePosOf(play, 'vars'), 3, 5],
    ['a quoted value (inside the quotes)', valuePosOf(vars, 'a'), 3, 9],
    ['an empty value (its key)', valuePosOf(vars, 'c'), 7, 5],
    ['a list item', itemPosOf(b, 1), 6, 9],
    ['a nested flow value', valuePosOf(b[1], 'k'), 6, 13],
    ['a path', posAtPath(play, ['vars', 'b', 1, 'k']), 6, 13],
    ['a path ending early', posAtPath(play, ['vars', 'b', 7]), 5, 7],
  ])('%s', (_what, pos, line, col) => {
    expect(pos).toEqual({ file: F, line, col });
  });

  it('has no positions for data it did not parse', () => {
    expect(posOf({})).toBeUndefined();
    expect(keyPosOf(vars, 'nope')).toBeUndefined();
  });
});

describe('parseYaml: errors', () => {
  it.each([
    ['a: 1\na: 2\n', 2, 1, 'Map keys must be unique'],
    ['a: [1, 2\n', 2, 1, 'YAML syntax error'],
    ['a: b: c\n', 1, 4, 'YAML syntax error'],
    ['a: {{ x }}\n', 1, 5, 'a mapping key must be a plain value'],
    ['a: &x [1, *x]\n', 1, 11, 'refers to itself'],
  ])('%j', (text, line, col, message) => {
    const r = parseYaml(text, F);
    expect(r.errors.map((e) => [e.pos?.line, e.pos?.col])).toEqual([[line, col]]);
    expect(r.errors[0]!.message).toContain(message);
    expect(r.errors[0]!.hint).toBeTruthy();
  });
});
