/**
 * Conditions: `when`, `changed_when`, `failed_when`, `until`, `assert.that`. A small safe
 * expression language close to what Ansible users write (see evaluate.ts for the language).
 * Values are never parsed as expressions: a variable holding `1 == 1 or x` is just a string.
 */
import { TemplateError, type SourcePos } from '../../errors.js';
import { isTruthy } from '../helpers.js';
import type { Vars } from '../types.js';
import type { Expr } from './ast.js';
import { evaluateExpr, positionAt } from './evaluate.js';
import { SyntaxFault } from './lexer.js';
import { children, parse } from './parser.js';

export type { Expr } from './ast.js';

const cache = new Map<string, Expr>();
const CACHE_LIMIT = 5000;

/** `"{{ x }}"` (an Ansible habit): the text between the braces and where it starts. */
function unwrap(src: string): { text: string; base: number } {
  const m = /^(\s*\{\{)([\s\S]*)\}\}\s*$/.exec(src);
  if (m && !m[2].includes('{{') && !m[2].includes('}}')) return { text: m[2], base: m[1].length };
  return { text: src, base: 0 };
}

export function parseExpression(src: string, where?: SourcePos): Expr {
  const { text, base } = unwrap(src);
  if (text.trim() === '') throw new TemplateError('empty condition', { pos: where, hint: 'write an expression, e.g. x is defined' });
  let expr: Expr;
  try {
    expr = parse(text, base);
  } catch (e) {
    if (!(e instanceof SyntaxFault)) throw e;
    const templated = text.indexOf('{{');
    if (templated >= 0) throw templatedError(src, positionAt(where, base + templated));
    const column = where ? '' : ` (column ${e.at + 1})`;
    throw new TemplateError(`${e.message} in condition ${JSON.stringify(src)}${column}`, { pos: positionAt(where, e.at), hint: e.hint });
  }
  const literal = findTemplatedLiteral(expr);
  if (literal) throw templatedError(src, positionAt(where, literal.at));
  return expr;
}

/** `x == "{{ y }}"`: Ansible would render the string first; here it would silently compare text. */
function findTemplatedLiteral(e: Expr): Expr | undefined {
  if (e.kind === 'literal' && typeof e.value === 'string' && /\{\{[\s\S]*\}\}/.test(e.value)) return e;
  for (const c of children(e)) {
    const found = findTemplatedLiteral(c);
    if (found) return found;
  }
  return undefined;
}

function templatedError(src: string, pos: SourcePos | undefined): TemplateError {
  return new TemplateError(`templates are not needed in conditions: ${JSON.stringify(src)}`, {
    pos,
    hint: "conditions already see variables: write `x == y`, not `{{ x }} == '{{ y }}'`",
  });
}

function parsed(src: string, where?: SourcePos): Expr {
  const hit = cache.get(src);
  if (hit) return hit;
  const expr = parseExpression(src, where);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(src, expr);
  return expr;
}

export function evaluate(expr: Expr, vars: Vars, where?: SourcePos): unknown {
  return evaluateExpr(expr, vars, where);
}

/** A boolean or number is literal; a string is an expression; the result is Python-truthy. */
export function evalCondition(cond: string | boolean | number, vars: Vars, where?: SourcePos): boolean {
  if (typeof cond === 'boolean') return cond;
  if (typeof cond === 'number') return isTruthy(cond);
  return isTruthy(evaluateExpr(parsed(cond, where), vars, where));
}

/** A list of conditions is ANDed; evaluation stops at the first false one. */
export function evalConditions(conds: ReadonlyArray<string | boolean>, vars: Vars, where?: SourcePos): boolean {
  return conds.every((c) => evalCondition(c, vars, where));
}

/** Parses only: for validating playbooks before any host is contacted. */
export function checkExpression(src: string, where?: SourcePos): void {
  parsed(src, where);
}

/** The root variable names an expression reads, in order of appearance. */
export function expressionVariables(src: string): string[] {
  const found = new Set<string>();
  const walk = (e: Expr): void => {
    if (e.kind === 'name') found.add(e.name);
    for (const c of children(e)) walk(c);
  };
  walk(parsed(src));
  return [...found];
}
