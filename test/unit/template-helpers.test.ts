import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../src/errors.js';
import { renderText, renderValue } from '../../src/vars/template.js';
import { TEMPLATE_HELPERS } from '../../src/vars/template-helpers.js';
import type { Vars } from '../../src/vars/types.js';

const vars: Vars = {
  list: ['b', 'a', 'c', 'a'],
  nums: [3, 1, 2],
  obj: { a: 1, b: [1, 2], c: { d: 'x: y' } },
  users: [
    { name: 'zed', uid: 2 },
    { name: 'amy', uid: 1 },
  ],
  text: 'line1\nline2\n\nline4',
  path: '/etc/kubernetes/admin.conf',
  json: '{"k": [1, 2], "n": null}',
  word: 'it\'s a "test"; rm -rf /',
  empty: [],
  hostvars: { m1: { ip: '10.0.0.9', kube: { token: 'abc' } } },
  yes: 'yes',
  s: '  Mixed Case  ',
  zero: 0,
  nothing: null,
  blank: '',
};

describe('helpers return typed values', () => {
  it.each([
    // values
    ['{{default missing "fb"}}', 'fb'],
    ['{{default nothing "fb"}}', 'fb'],
    ['{{default blank "fb"}}', ''],
    ['{{default blank "fb" true}}', 'fb'],
    ['{{default zero 5 true}}', 5],
    ['{{default list "fb"}}', ['b', 'a', 'c', 'a']],
    ['{{lookup obj "a"}}', 1],
    ['{{lookup list 1}}', 'a'],
    ['{{hostvar "m1" "ip"}}', '10.0.0.9'],
    ['{{hostvar "m1" "kube"}}', { token: 'abc' }],
    ['{{first list}}', 'b'],
    ['{{last list}}', 'a'],
    ['{{first "xyz"}}', 'x'],
    ['{{length list}}', 4],
    ['{{length "four"}}', 4],
    ['{{length obj}}', 3],
    ['{{range 3}}', [0, 1, 2]],
    ['{{range 2 5}}', [2, 3, 4]],
    ['{{range 10 0 -5}}', [10, 5]],
    ['{{concat nums empty list}}', [3, 1, 2, 'b', 'a', 'c', 'a']],
    ['{{concat nums 4}}', [3, 1, 2, 4]],
    ['{{concat "a" "b" 1}}', 'ab1'],
    ['{{unique list}}', ['b', 'a', 'c']],
    ['{{sort list}}', ['a', 'a', 'b', 'c']],
    ['{{sort nums}}', [1, 2, 3]],
    ['{{sort users "name"}}', [{ name: 'amy', uid: 1 }, { name: 'zed', uid: 2 }]],
    ['{{dict2items obj}}', [{ key: 'a', value: 1 }, { key: 'b', value: [1, 2] }, { key: 'c', value: { d: 'x: y' } }]],
    ['{{items2dict (dict2items obj)}}', { a: 1, b: [1, 2], c: { d: 'x: y' } }],
    // text
    ['{{join list ","}}', 'b,a,c,a'],
    ['{{join nums}}', '312'],
    ['{{to_json obj}}', '{"a":1,"b":[1,2],"c":{"d":"x: y"}}'],
    ['{{to_json "s"}}', '"s"'],
    ['{{to_json obj 2}}', JSON.stringify({ a: 1, b: [1, 2], c: { d: 'x: y' } }, null, 2)],
    ['{{to_nice_json obj}}', JSON.stringify({ a: 1, b: [1, 2], c: { d: 'x: y' } }, null, 4)],
    ['{{to_yaml obj}}', 'a: 1\nb:\n  - 1\n  - 2\nc:\n  d: "x: y"'],
    ['{{to_nice_yaml obj}}', 'a: 1\nb:\n    - 1\n    - 2\nc:\n    d: "x: y"'],
    ['{{to_yaml nums}}', '- 3\n- 1\n- 2'],
    ['{{from_json json}}', { k: [1, 2], n: null }],
    ['{{quote word}}', `'it'\\''s a "test"; rm -rf /'`],
    ['{{quote "plain"}}', 'plain'],
    ['{{quote list}}', 'b a c a'],
    ['{{quote (concat "a b" "c")}}', "'a bc'"],
    ['{{b64encode "hello"}}', 'aGVsbG8='],
    ['{{b64decode "aGVsbG8="}}', 'hello'],
    ['{{indent text 2}}', 'line1\n  line2\n\n  line4'],
    ['{{indent text 2 true}}', '  line1\n  line2\n\n  line4'],
    ['{{indent text}}', 'line1\n    line2\n\n    line4'],
    ['{{indent (to_yaml obj) 4}}', 'a: 1\n    b:\n      - 1\n      - 2\n    c:\n      d: "x: y"'],
    ['{{upper s}}', '  MIXED CASE  '],
    ['{{lower s}}', '  mixed case  '],
    ['{{trim s}}', 'Mixed Case'],
    ['{{replace "a-b-c" "-" "+"}}', 'a+b+c'],
    ['{{regex_replace "v1.28.2" "^v(\\d+)\\.(\\d+).*" "\\1-\\2"}}', '1-28'],
    ['{{regex_replace "a1b22" "(?P<n>\\d+)" "<\\g<n>>"}}', 'a<1>b<22>'],
    ['{{regex_replace "cost 5" "(\\d)" "$\\1"}}', 'cost $5'],
    ['{{split "a,b,,c" ","}}', ['a', 'b', '', 'c']],
    ['{{split "  a  b "}}', ['a', 'b']],
    ['{{basename path}}', 'admin.conf'],
    ['{{dirname path}}', '/etc/kubernetes'],
    ['{{basename "/etc/"}}', 'etc'],
    ['{{dirname "file"}}', ''],
    // logic and numbers
    ['{{int "42"}}', 42],
    ['{{int "3.9"}}', 3],
    ['{{int "nope"}}', 0],
    ['{{int 7.8}}', 7],
    ['{{float "2.5"}}', 2.5],
    ['{{bool yes}}', true],
    ['{{bool "on"}}', true],
    ['{{bool "1"}}', true],
    ['{{bool "no"}}', false],
    ['{{bool "maybe"}}', false],
    ['{{eq 1 1}}', true],
    ['{{eq obj obj}}', true],
    ['{{eq "1" 1}}', false],
    ['{{ne "a" "b"}}', true],
    ['{{lt 1 2}}', true],
    ['{{gt 1 2}}', false],
    ['{{le 2 2}}', true],
    ['{{ge "b" "a"}}', true],
    ['{{and 1 "x" list}}', ['b', 'a', 'c', 'a']],
    ['{{and 1 blank list}}', ''],
    ['{{or blank zero "z"}}', 'z'],
    ['{{or blank zero}}', 0],
    ['{{not blank}}', true],
    ['{{not list}}', false],
    ['{{contains list "c"}}', true],
    ['{{contains list "z"}}', false],
    ['{{contains "haystack" "st"}}', true],
    ['{{contains obj "b"}}', true],
  ])('%s -> %j', (text, expected) => {
    expect(renderValue(text, vars)).toEqual(expected);
  });
});

