/**
 * Recursive-descent parser with Jinja's precedence, loosest first:
 *
 *   or  <  and  <  not  <  comparisons (== != < > <= >= in, not in; not chainable)
 *       <  + -  <  ~  <  * / // %  <  unary - +  <  filters | and tests `is`  <  . [] ()
 *
 * Names of filters and tests, their argument counts, and property names that reach into
 * JavaScript objects are checked here, so they are errors before anything is evaluated.
 */
import { isForbiddenKey } from '../helpers.js';
import type { ArithOp, Args, CompareOp, Expr } from './ast.js';
import type { CallableDef } from './catalog.js';
import { FILTERS } from './filters.js';
import { SyntaxFault, tokenize, type Token } from './lexer.js';
import { TESTS } from './predicates.js';

export const MAX_LENGTH = 10_000;
export const MAX_DEPTH = 100;

const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else']);
const LITERALS: Readonly<Record<string, unknown>> = {
  true: true,
  True: true,
  false: false,
  False: false,
  none: null,
  None: null,
  null: null,
};
const COMPARE_OPS: ReadonlySet<string> = new Set(['==', '!=', '<', '>', '<=', '>=']);

/** Method calls Ansible users write, and what to write here instead. */
const METHOD_HINTS: Readonly<Record<string, string>> = {
  startswith: "use: x is match('^prefix')",
  endswith: "use: x is search('suffix$')",
  keys: 'use: x | list, or x | dict2items',
  values: "use: x | dict2items | map(attribute='value')",
  items: 'use: x | dict2items',
  get: "use: x.key | default('fallback')",
  split: "use: x | split(',')",
  lower: 'use: x | lower',
  upper: 'use: x | upper',
  strip: 'use: x | trim',
};

/** Parses `src`; offsets in the tree and in errors count from `base` (where `src` sits in a larger string). */
export function parse(src: string, base = 0): Expr {
  if (src.length > MAX_LENGTH) throw new SyntaxFault(`expression longer than ${MAX_LENGTH} characters`, base);
  const parser = new Parser(tokenize(src, base));
  const expr = parser.expression();
  parser.expectEnd();
  return expr;
}

class Parser {
  private i = 0;
  private depth = 0;
  /** depth of each built node, to refuse trees that would exhaust the stack when evaluated */
  private readonly heights = new WeakMap<Expr, number>();

  constructor(private readonly tokens: Token[]) {}

  expression(): Expr {
    if (++this.depth > MAX_DEPTH) throw new SyntaxFault(`expression nested more than ${MAX_DEPTH} levels deep`, this.peek().at);
    try {
      return this.or();
    } finally {
      this.depth--;
    }
  }

  expectEnd(): void {
    const t = this.peek();
    if (t.kind === 'eof') return;
    if (t.kind === 'name' && t.text === 'if') throw new SyntaxFault("unexpected 'if'", t.at, 'inline if/else is not supported; use two conditions');
    if (t.kind === 'op' && t.text === '=') throw new SyntaxFault("unexpected '='", t.at, "use '==' to compare");
    throw this.unexpected(t);
  }

  // --- precedence levels -------------------------------------------------------------------

  private or(): Expr {
    let left = this.and();
    while (this.isName('or')) {
      const at = this.next().at;
      left = this.node({ kind: 'logical', at, op: 'or', left, right: this.and() });
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.isName('and')) {
      const at = this.next().at;
      left = this.node({ kind: 'logical', at, op: 'and', left, right: this.not() });
    }
    return left;
  }

  private not(): Expr {
    if (this.isName('not')) {
      const at = this.next().at;
      return this.nested(() => this.node({ kind: 'not', at, operand: this.not() }));
    }
    return this.compare();
  }

  private compare(): Expr {
    const left = this.sum();
    const op = this.compareOp();
    if (!op) return left;
    const expr = this.node({ kind: 'compare', at: op.at, op: op.op, left, right: this.sum() });
    const again = this.compareOp(false);
    if (again) throw new SyntaxFault(`chained comparison '${again.op}' is not supported`, again.at, 'split it: a < b and b < c');
    return expr;
  }

