import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Diagnostics } from '../../src/playbook/diagnostics.js';
import { parseFreeForm, parseKeyValues, splitWords, unquote } from '../../src/playbook/kv-args.js';
import { assembleArgs, schemaShape, validateArgs } from '../../src/playbook/module-args.js';
import { closest, levenshtein } from '../../src/playbook/suggest.js';
import { parseYaml } from '../../src/playbook/yaml-source.js';
import { defineModule } from '../../src/modules/types.js';

describe('splitWords (quotes and {{ }} keep words together)', () => {
  it.each([
    ['a=1 b=2', ['a=1', 'b=2']],
    ['  a=1\n\tb=2  ', ['a=1', 'b=2']],
    ['msg="hello world" x=1', ['msg="hello world"', 'x=1']],
    ["msg='it is' x", ["msg='it is'", 'x']],
    ['msg="say \\"hi\\" now"', ['msg="say \\"hi\\" now"']],
    ['msg={{ a | b }} c', ['msg={{ a | b }}', 'c']],
    ['x={% if a %}1{% endif %}', ['x={% if a %}1{% endif %}']],
    ['', []],
  ])('%j', (s, words) => {
    expect(splitWords(s).map((w) => w.text)).toEqual(words);
  });
});

describe('parseKeyValues', () => {
  it.each([
    ['src=a dest=b', { src: 'a', dest: 'b' }, { src: 0, dest: 6 }, []],
    ['dest="/a b" mode=0644', { dest: '/a b', mode: '0644' }, { dest: 0, mode: 12 }, []],
    ["content='x=1'", { content: 'x=1' }, { content: 0 }, []],
    ['msg="say \\"hi\\""', { msg: 'say "hi"' }, { msg: 0 }, []],
    ['msg="{{ a }} b"', { msg: '{{ a }} b' }, { msg: 0 }, []],
    ['a=', { a: '' }, { a: 0 }, []],
    ['src=a  dest', { src: 'a' }, { src: 0 }, ['dest']],
    ['-x=1', {}, {}, ['-x=1']],
  ])('%j', (s, args, offsets, leftovers) => {
    expect(parseKeyValues(s)).toEqual({ args, offsets, leftovers });
  });
  it('unquotes only matching quotes', () => {
    expect([unquote('"a"'), unquote("'a'"), unquote('"a\''), unquote('a')]).toEqual(['a', 'a', '"a\'', 'a']);
  });
});

describe('parseFreeForm (module options split off the start and the end only)', () => {
  const options = new Set(['chdir', 'creates', 'removes']);
  it.each([
    ['ls -l', 'ls -l', {}, { '': 0 }],
    ['ls -l chdir=/tmp', 'ls -l', { chdir: '/tmp' }, { '': 0, chdir: 6 }],
    ['creates=/x touch /x', 'touch /x', { creates: '/x' }, { '': 11, creates: 0 }],
    ['chdir=/a ls   -l  "a  b" removes=/y creates=/z', 'ls   -l  "a  b"', { chdir: '/a', removes: '/y', creates: '/z' }, { '': 9, chdir: 0, removes: 25, creates: 36 }],
    ['echo chdir=/tmp done', 'echo chdir=/tmp done', {}, { '': 0 }],
    ['echo a=b', 'echo a=b', {}, { '': 0 }],
    ['chdir=/tmp', '', { chdir: '/tmp' }, { chdir: 0 }],
    ['echo "{{ x }}" chdir="/a b"', 'echo "{{ x }}"', { chdir: '/a b' }, { '': 0, chdir: 15 }],
  ])('%j', (s, text, args, offsets) => {
    expect(parseFreeForm(s, options)).toEqual({ text, args, offsets });
  });
});

describe('schemaShape (argument names through zod wrappers)', () => {
  const obj = z.object({ a: z.string(), b: z.number().optional() }).strict();
  it.each([
    ['strict object', obj, { keys: ['a', 'b'], open: false }],
    ['plain object (strips unknown keys: still checked)', z.object({ a: z.string() }), { keys: ['a'], open: false }],
    ['loose object', z.looseObject({ a: z.string() }), { keys: ['a'], open: true }],
    ['refined object', obj.refine(() => true), { keys: ['a', 'b'], open: false }],
    ['preprocess', z.preprocess((v) => v, obj), { keys: ['a', 'b'], open: false }],
    ['transform', obj.transform((v) => v), { keys: ['a', 'b'], open: false }],
    ['optional', obj.optional(), { keys: ['a', 'b'], open: false }],
    ['union of objects', z.union([obj, z.object({ c: z.string() })]), { keys: ['a', 'b', 'c'], open: false }],
    ['intersection', z.intersection(obj, z.object({ d: z.string() })), { keys: ['a', 'b', 'd'], open: false }],
    ['record', z.record(z.string(), z.unknown()), undefined],
    ['union with a non-object', z.union([obj, z.string()]), undefined],
  ])('%s', (_name, schema, expected) => {
    expect(schemaShape(schema)).toEqual(expected);
  });
});