describe('helpers inside text', () => {
  it.each([
    ['servers={{join (sort list) " "}}', 'servers=a a b c'],
    ['x: {{#if (contains list "c")}}yes{{/if}}', 'x: yes'],
    ['{{#each (range 3)}}{{this}}{{/each}}', '012'],
    ['{{#each (dict2items obj)}}{{key}};{{/each}}', 'a;b;c;'],
    ['{{#each (sort users "uid")}}{{name}} {{/each}}', 'amy zed '],
    ['token={{lookup (hostvar "m1" "kube") "token"}}', 'token=abc'],
  ])('%s -> %j', (text, expected) => {
    expect(renderText(text, vars)).toBe(expected);
  });

  it('evaluates every argument: an undefined one is an error even where `or` would not need it', () => {
    expect(() => renderText('{{#if (or (eq zero 0) not_defined)}}x{{/if}}', vars)).toThrow(/undefined variable 'not_defined'/);
  });
});

describe('now', () => {
  it('formats the local time', () => {
    const before = new Date();
    const out = renderValue('{{now "%Y-%m-%d %H:%M:%S %%"}}', vars) as string;
    expect(out).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} %$/);
    expect(out.slice(0, 4)).toBe(String(before.getFullYear()));
  });

  it('defaults to ISO 8601', () => {
    const out = renderValue('{{now}}', vars) as string;
    expect(Math.abs(Date.parse(out) - Date.now())).toBeLessThan(5000);
  });

  it('gives epoch seconds with %s', () => {
    const out = Number(renderValue('{{now "%s"}}', vars));
    expect(Math.abs(out - Date.now() / 1000)).toBeLessThan(5);
  });
});

