/**
 * The Handlebars AST, and the rewrite that gives templates Ansible's notion of "undefined".
 *
 * Why not Handlebars' own `strict: true`: it also throws for helper arguments, so
 * `{{default x "y"}}` and `{{#if x}}` cannot test a missing variable (and `{{#if a.b}}` throws when
 * `a` is missing), and its message names only the last path segment. Instead templates are compiled
 * without `strict`, after this rewrite:
 *
 *   {{a.b}}               -> {{__out a.b "a.b" true  __pos="L:C"}}   (undefined -> "undefined variable 'a.b'")
 *   {{join xs ","}}       -> {{__out (join (__var xs "xs" __pos=..) "," __pos=..) "join xs \",\"" false __pos=..}}
 *   {{#each groups.w}}    -> {{#each (__var groups.w "groups.w" __pos=..) __pos=..}}
 *   {{#if x}} / {{default x "y"}}   arguments left as they are: these helpers exist to handle undefined
 *
 * Handlebars' lenient lookup (a missing step gives undefined, inherited properties are refused)
 * finds the value; `__var` / `__out` turn undefined into an error that names the whole path and its
 * position. The same walk rejects, before anything runs: unknown helpers, wrong argument counts,
 * partials, decorators, named arguments and property names that reach into JavaScript objects.
 */
import { isForbiddenKey } from './helpers.js';
import { TEMPLATE_HELPERS, type TemplateHelper } from './template-helpers.js';
import { TemplateFault, encodeLoc, type TemplateLoc } from './template-fault.js';

export interface Loc {
  start: TemplateLoc;
  end: TemplateLoc;
}

export interface PathNode {
  type: 'PathExpression';
  data: boolean;
  depth: number;
  parts: string[];
  original: string;
  loc: Loc;
}
export interface LiteralNode {
  type: 'StringLiteral' | 'NumberLiteral' | 'BooleanLiteral' | 'UndefinedLiteral' | 'NullLiteral';
  value?: string | number | boolean;
  original?: string | number | boolean;
  loc: Loc;
}
export interface HashNode {
  type: 'Hash';
  pairs: Array<{ type: 'HashPair'; key: string; value: ExprNode; loc: Loc }>;
  loc: Loc;
}
export interface SubExpressionNode {
  type: 'SubExpression';
  path: PathNode | LiteralNode;
  params: ExprNode[];
  hash?: HashNode;
  loc: Loc;
}
export type ExprNode = PathNode | LiteralNode | SubExpressionNode;

export interface ProgramNode {
  type: 'Program';
  body: StatementNode[];
  blockParams?: string[];
  loc?: Loc;
}
export interface MustacheNode {
  type: 'MustacheStatement' | 'Decorator';
  path: PathNode | LiteralNode;
  params: ExprNode[];
  hash?: HashNode;
  loc: Loc;
}
export interface BlockNode {
  type: 'BlockStatement' | 'DecoratorBlock';
  path: PathNode | LiteralNode;
  params: ExprNode[];
  hash?: HashNode;
  program?: ProgramNode;
  inverse?: ProgramNode;
  loc: Loc;
}
export interface OtherStatementNode {
  type: 'ContentStatement' | 'CommentStatement' | 'PartialStatement' | 'PartialBlockStatement';
  value?: string;
  loc: Loc;
}
export type StatementNode = MustacheNode | BlockNode | OtherStatementNode;

/** Internal helpers added by the rewrite (see template-env.ts). */
export const INTERNAL = { variable: '__var', output: '__out', capture: '__capture' } as const;

export function undefinedVariableHint(name: string): string {
  return `define it in vars, group_vars, or use {{default ${name} "..."}}`;
}

/** A plain helper-or-variable name: `join`, not `a.b`, `@index`, `../x` or `this`. */
export function simpleName(path: PathNode | LiteralNode): string | undefined {
  if (path.type !== 'PathExpression') return undefined;
  return !path.data && path.depth === 0 && path.parts.length === 1 && path.original === path.parts[0] ? path.parts[0] : undefined;
}

/** Whether a mustache or sub-expression calls a helper (rather than printing a variable). */
export function callsHelper(node: { path: PathNode | LiteralNode; params: ExprNode[] }, blockParams: ReadonlySet<string>): boolean {
  if (node.params.length > 0) return true;
  const name = simpleName(node.path);
  return name !== undefined && !blockParams.has(name) && Object.hasOwn(TEMPLATE_HELPERS, name);
}

