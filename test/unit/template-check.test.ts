import { describe, expect, it } from 'vitest';
import { TemplateError, type SourcePos } from '../../src/errors.js';
import { checkTemplate, templateVariables } from '../../src/vars/template.js';

function checkError(text: string, where?: SourcePos): TemplateError {
  try {
    checkTemplate(text, where);
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    return e as TemplateError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

describe('checkTemplate accepts valid templates without variables', () => {
  it.each([
    'plain text',
    '{{undefined_is_fine_here}}',
    '{{#each groups.worker}}{{this}} {{@index}}{{/each}}',
    '{{#if a}}x{{else if b}}y{{else}}z{{/if}}',
    '{{#each xs as |x i|}}{{x}}{{i}}{{../y}}{{@root.z}}{{/each}}',
    '{{default x "y"}} {{join (sort xs) ","}} {{now}}',
    '{{{{raw}}}}{{not a helper call}}{{{{/raw}}}}',
    '\\{{literal}}',
    '{{! comment with {{braces}} }}',
  ])('%j', (text) => {
    expect(() => checkTemplate(text)).not.toThrow();
  });
});

describe('checkTemplate refuses, with position and hint', () => {
  const where: SourcePos = { file: 'roles/k8s/templates/kubeadm.yaml', line: 1, col: 1 };
  it.each([
    // [text, message part, line, col]
    ['{{#if x}}\nabc', 'unexpected end of template', 2, 4],
    ['a\n  {{foo bar}', "template syntax error: unexpected character", 2, 12],
    ['{{#if x}}{{/each}}', 'template syntax error: {{#if}} is closed by {{/each}}', 1, 4],
    ['ok\nok {{x )}}', "template syntax error: unexpected ')'", 2, 8],
    ['{{x y=}}', "template syntax error: unexpected '}}'", 1, 7],
    ['{{nohelper x}}', "unknown helper 'nohelper'", 1, 1],
    ['line\n{{join}}', "helper 'join' takes 1 to 2 arguments, got 0", 2, 1],
    ['{{upper a b}}', "helper 'upper' takes 1 argument, got 2", 1, 1],
    ['{{#if}}x{{/if}}', "helper 'if' takes 1 argument, got 0", 1, 1],
    ['{{#upper x}}{{/upper}}', "'upper' is not a block helper", 1, 1],
    ['{{#x}}shown{{/x}}', "unknown block helper 'x'", 1, 1],
    ['{{join (each xs) ","}}', "'each' is a block helper", 1, 8],
    ['x {{> partial}}', 'partials ({{> name}}) are not supported', 1, 3],
    ['{{indent text width=2}}', 'named arguments (key=value) are not supported', 1, 15],
    ['{{a.constructor}}', "access to 'constructor' is not allowed", 1, 3],
    ['{{#each xs}}\n  {{lookup this.__proto__ "x"}}{{/each}}', "access to '__proto__' is not allowed", 2, 12],
    ['{{("upper") x}}', 'syntax error', 1, 3],
  ])('%j', (text, message, line, col) => {
    const e = checkError(text, where);
    expect(e.message).toContain(message);
    expect(e.pos).toEqual({ file: where.file, line, col });
  });

  it('gives hints for the common mistakes', () => {
    expect(checkError('{{#if x}}').hint).toContain('not closed');
    expect(checkError('{{#x}}{{/x}}').hint).toBe('use {{#if x}}, {{#each x}} or {{#with x}}');
    expect(checkError('{{nohelper y}}').hint).toContain('known helpers: ');
  });

  it('adds a playbook string position to the position inside the text', () => {
    const e = checkError('name: {{#if x}}', { file: 'site.yml', line: 7, col: 11 });
    expect(e.pos).toEqual({ file: 'site.yml', line: 7, col: 11 + 15 });
  });

  it('says the line and column in the message when there is no file position', () => {
    const e = checkError('a\nb {{nohelper x}}');
    expect(e.pos).toBeUndefined();
    expect(e.message).toBe("unknown helper 'nohelper' (line 2, column 3)");
  });

  it.each([
    ["{{ x | default('y') }}", 'filters are helpers written first'],
    ["{{ x['k'] }}", "instead of x['key']"],
    ['{{ hostvars[inventory_hostname].ip }}', "instead of x['key']"],
    ["{{ 'a' ~ x }}", 'operators are helpers'],
    ['{{ x == 1 }}', 'operators are helpers'],
  ])('recognises the Jinja habit in %j', (text, hint) => {
    const e = checkError(text);
    expect(e.message).toContain('template syntax error');
    expect(e.hint).toContain(hint);
  });

  it.each([
    ['a\n{% if x %}y{% endif %}', "Jinja statement '{% if x %}' in a Handlebars template", 2, 1, '{{#if cond}}'],
    ['items:\n  {%- for i in xs %}\n{{i}}{% endfor %}', "Jinja statement '{%- for i in xs %}'", 2, 3, '{{#each list}}'],
    ['{{x}} {% set y = 1 %}', "Jinja statement '{% set y = 1 %}'", 1, 7, 'define the value in vars'],
  ])('refuses Jinja statements: %j', (text, message, line, col, hint) => {
    const e = checkError(text, { file: 't.j2', line: 1, col: 1 });
    expect(e.message).toContain(message);
    expect(e.pos).toEqual({ file: 't.j2', line, col });
    expect(e.hint).toContain(hint);
  });

  it('keeps Jinja-looking text inside raw blocks', () => {
    expect(() => checkTemplate('{{{{raw}}}}{% if x %}{{{{/raw}}}}')).not.toThrow();
    expect(() => checkTemplate('100% {of} text')).not.toThrow();
  });

  it('reports the error code of templates', () => {
    expect(checkError('{{#if x}}').code).toBe('E_TEMPLATE');
  });
});

describe('templateVariables', () => {
  it.each([
    ['no template', []],
    ['{{a}} {{b.c}} {{a.d}}', ['a', 'b']],
    ['{{join xs ","}} {{default y "z"}}', ['xs', 'y']],
    ['{{now}} {{length}}', []],
    ['{{#each groups.worker}}{{this}} {{name}} {{@index}} {{../top}} {{@root.r}}{{/each}}', ['groups', 'top', 'r']],
    ['{{#each xs as |item i|}}{{item.name}} {{i}}{{/each}}', ['xs']],
    ['{{#with obj}}{{inner}}{{else}}{{fallback}}{{/with}}', ['obj', 'fallback']],
    ['{{#if cond}}{{shown}}{{/if}}', ['cond', 'shown']],
    ['{{hostvar h "ip"}}', ['hostvars', 'h']],
    ['{{lookup hostvars inventory_hostname}}', ['hostvars', 'inventory_hostname']],
    ['{{this.t}} {{./u}}', ['t', 'u']],
    ['{{{{raw}}}}{{hidden}}{{{{/raw}}}}', []],
    ['{{ "literal" }} {{ 5 }}', []],
  ])('%j -> %j', (text, expected) => {
    expect(templateVariables(text)).toEqual(expected);
  });

  it('reports syntax errors as TemplateError', () => {
    expect(() => templateVariables('{{#if x}}')).toThrow(TemplateError);
  });
});