describe('helper errors', () => {
  const where = { file: 'templates/x.j2', line: 1, col: 1 };
  it.each([
    ['{{join obj ","}}', 'join needs a list, got dict'],
    ['{{upper list}}', 'upper needs a string, got list'],
    ['{{length 5}}', "object of type 'int' has no length"],
    ['{{from_json "{bad"}}', 'from_json:'],
    ['{{b64decode "***"}}', 'b64decode: not base64 text'],
    ['{{range 1000000}}', 'too large'],
    ['{{regex_replace "a" "(" "b"}}', "invalid regular expression '('"],
    ['{{lt "a" 1}}', 'cannot compare str with int'],
    ['{{hostvar "nohost" "ip"}}', "hostvar: unknown host 'nohost'"],
    ['{{#each "text"}}x{{/each}}', 'each needs a list or a mapping, got str'],
    ['{{quote obj}}', 'quote needs a string or a list of strings'],
    ['{{indent "x" 99}}', 'indent must be a number from 0 to 32'],
    ['{{items2dict list}}', "items2dict: every element needs 'key' and 'value'"],
    ['{{sort users "missing"}}', "sort: an element has no attribute 'missing'"],
  ])('%s', (text, message) => {
    let err: unknown;
    try {
      renderText(text, vars, where);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as TemplateError).message).toContain(message);
    expect((err as TemplateError).pos).toEqual(where);
  });

  it('positions a helper error at its call inside the template', () => {
    let err: TemplateError | undefined;
    try {
      renderText('a: 1\nb: {{upper list}}\n', vars, { file: 't.j2', line: 1, col: 1 });
    } catch (e) {
      err = e as TemplateError;
    }
    expect(err?.pos).toEqual({ file: 't.j2', line: 2, col: 4 });
  });
});

describe('the helper list', () => {
  it('has every helper users need for config files', () => {
    const wanted = [
      'default', 'join', 'to_json', 'to_nice_json', 'to_yaml', 'to_nice_yaml', 'from_json', 'quote', 'b64encode',
      'b64decode', 'indent', 'first', 'last', 'length', 'upper', 'lower', 'trim', 'replace', 'regex_replace', 'split',
      'int', 'bool', 'eq', 'ne', 'lt', 'gt', 'and', 'or', 'not', 'contains', 'hostvar', 'basename', 'dirname', 'unique',
      'sort', 'dict2items', 'items2dict', 'range', 'concat', 'now', 'if', 'unless', 'each', 'with', 'lookup',
    ];
    for (const name of wanted) expect(Object.keys(TEMPLATE_HELPERS)).toContain(name);
  });

  it('has no log helper (modules never print)', () => {
    expect(() => renderText('{{log "x"}}', vars)).toThrow(/unknown helper 'log'/);
  });
});