/** The single mustache of a template that is nothing else (whitespace aside), or undefined. */
export function singleMustache(ast: ProgramNode): MustacheNode | undefined {
  const significant = ast.body.filter((s) => !(s.type === 'ContentStatement' && (s.value ?? '').trim() === ''));
  const only = significant.length === 1 ? significant[0] : undefined;
  return only && only.type === 'MustacheStatement' ? only : undefined;
}

/** How the rewrite finishes each top-level mustache: print it, or hand its value back untouched. */
export type OutputMode = 'text' | 'value';

/** Rewrites `ast` in place (see the file comment); `source` is the template text, for labels. */
export function prepareTemplate(ast: ProgramNode, source: string, mode: OutputMode = 'text'): ProgramNode {
  new Rewriter(source, mode).program(ast, new Set());
  return ast;
}

const JINJA_STATEMENT = /\{%-?\s*(if|elif|else|endif|for|endfor|set|macro|endmacro|include|block|endblock|raw)\b[^%]*%\}/;
const JINJA_DEFAULT_HINT = 'use Handlebars blocks; for literal text wrap it in {{{{raw}}}}...{{{{/raw}}}}';
const JINJA_HINTS: Readonly<Record<string, string>> = {
  if: 'write {{#if cond}}...{{else}}...{{/if}} (literal text: wrap it in {{{{raw}}}}...{{{{/raw}}}})',
  for: 'write {{#each list}}{{this}}{{/each}} (literal text: wrap it in {{{{raw}}}}...{{{{/raw}}}})',
  set: 'define the value in vars; templates only read variables',
};

const start = (loc: Loc): TemplateLoc => loc.start;

function fault(message: string, loc: Loc, hint?: string): TemplateFault {
  return new TemplateFault(message, start(loc), hint);
}

function str(value: string, loc: Loc): LiteralNode {
  return { type: 'StringLiteral', value, original: value, loc };
}

function bool(value: boolean, loc: Loc): LiteralNode {
  return { type: 'BooleanLiteral', value, original: value, loc };
}

function helperPath(name: string, loc: Loc): PathNode {
  return { type: 'PathExpression', data: false, depth: 0, parts: [name], original: name, loc };
}

function posHash(loc: Loc): HashNode {
  return { type: 'Hash', pairs: [{ type: 'HashPair', key: '__pos', value: str(encodeLoc(loc.start), loc), loc }], loc };
}

class Rewriter {
  private readonly lineStarts: number[];

  constructor(
    private readonly source: string,
    private readonly mode: OutputMode,
  ) {
    this.lineStarts = [0];
    for (let i = 0; i < source.length; i++) if (source[i] === '\n') this.lineStarts.push(i + 1);
  }

  program(p: ProgramNode | undefined, scope: ReadonlySet<string>): void {
    if (!p) return;
    for (const s of p.body) this.statement(s, scope);
  }

  private statement(s: StatementNode, scope: ReadonlySet<string>): void {
    switch (s.type) {
      case 'ContentStatement':
        return this.content(s);
      case 'CommentStatement':
        return;
      case 'MustacheStatement':
        return this.mustache(s as MustacheNode, scope);
      case 'BlockStatement':
        return this.block(s as BlockNode, scope);
      case 'PartialStatement':
      case 'PartialBlockStatement':
        throw fault('partials ({{> name}}) are not supported in templates', s.loc, 'put shared text in a variable and print it');
      default:
        throw fault('decorators ({{* name}}) are not supported in templates', s.loc);
    }
  }

  /**
   * Jinja statements would otherwise be copied to the host as they are, and the file would look
   * rendered while its logic never ran.
   */
  private content(c: OtherStatementNode): void {
    const value = c.value ?? '';
    const m = JINJA_STATEMENT.exec(value);
    if (!m) return;
    const before = value.slice(0, m.index).split('\n');
    const line = c.loc.start.line + before.length - 1;
    const column = (before.length === 1 ? c.loc.start.column : 0) + before[before.length - 1].length;
    throw new TemplateFault(`Jinja statement '${m[0].trim()}' in a Handlebars template`, { line, column }, JINJA_HINTS[m[1]] ?? JINJA_DEFAULT_HINT);
  }

  private mustache(m: MustacheNode, scope: ReadonlySet<string>): void {
    this.rejectHash(m.hash);
    let inner: ExprNode;
    let isVariable = false;
    if (m.path.type !== 'PathExpression') {
      if (m.params.length > 0) throw fault('a helper name must be a plain name', m.loc);
      inner = m.path; // {{ "text" }} or {{ 5 }}: the literal itself
    } else if (callsHelper({ path: m.path, params: m.params }, scope)) {
      inner = this.subExpression({ type: 'SubExpression', path: m.path, params: m.params, loc: m.loc }, scope);
    } else {
      this.checkPath(m.path);
      inner = m.path;
      isVariable = true;
    }
    const label = isVariable ? (m.path as PathNode).original : this.text(m.loc);
    m.path = helperPath(this.mode === 'value' ? INTERNAL.capture : INTERNAL.output, m.loc);
    m.params = [inner, str(label, m.loc), bool(isVariable, m.loc)];
    m.hash = posHash(m.loc);
  }