describe('assembleArgs + validateArgs', () => {
  const mod = defineModule({
    name: 'svc',
    freeForm: 'name',
    args: z.object({
      name: z.string(),
      state: z.enum(['started', 'stopped']).optional(),
      enabled: z.boolean().optional(),
      port: z.number().int().optional(),
      env: z.record(z.string(), z.string()).optional(),
      list: z.array(z.number()).optional(),
    }).strict().refine((a) => !(a.state === 'stopped' && a.enabled === true), { message: 'a stopped service cannot be enabled here' }),
  });

  /** Parses `svc: <yaml>` as a task would hold it and validates; returns [args, "line:col message"...]. */
  function check(yamlValue: string, extra?: string): [Record<string, unknown>, string[]] {
    const text = `svc: ${yamlValue}\n${extra ? `args: ${extra}\n` : ''}`;
    const doc = parseYaml(text, 't.yml').value as Record<string, unknown>;
    const diag = new Diagnostics();
    const keyPos = { file: 't.yml', line: 1, col: 1 };
    const use = { name: 'svc', def: mod, keyPos, value: doc.svc, valuePos: { file: 't.yml', line: 1, col: 6 }, extra: extra ? { value: doc.args } : undefined };
    const margs = assembleArgs(use, diag);
    const args = validateArgs(use, margs, diag);
    return [args, diag.errors.map((e) => `${e.pos?.line}:${e.pos?.col} ${e.message}`)];
  }

  it.each([
    ['free-form', 'nginx', { name: 'nginx' }, []],
    ['free-form with an option word', 'nginx state=started', { name: 'nginx', state: 'started' }, []],
    ['mapping', '{name: a, port: 80}', { name: 'a', port: 80 }, []],
    ['text converted where the schema asks', '{name: a, enabled: "yes", port: "8080"}', { name: 'a', enabled: true, port: 8080 }, []],
    ['templates are not checked', '{name: a, enabled: "{{ e }}", port: "{{ p }}", list: ["{{ x }}"]}', { name: 'a', enabled: '{{ e }}', port: '{{ p }}', list: ['{{ x }}'] }, []],
    ['a templated required argument', '{name: "{{ n }}"}', { name: '{{ n }}' }, []],
    ['refinement skipped when an argument is a template', '{name: a, state: stopped, enabled: "{{ e }}"}', { name: 'a', state: 'stopped', enabled: '{{ e }}' }, []],
    ['refinement', '{name: a, state: stopped, enabled: true}', { name: 'a', state: 'stopped', enabled: true }, ['1:1 module \'svc\': arguments: a stopped service cannot be enabled here']],
    ['unknown argument at its key', '{name: a, prot: 1}', { name: 'a' }, ["1:16 unknown argument 'prot' for module 'svc'"]],
    ['nested error at the nested value', '{name: a, env: {A: 1}}', { name: 'a', env: { A: 1 } }, ["1:25 module 'svc': argument 'env.A': Invalid input: expected string, received number"]],
    ['wrong type that cannot be converted', '{name: a, port: "eighty"}', { name: 'a', port: 'eighty' }, ["1:23 module 'svc': argument 'port': Invalid input: expected number, received string"]],
    ['missing required argument', '{port: 1}', { port: 1 }, ["1:1 missing required argument 'name' for module 'svc'"]],
    ['inline arguments win over args:', 'b state=started', { name: 'b', state: 'started', port: 1 }, []],
  ])('%s', (_name, value, args, errors) => {
    const extra = _name.startsWith('inline') ? '{name: a, port: 1}' : undefined;
    expect(check(value, extra)).toEqual([args, errors]);
  });
});

describe('suggestions', () => {
  it.each([
    ['whn', 'when', 1],
    ['chdri', 'chdir', 1],
    ['ab', 'ba', 1],
    ['kitten', 'sitting', 3],
  ])('distance %s -> %s', (a, b, d) => expect(levenshtein(a, b)).toBe(d));
  it.each([
    ['whn', ['when', 'name', 'tags'], ['when']],
    ['become_u', ['become_user', 'become', 'become_method'], ['become', 'become_user']],
    ['xyz', ['when', 'name'], []],
    ['Copy', ['copy', 'command'], ['copy']],
  ])('closest(%s)', (w, cands, expected) => expect(closest(w, cands)).toEqual(expected));
});