  private compareOp(consume = true): { op: CompareOp; at: number } | undefined {
    const t = this.peek();
    let found: { op: CompareOp; at: number; width: number } | undefined;
    if (t.kind === 'op' && COMPARE_OPS.has(t.text)) found = { op: t.text as CompareOp, at: t.at, width: 1 };
    else if (t.kind === 'name' && t.text === 'in') found = { op: 'in', at: t.at, width: 1 };
    else if (t.kind === 'name' && t.text === 'not' && this.peek(1).kind === 'name' && this.peek(1).text === 'in') {
      found = { op: 'not in', at: t.at, width: 2 };
    }
    if (found && consume) this.i += found.width;
    return found;
  }

  private sum(): Expr {
    let left = this.concat();
    while (this.isOp('+') || this.isOp('-')) {
      const t = this.next();
      left = this.node({ kind: 'arith', at: t.at, op: t.text as ArithOp, left, right: this.concat() });
    }
    return left;
  }

  private concat(): Expr {
    let left = this.product();
    while (this.isOp('~')) {
      const t = this.next();
      left = this.node({ kind: 'arith', at: t.at, op: '~', left, right: this.product() });
    }
    return left;
  }

  private product(): Expr {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      const t = this.next();
      left = this.node({ kind: 'arith', at: t.at, op: t.text as ArithOp, left, right: this.unary() });
    }
    return left;
  }

  /** As in Jinja, filters apply to the negated value: `-x | abs` is abs(-x). */
  private unary(withFilters = true): Expr {
    let expr: Expr;
    if (this.isOp('-') || this.isOp('+')) {
      const t = this.next();
      const operand = this.nested(() => this.unary(false));
      expr = this.node({ kind: 'negate', at: t.at, op: t.text as '-' | '+', operand });
    } else expr = this.postfix(this.primary());
    return withFilters ? this.filters(expr) : expr;
  }

  /** `| filter(args)` and `is [not] test(args)`, left to right. */
  private filters(subject: Expr): Expr {
    let expr = subject;
    for (;;) {
      if (this.isOp('|')) {
        this.next();
        const name = this.expectName('a filter name after |');
        const def = lookup(FILTERS, name.text);
        if (!def) throw new SyntaxFault(`unknown filter '${name.text}'`, name.at, `known filters: ${Object.keys(FILTERS).sort().join(', ')}`);
        const args = this.isOp('(') ? this.callArgs() : noArgs();
        this.checkArgs(`filter '${name.text}'`, def, args, name.at);
        expr = this.node({ kind: 'filter', at: name.at, name: name.text, subject: expr, args });
      } else if (this.isName('is')) {
        this.next();
        const negated = this.isName('not');
        if (negated) this.next();
        const name = this.expectName('a test name after is');
        const def = lookup(TESTS, name.text);
        if (!def) throw new SyntaxFault(`unknown test '${name.text}'`, name.at, `known tests: ${Object.keys(TESTS).sort().join(', ')}`);
        const args = this.testArgs();
        this.checkArgs(`test '${name.text}'`, def, args, name.at);
        expr = this.node({ kind: 'test', at: name.at, name: name.text, negated, subject: expr, args });
      } else return expr;
    }
  }

  /** Jinja allows one argument without parentheses: `x is divisibleby 3`, `x is in ['a']`. */
  private testArgs(): Args {
    if (this.isOp('(')) return this.callArgs();
    const t = this.peek();
    const startsValue =
      t.kind === 'number' ||
      t.kind === 'string' ||
      (t.kind === 'name' && !KEYWORDS.has(t.text)) ||
      (t.kind === 'op' && (t.text === '[' || t.text === '{'));
    if (!startsValue) return noArgs();
    return { positional: [this.nested(() => this.postfix(this.primary()))], named: {} };
  }

  // --- primary and postfix -----------------------------------------------------------------

  private primary(): Expr {
    const t = this.next();
    if (t.kind === 'number') return this.node({ kind: 'literal', at: t.at, value: t.num });
    if (t.kind === 'string') return this.node({ kind: 'literal', at: t.at, value: t.text });
    if (t.kind === 'name') {
      if (Object.hasOwn(LITERALS, t.text)) return this.node({ kind: 'literal', at: t.at, value: LITERALS[t.text] });
      if (KEYWORDS.has(t.text)) throw this.unexpected(t);
      if (isForbiddenKey(t.text)) throw new SyntaxFault(`access to '${t.text}' is not allowed`, t.at);
      if (this.isOp('(')) {
        throw new SyntaxFault(`function calls are not allowed: '${t.text}(...)'`, t.at, 'use filters and tests: x | length, x is defined');
      }
      return this.node({ kind: 'name', at: t.at, name: t.text });
    }
    if (t.kind === 'op' && t.text === '(') {
      const items = this.nested(() => this.sequence(')'));
      if (items.trailingComma || items.exprs.length !== 1) return this.node({ kind: 'list', at: t.at, items: items.exprs });
      return items.exprs[0];
    }
    if (t.kind === 'op' && t.text === '[') {
      return this.node({ kind: 'list', at: t.at, items: this.nested(() => this.sequence(']')).exprs });
    }
    if (t.kind === 'op' && t.text === '{') return this.nested(() => this.dict(t.at));
    throw this.unexpected(t);
  }

  private postfix(start: Expr): Expr {
    let expr = start;
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        const t = this.next();
        if (t.kind !== 'name' && t.kind !== 'number') throw new SyntaxFault(`expected an attribute name after '.'`, t.at);
        if (isForbiddenKey(t.text)) throw new SyntaxFault(`access to '${t.text}' is not allowed`, t.at);
        if (this.isOp('(')) {
          throw new SyntaxFault(`method calls are not allowed: '.${t.text}(...)'`, t.at, METHOD_HINTS[t.text] ?? 'use filters and tests instead');
        }
        expr =
          t.kind === 'number'
            ? this.node({ kind: 'index', at: t.at, object: expr, index: this.node({ kind: 'literal', at: t.at, value: t.num }) })
            : this.node({ kind: 'attr', at: t.at, object: expr, name: t.text });
      } else if (this.isOp('[')) {
        const open = this.next();
        const index = this.nested(() => this.expression());
        if (this.isOp(':')) throw new SyntaxFault('slices are not supported', this.peek().at, 'use | first, | last, or an index');
        this.expect(']');
        if (index.kind === 'literal' && typeof index.value === 'string' && isForbiddenKey(index.value)) {
          throw new SyntaxFault(`access to '${index.value}' is not allowed`, index.at);
        }
        expr = this.node({ kind: 'index', at: open.at, object: expr, index });
      } else if (this.isOp('(')) {
        throw new SyntaxFault('calls are not allowed', this.peek().at, 'use filters and tests: x | length, x is defined');
      } else return expr;
    }
  }

  private sequence(close: string): { exprs: Expr[]; trailingComma: boolean } {
    const exprs: Expr[] = [];
    let trailingComma = false;
    while (!this.isOp(close)) {
      exprs.push(this.expression());
      trailingComma = false;
      if (!this.isOp(',')) break;
      this.next();
      trailingComma = true;
    }
    this.expect(close);
    return { exprs, trailingComma };
  }

  private dict(at: number): Expr {
    const entries: Array<[Expr, Expr]> = [];
    while (!this.isOp('}')) {
      const key = this.expression();
      if (key.kind === 'literal' && typeof key.value === 'string' && isForbiddenKey(key.value)) {
        throw new SyntaxFault(`'${key.value}' cannot be a key`, key.at);
      }
      this.expect(':');
      entries.push([key, this.expression()]);
      if (!this.isOp(',')) break;
      this.next();
    }
    this.expect('}');
    return this.node({ kind: 'dict', at, entries });
  }

  /** `(a, b, name=c)` */
  private callArgs(): Args {
    this.expect('(');
    const args: Args = { positional: [], named: {} };
    while (!this.isOp(')')) {
      const t = this.peek();
      if (t.kind === 'name' && this.peek(1).kind === 'op' && this.peek(1).text === '=') {
        this.i += 2;
        if (Object.hasOwn(args.named, t.text)) throw new SyntaxFault(`argument '${t.text}' given twice`, t.at);
        args.named[t.text] = this.nested(() => this.expression());
      } else {
        if (Object.keys(args.named).length > 0) throw new SyntaxFault('positional argument after a named one', t.at);
        args.positional.push(this.nested(() => this.expression()));
      }
      if (!this.isOp(',')) break;
      this.next();
    }
    this.expect(')');
    return args;
  }

  /** Maps named arguments onto positions and checks counts and names against the definition. */
  private checkArgs(what: string, def: CallableDef<unknown>, args: Args, at: number): void {
    for (const [name, value] of Object.entries(args.named)) {
      const index = def.params.indexOf(name);
      if (index >= 0) {
        if (args.positional[index] !== undefined) throw new SyntaxFault(`${what}: argument '${name}' given twice`, value.at);
        while (args.positional.length < index) args.positional.push(undefined);
        args.positional[index] = value;
        delete args.named[name];
      } else if (!def.options?.includes(name)) {
        const known = [...def.params, ...(def.options ?? [])];
        throw new SyntaxFault(`${what} has no argument '${name}'`, value.at, known.length ? `its arguments: ${known.join(', ')}` : 'it takes no arguments');
      }
    }
    const given = args.positional.length;
    const missing = args.positional.slice(0, def.required).some((a) => a === undefined);
    if (missing || given < def.required || (!def.rest && given > def.params.length)) {
      const wanted = def.rest ? `at least ${def.required}` : def.required === def.params.length ? `${def.required}` : `${def.required} to ${def.params.length}`;
      throw new SyntaxFault(`${what} takes ${wanted} argument(s), got ${given}`, at, def.params.length ? `arguments: ${def.params.join(', ')}` : undefined);
    }
    const ref = def.refers ? args.positional[0] : undefined;
    if (def.refers && ref?.kind === 'literal' && typeof ref.value === 'string') {
      const table = def.refers === 'test' ? TESTS : FILTERS;
      if (!lookup(table, ref.value)) throw new SyntaxFault(`unknown ${def.refers} '${ref.value}'`, ref.at);
    }
  }

  // --- tokens and nodes --------------------------------------------------------------------

  private nested<T>(fn: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new SyntaxFault(`expression nested more than ${MAX_DEPTH} levels deep`, this.peek().at);
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  /** Records the height of a new node; long operator chains (`a+a+a+...`) are deep trees too. */
  private node(e: Expr): Expr {
    let height = 1;
    for (const child of children(e)) height = Math.max(height, (this.heights.get(child) ?? 1) + 1);
    if (height > MAX_DEPTH * 2) throw new SyntaxFault('expression too long or too deeply nested', e.at);
    this.heights.set(e, height);
    return e;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)];
  }

  private next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  private isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }

  private isName(text: string): boolean {
    const t = this.peek();
    return t.kind === 'name' && t.text === text;
  }

  private expect(text: string): Token {
    if (!this.isOp(text)) {
      const t = this.peek();
      throw new SyntaxFault(`expected '${text}' but found ${describe(t)}`, t.at);
    }
    return this.next();
  }

  private expectName(what: string): Token {
    const t = this.next();
    if (t.kind !== 'name') throw new SyntaxFault(`expected ${what}, found ${describe(t)}`, t.at);
    return t;
  }

  private unexpected(t: Token): SyntaxFault {
    if (t.kind === 'eof') return new SyntaxFault('unexpected end of expression', t.at);
    return new SyntaxFault(`unexpected ${describe(t)}`, t.at);
  }
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'the end of the expression';
  if (t.kind === 'string') return `string '${t.text}'`;
  return `'${t.text}'`;
}

function noArgs(): Args {
  return { positional: [], named: {} };
}

function lookup<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'literal':
    case 'name':
      return [];
    case 'attr':
      return [e.object];
    case 'index':
      return [e.object, e.index];
    case 'list':
      return e.items;
    case 'dict':
      return e.entries.flat();
    case 'not':
    case 'negate':
      return [e.operand];
    case 'logical':
    case 'compare':
    case 'arith':
      return [e.left, e.right];
    case 'test':
    case 'filter':
      return [e.subject, ...e.args.positional.filter((a): a is Expr => a !== undefined), ...Object.values(e.args.named)];
  }
}
