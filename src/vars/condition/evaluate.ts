/**
 * Evaluates a parsed condition against variables. Nothing here can run code: values are data,
 * property access reads own data only, and the only callables are the tests and filters below.
 *
 * Language
 *   literals     1  2.5  'str'  "str"  true/True  false/False  none/None/null  [a, b]  {'k': v}  (a, b)
 *   access       a.b  a[0]  a[-1]  a['k']  a.0
 *   logic        not a   a and b   a or b          (Python: `and`/`or` return the deciding operand)
 *   compare      ==  !=  <  >  <=  >=  in  not in    (not chainable; ordering needs two numbers, strings or lists)
 *   arithmetic   +  -  *  /  //  %  (numbers; + also joins strings and lists)   ~ joins as text
 *   truthiness   Python's: None, false, 0, '', [] and {} are false
 *
 * Tests (x is [not] name)
 *   defined undefined none true false boolean string number integer float mapping iterable sequence
 *   even odd divisibleby(n)
 *   changed failed/failure skipped unreachable succeeded/success   (read a registered result)
 *   match(re) (anchored at the start) search(re) regex(re)  [ignorecase, multiline=]
 *   version(v, op='eq') / version_compare                          (ops: < lt <= le > gt >= ge == eq != ne)
 *   subset(list) superset(list) in(container) contains(item)  eq/equalto ne lt le gt ge
 *
 * Filters (x | name)
 *   length count int(default, base) float(default) bool string lower upper trim
 *   default(value, boolean=false) d(...)  first last list join(sep) split(sep) replace(old, new)
 *   regex_search(re) regex_replace(re, repl)  select(test, ...) reject(test, ...)
 *   map(filter, ...) map(attribute='a.b', default=...)  unique sort(reverse, case_sensitive, attribute)
 *   reverse min max sum abs flatten(levels) difference intersect union dict2items items2dict
 *   from_json to_json basename dirname b64encode b64decode
 *
 * Undefined: reading a missing variable, key or element is an error, except as the subject of
 * `is defined` / `is undefined` and of `| default(...)`, where a whole missing path is allowed
 * (`x.y is defined` is false when x itself is undefined, as in Ansible).
 */
import { TemplateError, type SourcePos } from '../../errors.js';
import {
  DataError,
  MISSING,
  compareValues,
  contains,
  deepEqual,
  getOwn,
  isForbiddenKey,
  isMapping,
  isTruthy,
  lookupVar,
  toText,
  typeName,
} from '../helpers.js';
import type { Vars } from '../types.js';
import type { Args, Expr } from './ast.js';
import type { CallContext, CallableDef } from './catalog.js';
import { FILTERS } from './filters.js';
import { TESTS } from './predicates.js';

/** A missing value on its way to `is defined` or `| default`, or to an error naming it. */
class Undef {
  constructor(
    /** the path as written: x.y[0] */
    readonly path: string,
    readonly at: number,
    /** why, for the hint */
    readonly detail: string,
    /** a filter result rather than a variable */
    readonly produced = false,
  ) {}
}

const UNDEFINED_HINT = "define it, test it with 'is defined', or give a fallback with '| default(...)'";

/** Where an expression sits: the position of the text it came from (offsets add to the column). */
export function positionAt(where: SourcePos | undefined, at: number): SourcePos | undefined {
  return where ? { file: where.file, line: where.line, col: where.col + at } : undefined;
}

export function evaluateExpr(expr: Expr, vars: Vars, where?: SourcePos): unknown {
  return new Evaluator(vars, where).value(expr);
}

class Evaluator implements CallContext {
  constructor(
    private readonly vars: Vars,
    private readonly where: SourcePos | undefined,
  ) {}

  /** A value that must exist. */
  value(e: Expr): unknown {
    const v = this.maybe(e);
    if (v instanceof Undef) throw this.undefinedError(v);
    return v;
  }

