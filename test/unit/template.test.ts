import { describe, expect, it } from 'vitest';
import { TemplateError, type SourcePos } from '../../src/errors.js';
import { isTemplate, renderDeep, renderText, renderValue } from '../../src/vars/template.js';
import type { Vars } from '../../src/vars/types.js';

const vars: Vars = {
  name: 'web',
  port: 8080,
  enabled: true,
  off: false,
  nothing: null,
  zero: 0,
  empty_list: [],
  empty_dict: {},
  empty_str: '',
  list: ['a', 'b', 'c'],
  nested: { inner: { value: 42, list: [1, 2] } },
  groups: { worker: ['w1', 'w2'], master: ['m1'], all: ['m1', 'w1', 'w2'] },
  hostvars: { w1: { ip: '10.0.0.1' }, w2: { ip: '10.0.0.2' }, m1: { ip: '10.0.0.9' } },
  inventory_hostname: 'w1',
  users: [
    { name: 'ann', shell: '/bin/bash' },
    { name: 'bob', shell: '/bin/sh' },
  ],
  literal_braces: 'not {{ rendered }} again',
  evil: '{{constructor}}',
};

function errorOf(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    return e as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('isTemplate', () => {
  it.each([
    ['{{x}}', true],
    ['a {{ b }} c', true],
    ['{{#if x}}y{{/if}}', true],
    ['plain', false],
    ['one { brace }', false],
    ['}} only', false],
    [42, false],
    [null, false],
    [['{{x}}'], false],
  ] as const)('%j -> %s', (input, expected) => {
    expect(isTemplate(input)).toBe(expected);
  });
});

describe('renderValue keeps the type of a single expression', () => {
  it.each([
    ['{{port}}', 8080],
    // text around a scalar is part of the value ("{{x}}\n" in a YAML block keeps its newline)
    ['  {{ port }}  ', '  8080  '],
    ['{{ port }}\n', '8080\n'],
    ['  {{ list }}\n', ['a', 'b', 'c']],
    ['{{enabled}}', true],
    ['{{off}}', false],
    ['{{nothing}}', null],
    ['{{list}}', ['a', 'b', 'c']],
    ['{{ groups.worker }}', ['w1', 'w2']],
    ['{{nested.inner}}', { value: 42, list: [1, 2] }],
    ['{{nested.inner.list.[1]}}', 2],
    ['{{default missing "y"}}', 'y'],
    ['{{default missing list}}', ['a', 'b', 'c']],
    ['{{length list}}', 3],
    ['{{first groups.master}}', 'm1'],
    ['{{lookup hostvars inventory_hostname}}', { ip: '10.0.0.1' }],
    ['{{{ list }}}', ['a', 'b', 'c']],
    ['{{~ port ~}}', 8080],
    ['{{ 5 }}', 5],
    ['{{ "text" }}', 'text'],
    ['{{ true }}', true],
    ['plain text', 'plain text'],
    ['', ''],
    // not a single expression: text
    ['{{port}}{{port}}', '80808080'],
    ['port {{port}}', 'port 8080'],
    ['{{#if enabled}}{{port}}{{/if}}', '8080'],
    ['{{list}} ', ['a', 'b', 'c']],
    ['{{! a comment }}{{port}}', '8080'],
  ])('%j -> %j', (text, expected) => {
    expect(renderValue(text, vars)).toEqual(expected);
  });

  it('returns the referenced data, never a rendered copy of it', () => {
    expect(renderValue('{{literal_braces}}', vars)).toBe('not {{ rendered }} again');
    expect(renderValue('{{evil}}', vars)).toBe('{{constructor}}');
  });
});

describe('renderText', () => {
  it.each([
    ['port={{port}}', 'port=8080'],
    ['{{port}}', '8080'],
    ['{{enabled}}/{{off}}', 'true/false'],
    ['[{{nothing}}]', '[]'],
    ['{{list}}', '["a","b","c"]'],
    ['{{nested.inner}}', '{"value":42,"list":[1,2]}'],
    ['<{{name}}>&"\'', '<web>&"\''], // no HTML escaping
    ['{{{name}}}', 'web'],
    ['\\{{name}}', '{{name}}'],
    ['{{{{raw}}}}{{name}} {{#if}}{{{{/raw}}}}', '{{name}} {{#if}}'],
    ['x {{literal_braces}} y', 'x not {{ rendered }} again y'],
    ['no template at all', 'no template at all'],
  ])('%j -> %j', (text, expected) => {
    expect(renderText(text, vars)).toBe(expected);
  });

  it('always returns a string', () => {
    expect(renderText('{{port}}', vars)).toBe('8080');
    expect(typeof renderText('{{list}}', vars)).toBe('string');
  });

  it('uses the variables of each call, not those of the first call with the same text', () => {
    expect(renderText('{{name}}', { name: 'one' })).toBe('one');
    expect(renderText('{{name}}', { name: 'two' })).toBe('two');
    expect(renderValue('{{name}}', { name: [1] })).toEqual([1]);
    expect(renderValue('{{name}}', { name: 2 })).toBe(2);
  });
});

describe('blocks', () => {
  it.each([
    ['{{#each groups.worker}}{{this}};{{/each}}', 'w1;w2;'],
    ['{{#each groups.worker}}{{@index}}={{this}} {{/each}}', '0=w1 1=w2 '],
    ['{{#each list}}{{#if @first}}[{{/if}}{{this}}{{#if @last}}]{{else}},{{/if}}{{/each}}', '[a,b,c]'],
    ['{{#each hostvars}}{{@key}}={{ip}} {{/each}}', 'w1=10.0.0.1 w2=10.0.0.2 m1=10.0.0.9 '],
    ['{{#each users as |u i|}}{{i}}:{{u.name}} {{/each}}', '0:ann 1:bob '],
    ['{{#each users}}{{name}}@{{../name}} {{/each}}', 'ann@web bob@web '],
    ['{{#each users}}{{@root.port}} {{/each}}', '8080 8080 '],
    ['{{#each groups.worker}}{{lookup ../hostvars this}} {{/each}}', '{"ip":"10.0.0.1"} {"ip":"10.0.0.2"} '],
    ['{{#each groups.worker}}{{hostvar this "ip"}} {{/each}}', '10.0.0.1 10.0.0.2 '],
    ['{{#each empty_list}}x{{else}}none{{/each}}', 'none'],
    ['{{#each nothing}}x{{else}}none{{/each}}', 'none'],
    ['{{#if enabled}}yes{{else}}no{{/if}}', 'yes'],
    ['{{#if off}}yes{{else}}no{{/if}}', 'no'],
    ['{{#if missing}}yes{{else}}no{{/if}}', 'no'],
    ['{{#if missing.deep.path}}yes{{else}}no{{/if}}', 'no'],
    ['{{#if nested.inner.value}}yes{{else}}no{{/if}}', 'yes'],
    ['{{#if off}}a{{else if enabled}}b{{else}}c{{/if}}', 'b'],
    // Python truthiness, the same as conditions
    ['{{#if zero}}t{{else}}f{{/if}}', 'f'],
    ['{{#if empty_list}}t{{else}}f{{/if}}', 'f'],
    ['{{#if empty_dict}}t{{else}}f{{/if}}', 'f'],
    ['{{#if empty_str}}t{{else}}f{{/if}}', 'f'],
    ['{{#if nothing}}t{{else}}f{{/if}}', 'f'],
    ['{{#unless missing}}absent{{/unless}}', 'absent'],
    ['{{#unless enabled}}off{{else}}on{{/unless}}', 'on'],
    ['{{#with nested.inner}}{{value}}{{/with}}', '42'],
    ['{{#with missing}}x{{else}}no such thing{{/with}}', 'no such thing'],
    ['{{#if (eq name "web")}}match{{/if}}', 'match'],
    ['{{#if (and enabled (gt port 1024))}}high{{/if}}', 'high'],
  ])('%j -> %j', (text, expected) => {
    expect(renderText(text, vars)).toBe(expected);
  });

  it('drops the lines of standalone block tags, so config files keep their shape', () => {
    const text = 'hosts:\n{{#each groups.worker}}\n  - {{this}}\n{{/each}}\nend\n';
    expect(renderText(text, vars)).toBe('hosts:\n  - w1\n  - w2\nend\n');
  });
});

describe('undefined variables are errors, named with their position', () => {
  const where: SourcePos = { file: 'roles/x/templates/a.conf', line: 1, col: 1 };
  it.each([
    ['{{missing}}', "undefined variable 'missing' in template", 1, 1],
    ['{{nested.nope}}', "undefined variable 'nested.nope' in template", 1, 1],
    ['{{missing.deep}}', "undefined variable 'missing.deep' in template", 1, 1],
    ['ab {{missing}}', "undefined variable 'missing' in template", 1, 4],
    ['line1\n  {{port}} {{nope}}', "undefined variable 'nope' in template", 2, 12],
    ['{{join nope ","}}', "undefined variable 'nope' in template", 1, 8],
    ['{{upper (default nope missing2)}}', "helper 'upper': argument 1 has no value", 1, 1],
    ['{{#each groups.workers}}{{this}}{{/each}}', "undefined variable 'groups.workers' in template", 1, 9],
    ['{{#each list}}\n{{this.nope}}{{/each}}', "undefined variable 'this.nope' in template", 2, 1],
    ['{{first empty_list}}', "'first empty_list' has no value in template", 1, 1],
    ['{{lookup hostvars "nohost"}}', '\'lookup hostvars "nohost"\' has no value in template', 1, 1],
    ['{{@index}}', "undefined variable '@index' in template", 1, 1],
    ['{{toString}}', "undefined variable 'toString' in template", 1, 1],
  ])('%j', (text, message, line, col) => {
    const e = errorOf(() => renderText(text, vars, where));
    expect(e.message).toBe(message);
    expect(e.pos).toEqual({ file: where.file, line, col });
    expect(e.hint).toBeTruthy();
  });

  it('the same errors from renderValue', () => {
    const e = errorOf(() => renderValue('{{ groups.nope }}', vars));
    expect(e.message).toContain("undefined variable 'groups.nope' in template");
  });

  it('hints at default with the variable name', () => {
    const e = errorOf(() => renderText('{{kube_version}}', vars));
    expect(e.hint).toBe('define it in vars, group_vars, or use {{default kube_version "..."}}');
  });

  it('positions inside a playbook string are added to the string position', () => {
    const e = errorOf(() => renderText('name: {{ nope }}', vars, { file: 'site.yml', line: 12, col: 9 }));
    expect(e.pos).toEqual({ file: 'site.yml', line: 12, col: 15 });
    expect(e.format()).toContain('site.yml:12:15: undefined variable');
  });

  it('without a position, the message says where in the template', () => {
    const e = errorOf(() => renderText('a\nb {{nope}}', vars));
    expect(e.pos).toBeUndefined();
    expect(e.message).toBe("undefined variable 'nope' in template (line 2, column 3)");
  });

  it('null is a value, not undefined', () => {
    expect(renderText('[{{nothing}}]', vars)).toBe('[]');
    expect(renderText('{{default nothing "fallback"}}', vars)).toBe('fallback');
  });
});

describe('variables with lazy or layered values', () => {
  it('reads getters (lazy variables) and passes their errors on unchanged', () => {
    const lazy: Vars = {};
    Object.defineProperty(lazy, 'url', { enumerable: true, get: () => 'http://x' });
    Object.defineProperty(lazy, 'loop', {
      enumerable: true,
      get: () => {
        throw new TemplateError("recursive loop detected in the value of variable 'loop'");
      },
    });
    expect(renderText('{{url}}', lazy)).toBe('http://x');
    expect(errorOf(() => renderText('{{loop}}', lazy, { file: 'f', line: 1, col: 1 })).message).toBe(
      "recursive loop detected in the value of variable 'loop'",
    );
  });

  it('reads variables layered with prototypes, but nothing of Object.prototype', () => {
    const base = { a: 'base', b: 'base' };
    const top = Object.assign(Object.create(base) as Vars, { b: 'top' });
    expect(renderText('{{a}} {{b}}', top)).toBe('base top');
    expect(renderValue('{{b}}', top)).toBe('top');
    expect(errorOf(() => renderText('{{hasOwnProperty}}', top)).message).toContain("undefined variable 'hasOwnProperty'");
  });
});

describe('prototype access is impossible', () => {
  it.each([
    ['{{constructor}}', "access to 'constructor' is not allowed"],
    ['{{__proto__}}', "access to '__proto__' is not allowed"],
    ['{{list.constructor}}', "access to 'constructor' is not allowed"],
    ['{{this.constructor}}', "access to 'constructor' is not allowed"],
    ['{{[constructor]}}', "access to 'constructor' is not allowed"],
    ['{{nested.prototype}}', "access to 'prototype' is not allowed"],
    ['{{lookup this "constructor"}}', "access to 'constructor' is not allowed"],
    ['{{lookup list "__proto__"}}', "access to '__proto__' is not allowed"],
    ['{{lookup name "length"}}', "has no value"],
    ['{{lookup this "toString"}}', 'has no value'],
    ['{{#with constructor}}x{{/with}}', "access to 'constructor' is not allowed"],
    ['{{default constructor "x"}}', "access to 'constructor' is not allowed"],
    ['{{#each (lookup this "__defineGetter__")}}{{/each}}', "access to '__defineGetter__' is not allowed"],
  ])('%j is refused', (text, message) => {
    const e = errorOf(() => renderValue(text, vars));
    expect(e.message).toContain(message);
  });

  it('never yields a function', () => {
    for (const text of ['{{toString}}', '{{valueOf}}', '{{name.length}}', '{{list.map}}', '{{lookup list "map"}}']) {
      let out: unknown;
      try {
        out = renderValue(text, vars);
      } catch (e) {
        expect(e).toBeInstanceOf(TemplateError);
        continue;
      }
      expect(typeof out).not.toBe('function');
    }
  });
});

describe('renderDeep', () => {
  it('renders every string of lists and mappings, keeping types of single expressions', () => {
    const input = {
      name: 'svc-{{name}}',
      port: '{{port}}',
      hosts: '{{groups.worker}}',
      nested: [{ ip: '{{hostvars.w2.ip}}' }, 'plain', 7, true, null],
      '{{key}}': 'keys are not rendered',
    };
    expect(renderDeep(input, vars)).toEqual({
      name: 'svc-web',
      port: 8080,
      hosts: ['w1', 'w2'],
      nested: [{ ip: '10.0.0.2' }, 'plain', 7, true, null],
      '{{key}}': 'keys are not rendered',
    });
  });

  it('returns new structures and never mutates its input', () => {
    const input = { a: ['{{port}}'], b: { c: '{{name}}' } };
    const copy = structuredClone(input);
    const out = renderDeep(input, vars) as typeof input;
    expect(input).toEqual(copy);
    expect(out).not.toBe(input);
    expect(out.a).not.toBe(input.a);
    expect(out.b).not.toBe(input.b);
  });

  it('renders once: data that contains braces stays as it is', () => {
    const host: Vars = { registered: { stdout: '{{ secret }}', lines: ['{{x}}'] }, secret: 'leaked' };
    expect(renderDeep({ out: '{{registered}}', text: 'got {{registered.stdout}}' }, host)).toEqual({
      out: { stdout: '{{ secret }}', lines: ['{{x}}'] },
      text: 'got {{ secret }}',
    });
  });

  it('keeps a key named __proto__ as a plain key', () => {
    const input = JSON.parse('{"__proto__": {"polluted": "{{name}}"}}') as Vars;
    const out = renderDeep(input, vars) as Record<string, unknown>;
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('reports the given position for errors', () => {
    const e = errorOf(() => renderDeep({ a: ['ok', '{{nope}}'] }, vars, { file: 'site.yml', line: 4, col: 7 }));
    expect(e.pos).toEqual({ file: 'site.yml', line: 4, col: 7 });
  });

  it('refuses cyclic data instead of overflowing the stack', () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(errorOf(() => renderDeep(cyclic, vars)).message).toContain('nested more than');
  });
});