  private block(b: BlockNode, scope: ReadonlySet<string>): void {
    if (b.type !== 'BlockStatement') throw fault('decorators ({{* name}}) are not supported in templates', b.loc);
    const name = simpleName(b.path);
    const helper = name === undefined ? undefined : this.helper(name);
    if (!name || !helper) {
      const shown = b.path.type === 'PathExpression' ? b.path.original : String(b.path.original);
      throw fault(`unknown block helper '${shown}'`, b.loc, `use {{#if ${shown}}}, {{#each ${shown}}} or {{#with ${shown}}}`);
    }
    if (!helper.block) throw fault(`'${name}' is not a block helper`, b.loc, `write it inline: {{${name} ...}}`);
    this.rejectHash(b.hash);
    b.params = this.args(name, helper, b.params, b.loc, scope);
    b.hash = posHash(b.loc);
    if (name === 'raw') return; // literal text, whatever it looks like
    const inner = new Set(scope);
    for (const p of b.program?.blockParams ?? []) inner.add(p);
    this.program(b.program, inner);
    this.program(b.inverse, scope);
  }

  private subExpression(s: SubExpressionNode, scope: ReadonlySet<string>): SubExpressionNode {
    this.rejectHash(s.hash);
    const name = simpleName(s.path);
    const shown = s.path.type === 'PathExpression' ? s.path.original : String(s.path.original);
    if (name === undefined) throw fault(`'${shown}' is not a helper name`, s.loc, 'a helper is called by its plain name: {{join list ","}}');
    const helper = this.helper(name);
    if (!helper) throw fault(`unknown helper '${name}'`, s.loc, `known helpers: ${Object.keys(TEMPLATE_HELPERS).sort().join(', ')}`);
    if (helper.block) throw fault(`'${name}' is a block helper`, s.loc, `use it as {{#${name} ...}}...{{/${name}}}`);
    return { type: 'SubExpression', path: s.path, params: this.args(name, helper, s.params, s.loc, scope), hash: posHash(s.loc), loc: s.loc };
  }

  private args(name: string, helper: TemplateHelper, params: ExprNode[], loc: Loc, scope: ReadonlySet<string>): ExprNode[] {
    const [min, max] = helper.arity;
    if (params.length < min || params.length > max) {
      const wanted = min === max ? `${min}` : max >= 100 ? `at least ${min}` : `${min} to ${max}`;
      throw fault(`helper '${name}' takes ${wanted} argument${wanted === '1' ? '' : 's'}, got ${params.length}`, loc);
    }
    return params.map((p) => this.arg(p, helper, scope));
  }

  private arg(p: ExprNode, helper: TemplateHelper, scope: ReadonlySet<string>): ExprNode {
    if (p.type === 'SubExpression') return this.subExpression(p, scope);
    if (p.type !== 'PathExpression') return p;
    this.checkPath(p);
    if (helper.acceptsUndefined) return p;
    return {
      type: 'SubExpression',
      path: helperPath(INTERNAL.variable, p.loc),
      params: [p, str(p.original, p.loc)],
      hash: posHash(p.loc),
      loc: p.loc,
    };
  }

  private helper(name: string): TemplateHelper | undefined {
    return Object.hasOwn(TEMPLATE_HELPERS, name) ? TEMPLATE_HELPERS[name] : undefined;
  }

  private checkPath(p: PathNode): void {
    const bad = p.parts.find(isForbiddenKey);
    if (bad !== undefined) throw fault(`access to '${bad}' is not allowed in templates`, p.loc);
  }

  private rejectHash(hash: HashNode | undefined): void {
    if (hash && hash.pairs.length > 0) {
      throw fault('named arguments (key=value) are not supported in templates', hash.loc, 'pass arguments in order: {{indent text 2}}');
    }
  }

  /** The template text of a node, without its braces: the label shown in messages. */
  private text(loc: Loc): string {
    const from = (this.lineStarts[loc.start.line - 1] ?? 0) + loc.start.column;
    const to = (this.lineStarts[loc.end.line - 1] ?? 0) + loc.end.column;
    return this.source
      .slice(from, to)
      .replace(/^\{\{\{?~?\s*/, '')
      .replace(/\s*~?\}?\}\}$/, '');
  }
}