  /** A value, or Undef for a missing variable / key / element (only names and accesses produce Undef). */
  private maybe(e: Expr): unknown {
    switch (e.kind) {
      case 'literal':
        return e.value;
      case 'name': {
        const v = lookupVar(this.vars, e.name);
        return v === MISSING ? new Undef(e.name, e.at, `there is no variable '${e.name}'`) : v;
      }
      case 'attr':
        return this.access(e.object, e.name, `${this.pathOf(e.object)}.${e.name}`, e.at);
      case 'index': {
        const key = this.value(e.index);
        if (typeof key !== 'string' && !(typeof key === 'number' && Number.isInteger(key))) {
          throw this.error(`index must be an integer or a string, not ${typeName(key)}`, e.index.at);
        }
        return this.access(e.object, key, `${this.pathOf(e.object)}[${JSON.stringify(key)}]`, e.at);
      }
      case 'list':
        return e.items.map((i) => this.value(i));
      case 'dict':
        return this.dict(e.entries);
      case 'not':
        return !isTruthy(this.value(e.operand));
      case 'negate': {
        const v = this.value(e.operand);
        if (typeof v !== 'number') throw this.error(`bad operand type for unary ${e.op}: '${typeName(v)}'`, e.at);
        return e.op === '-' ? -v : v;
      }
      case 'logical': {
        const left = this.value(e.left);
        if (e.op === 'and') return isTruthy(left) ? this.value(e.right) : left;
        return isTruthy(left) ? left : this.value(e.right);
      }
      case 'compare':
        return this.guard(e.at, () => compare(e.op, this.value(e.left), this.value(e.right)));
      case 'arith':
        return this.guard(e.at, () => arithmetic(e.op, this.value(e.left), this.value(e.right)));
      case 'test':
        return this.testNode(e);
      case 'filter':
        return this.filterNode(e);
    }
  }

  private access(objectExpr: Expr, key: string | number, path: string, at: number): unknown {
    const object = this.maybe(objectExpr);
    if (object instanceof Undef) return object.produced ? object : new Undef(path, object.at, object.detail);
    if (typeof key === 'string' && isForbiddenKey(key)) throw this.error(`access to '${key}' is not allowed`, at);
    const v = getOwn(object, key);
    if (v !== MISSING) return v;
    return new Undef(path, at, this.whyMissing(this.pathOf(objectExpr), object, key));
  }

  private whyMissing(ownerPath: string, owner: unknown, key: string | number): string {
    if (owner === null) return `'${ownerPath}' is None`;
    if (isMapping(owner)) {
      const keys = Object.keys(owner);
      const shown = keys.slice(0, 12).join(', ') + (keys.length > 12 ? ', ...' : '');
      return keys.length ? `'${ownerPath}' has no key '${key}' (it has: ${shown})` : `'${ownerPath}' is an empty dict`;
    }
    if (Array.isArray(owner) || typeof owner === 'string') {
      return typeof key === 'number' ? `'${ownerPath}' has ${owner.length} elements` : `'${ownerPath}' is a ${typeName(owner)}, it has no key '${key}'`;
    }
    return `'${ownerPath}' is a ${typeName(owner)}`;
  }

