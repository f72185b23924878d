import { describe, expect, it } from 'vitest';
import { TemplateError, type SourcePos } from '../../src/errors.js';
import { checkExpression, evalCondition, evaluate, parseExpression } from '../../src/vars/condition/index.js';
import type { Vars } from '../../src/vars/types.js';

const vars: Vars = {
  x: { y: 1 },
  s: 'text',
  list: [1, 2],
  nothing: null,
  result: { rc: 0, stdout: 'ok', changed: false },
  payload: '1 == 1 or process.exit()',
  code: "x.constructor.constructor('return process')()",
  braces: '{{ x }}',
};

const where: SourcePos = { file: 'site.yml', line: 10, col: 13 };

function errorOf(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    return e as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('undefined values', () => {
  it.each([
    // [expression, message, column offset of the reported token]
    ['missing', "undefined variable 'missing'", 0],
    ['missing == 1', "undefined variable 'missing'", 0],
    ['1 == missing', "undefined variable 'missing'", 5],
    ['x.z', "undefined variable 'x.z'", 2],
    ['x.y.z', "undefined variable 'x.y.z'", 4],
    ['missing.y', "undefined variable 'missing.y'", 0],
    ["x['z']", 'undefined variable \'x["z"]\'', 1],
    ['list[5]', "undefined variable 'list[5]'", 4],
    ['nothing.attr', "undefined variable 'nothing.attr'", 8],
    ['result.stdout_lines', "undefined variable 'result.stdout_lines'", 7],
    ['not missing', "undefined variable 'missing'", 4],
    ['missing | length', "undefined variable 'missing'", 0],
    ['missing is none', "undefined variable 'missing'", 0],
    ['s and missing', "undefined variable 'missing'", 6],
  ])('%s', (src, message, offset) => {
    const e = errorOf(() => evaluate(parseExpression(src, where), vars, where));
    expect(e.message).toBe(message);
    expect(e.pos).toEqual({ file: 'site.yml', line: 10, col: 13 + offset });
    expect(e.hint).toContain("'is defined'");
  });

  it('hints at the keys that exist', () => {
    const e = errorOf(() => evalCondition('result.stdotu == "ok"', vars));
    expect(e.hint).toContain("'result' has no key 'stdotu' (it has: rc, stdout, changed)");
  });

  it('explains a None in the middle of a path', () => {
    expect(errorOf(() => evalCondition('nothing.x', vars)).hint).toContain("'nothing' is None");
  });

  it.each([
    ['missing is defined', false],
    ['missing is undefined', true],
    ['missing.a.b is defined', false],
    ['x.z is undefined', true],
    ['list[9] is not defined', true],
    ["missing | default('a') == 'a'", true],
    ['missing.deep | default(3) == 3', true],
    ['missing is defined and missing > 1', false],
    ['missing is undefined or missing > 1', true],
    ['x.y is defined and x.y == 1', true],
  ])('allowed under is defined / default: %s -> %s', (src, expected) => {
    expect(evalCondition(src, vars)).toBe(expected);
  });
});

describe('syntax errors carry the column of the offending token', () => {
  it.each([
    // [expression, message part, offset]
    ['x ==', 'unexpected end of expression', 4],
    ['x == == 1', "unexpected '=='", 5],
    ['x = 1', "unexpected '='", 2],
    ['x === 1', "unexpected '==='", 2],
    ['a && b', "unexpected '&&'", 2],
    ['a || b', "unexpected '||'", 2],
    ['!a', "unexpected '!'", 0],
    ['2 ** 3', "unexpected '**'", 2],
    ["'open", 'unterminated string', 0],
    ['(a', "expected ')' but found the end of the expression", 2],
    ['[1, 2', "expected ']'", 5],
    ["{'a' 1}", "expected ':'", 5],
    ['a $ b', "unexpected character '$'", 2],
    ['a < b < c', "chained comparison '<' is not supported", 6],
    ['x is', 'expected a test name after is, found the end of the expression', 4],
    ['x is nosuch', "unknown test 'nosuch'", 5],
    ['x | nosuch', "unknown filter 'nosuch'", 4],
    ["x is version()", "test 'version' takes 1 to 2 argument(s), got 0", 5],
    ['lookup("env", "HOME")', "function calls are not allowed: 'lookup(...)'", 0],
    ['s.startswith("t")', "method calls are not allowed: '.startswith(...)'", 2],
    ['x.keys()', "method calls are not allowed: '.keys(...)'", 2],
    ['list[0:1]', 'slices are not supported', 6],
    ['1 if x else 2', "unexpected 'if'", 2],
    ['x.', "expected an attribute name after '.'", 2],
    ['and', "unexpected 'and'", 0],
    ["'\\x4'", 'bad \\x escape in string', 1],
  ])('%s', (src, message, offset) => {
    const e = errorOf(() => parseExpression(src, where));
    expect(e.message).toContain(message);
    expect(e.message).toContain(JSON.stringify(src));
    expect(e.pos).toEqual({ file: 'site.yml', line: 10, col: 13 + offset });
  });

  it('gives hints for habits from other languages', () => {
    expect(errorOf(() => parseExpression('a && b')).hint).toBe("use 'and'");
    expect(errorOf(() => parseExpression('x = 1')).hint).toBe("use '==' to compare");
    expect(errorOf(() => parseExpression('s.startswith("a")')).hint).toContain('is match');
  });

  it('counts columns from the expression inside {{ }}', () => {
    const e = errorOf(() => parseExpression('{{ x == }}', where));
    expect(e.pos).toEqual({ file: 'site.yml', line: 10, col: 13 + 8 });
  });

  it('without a position, the message says the column', () => {
    const e = errorOf(() => parseExpression('x == == 1'));
    expect(e.pos).toBeUndefined();
    expect(e.message).toBe('unexpected \'==\' in condition "x == == 1" (column 6)');
  });

  it('checkExpression reports the same errors', () => {
    expect(errorOf(() => checkExpression('x ==', where)).pos).toEqual({ file: 'site.yml', line: 10, col: 17 });
  });
});

describe('runtime errors carry the column of the operator', () => {
  it.each([
    ["s + 1", "unsupported operand types for +: 'str' and 'int'", 2],
    ['list - 1', "unsupported operand types for -: 'list' and 'int'", 5],
    ['1 / 0', 'division by zero', 2],
    ['1 // 0', 'division by zero', 2],
    ['1 % 0', 'modulo by zero', 2],
    ["s < 1", 'cannot compare str with int', 2],
    ['none > 1', 'cannot compare None with int', 5],
    ['1 in 5', "argument of type 'int' is not iterable", 2],
    ["1 in 'abc'", "'in <string>' requires a string on the left, not int", 2],
    ['-s', "bad operand type for unary -: 'str'", 0],
    ['list[none]', 'index must be an integer or a string, not None', 5],
    ['{[1]: 2}', 'a dict key must be a string or a number, not list', 1],
  ])('%s', (src, message, offset) => {
    const e = errorOf(() => evalCondition(src, vars, where));
    expect(e.message).toBe(message);
    expect(e.pos).toEqual({ file: 'site.yml', line: 10, col: 13 + offset });
  });
});

describe('safety', () => {
  it.each([
    'x.constructor',
    "x['constructor']",
    "x['__proto__']",
    'x.__proto__',
    "''.constructor",
    '[].constructor',
    '{}.constructor',
    's.constructor.constructor',
    'x.prototype',
    'constructor',
    '__proto__',
    "list['__defineGetter__']",
    "{'__proto__': 1}",
  ])('%s is refused before evaluation', (src) => {
    const e = errorOf(() => parseExpression(src));
    expect(e.message).toMatch(/is not allowed|cannot be a key/);
  });

  it.each([
    ['x.toString', 'x.toString'],
    ['x.hasOwnProperty', 'x.hasOwnProperty'],
    ['s.length', 's.length'],
    ['list.map', 'list.map'],
    ['valueOf', 'valueOf'],
  ])('%s is not data: undefined', (src, path) => {
    expect(errorOf(() => evalCondition(src, vars)).message).toBe(`undefined variable '${path}'`);
    expect(evalCondition(`${src} is defined`, vars)).toBe(false);
  });

  it('a key computed at run time cannot reach the prototype either', () => {
    const v: Vars = { ...vars, k: '__proto__', c: 'constructor' };
    expect(errorOf(() => evalCondition('x[k]', v)).message).toBe("access to '__proto__' is not allowed");
    expect(errorOf(() => evalCondition('s[c]', v)).message).toBe("access to 'constructor' is not allowed");
    expect(errorOf(() => evalCondition('x[k] is defined', v)).message).toBe("access to '__proto__' is not allowed");
  });

  it('a variable holding code is just a string', () => {
    expect(evaluate(parseExpression('payload'), vars)).toBe('1 == 1 or process.exit()');
    expect(evalCondition('payload', vars)).toBe(true); // a non-empty string
    expect(evalCondition("payload == '1 == 1 or process.exit()'", vars)).toBe(true);
    expect(evaluate(parseExpression('code ~ braces'), vars)).toBe("x.constructor.constructor('return process')(){{ x }}");
  });

  it('variables holding templates are not rendered', () => {
    expect(evalCondition("braces == '{' ~ '{ x }' ~ '}'", vars)).toBe(true);
  });

  it('does not see inherited properties of the variables object', () => {
    const base = { inherited: 1 };
    const layered = Object.assign(Object.create(base) as Vars, { own: 2 });
    expect(evalCondition('inherited == 1 and own == 2', layered)).toBe(true);
    expect(evalCondition('toString is defined', layered)).toBe(false);
    expect(evalCondition('hasOwnProperty is defined', {})).toBe(false);
  });

  it('limits the length of an expression', () => {
    const long = Array.from({ length: 3000 }, () => 'a').join(' or ');
    expect(errorOf(() => parseExpression(long)).message).toContain('expression longer than 10000 characters');
  });

  it('limits nesting depth', () => {
    expect(errorOf(() => parseExpression(`${'('.repeat(500)}1${')'.repeat(500)}`)).message).toContain('nested more than');
    expect(errorOf(() => parseExpression(`${'not '.repeat(500)}a`)).message).toContain('nested more than');
    expect(errorOf(() => parseExpression(`${'['.repeat(500)}${']'.repeat(500)}`)).message).toContain('nested more than');
    expect(errorOf(() => parseExpression(Array.from({ length: 400 }, () => '1').join(' + '))).message).toContain('too long or too deeply nested');
  });

  it('a long but flat expression is fine', () => {
    const ors = Array.from({ length: 150 }, (_, i) => `n == ${i}`).join(' or ');
    expect(evalCondition(ors, { n: 149 })).toBe(true);
  });

  it('errors are TemplateErrors with the template error code', () => {
    expect(errorOf(() => evalCondition('missing', vars)).code).toBe('E_TEMPLATE');
  });
});