  private dict(entries: Array<[Expr, Expr]>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const key = this.value(k);
      if (typeof key !== 'string' && typeof key !== 'number') throw this.error(`a dict key must be a string or a number, not ${typeName(key)}`, k.at);
      if (isForbiddenKey(String(key))) throw this.error(`'${key}' cannot be a key`, k.at);
      Object.defineProperty(out, String(key), { value: this.value(v), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  private filterNode(e: Extract<Expr, { kind: 'filter' }>): unknown {
    const def = FILTERS[e.name];
    const subject = this.subject(def, e.subject);
    const [args, named] = this.args(e.args);
    const result = this.guard(e.at, () => def.fn(subject, args, named, this));
    if (result === MISSING) return new Undef(e.name, e.at, `'${e.name}' of an empty list or string has no value`, true);
    return result;
  }

  /** The subject of a test or filter: undefined is passed on only to those that handle it. */
  private subject(def: CallableDef<unknown>, e: Expr): unknown {
    if (!def.acceptsUndefined) return this.value(e);
    const v = this.maybe(e);
    return v instanceof Undef ? undefined : v;
  }

  private args(args: Args): [unknown[], Record<string, unknown>] {
    const positional = args.positional.map((a) => (a === undefined ? undefined : this.value(a)));
    const named: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(args.named)) named[k] = this.value(v);
    return [positional, named];
  }

  // CallContext: select / reject / map call tests and filters by name at run time.
  test(name: string, subject: unknown, args: unknown[]): boolean {
    if (!Object.hasOwn(TESTS, name)) throw new DataError(`unknown test '${name}'`);
    return TESTS[name].fn(subject, args, {}, this);
  }

  filter(name: string, subject: unknown, args: unknown[]): unknown {
    if (!Object.hasOwn(FILTERS, name)) throw new DataError(`unknown filter '${name}'`);
    const result = FILTERS[name].fn(subject, args, {}, this);
    if (result === MISSING) throw new DataError(`'${name}' of an empty value`);
    return result;
  }

  private testNode(e: Extract<Expr, { kind: 'test' }>): boolean {
    const def = TESTS[e.name];
    const subject = this.subject(def, e.subject);
    const [args, named] = this.args(e.args);
    const result = this.guard(e.at, () => def.fn(subject, args, named, this));
    return e.negated ? !result : result;
  }

  /** How a name/access chain is written, for messages. */
  private pathOf(e: Expr): string {
    switch (e.kind) {
      case 'name':
        return e.name;
      case 'attr':
        return `${this.pathOf(e.object)}.${e.name}`;
      case 'index':
        return `${this.pathOf(e.object)}[${e.index.kind === 'literal' ? JSON.stringify(e.index.value) : '...'}]`;
      case 'literal':
        return JSON.stringify(e.value);
      default:
        return `(${e.kind})`;
    }
  }

  /** Runs an operation on data; its DataError becomes a TemplateError at the operator. */
  private guard<T>(at: number, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof DataError) throw this.error(err.message, at, err.hint);
      throw err;
    }
  }

  private error(message: string, at: number, hint?: string): TemplateError {
    return new TemplateError(message, { pos: positionAt(this.where, at), hint });
  }

  private undefinedError(u: Undef): TemplateError {
    if (u.produced) return this.error(u.detail, u.at, "give a fallback with '| default(...)'");
    return this.error(`undefined variable '${u.path}'`, u.at, `${u.detail}; ${UNDEFINED_HINT}`);
  }
}

function compare(op: Extract<Expr, { kind: 'compare' }>['op'], l: unknown, r: unknown): boolean {
  switch (op) {
    case '==':
      return deepEqual(l, r);
    case '!=':
      return !deepEqual(l, r);
    case '<':
      return compareValues(l, r) < 0;
    case '>':
      return compareValues(l, r) > 0;
    case '<=':
      return compareValues(l, r) <= 0;
    case '>=':
      return compareValues(l, r) >= 0;
    case 'in':
      return contains(r, l);
    case 'not in':
      return !contains(r, l);
  }
}

function arithmetic(op: Extract<Expr, { kind: 'arith' }>['op'], l: unknown, r: unknown): unknown {
  if (op === '~') return toText(l) + toText(r);
  if (op === '+') {
    if (typeof l === 'string' && typeof r === 'string') return l + r;
    if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
  }
  if (typeof l !== 'number' || typeof r !== 'number') {
    throw new DataError(`unsupported operand types for ${op}: '${typeName(l)}' and '${typeName(r)}'`, op === '+' ? "use '~' to join values as text" : undefined);
  }
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      if (r === 0) throw new DataError('division by zero');
      return l / r;
    case '//':
      if (r === 0) throw new DataError('division by zero');
      return Math.floor(l / r);
    case '%':
      if (r === 0) throw new DataError('modulo by zero');
      return ((l % r) + r) % r; // Python: the result has the sign of the divisor
  }
}
