/**
 * The root variables a template refers to, found on its AST: used to validate playbooks and roles
 * before any host is contacted. Names inside `{{#each}}` / `{{#with}}` refer to the element, not to
 * a variable, unless they climb back out (`../x`, `@root.x`).
 */
import { callsHelper, simpleName, type BlockNode, type ExprNode, type MustacheNode, type PathNode, type ProgramNode } from './template-ast.js';

/** Blocks whose body runs with a new context (`this` is the element). */
const CONTEXT_BLOCKS: ReadonlySet<string> = new Set(['each', 'with']);
/** Helpers that read variables themselves. */
const IMPLIED: Readonly<Record<string, string>> = { hostvar: 'hostvars' };

export function collectVariables(ast: ProgramNode): string[] {
  const found = new Set<string>();

  const path = (p: PathNode, depth: number, scope: ReadonlySet<string>): void => {
    if (p.data) {
      if (p.parts[0] === 'root' && p.parts.length > 1) found.add(p.parts[1]);
      return;
    }
    if (p.parts.length === 0 || p.depth !== depth) return;
    const scoped = /^(\.|this\b)/.test(p.original);
    if (p.depth === 0 && !scoped && scope.has(p.parts[0])) return;
    found.add(p.parts[0]);
  };

  const call = (name: string | undefined): void => {
    if (name !== undefined && Object.hasOwn(IMPLIED, name)) found.add(IMPLIED[name]);
  };

  const expr = (e: ExprNode, depth: number, scope: ReadonlySet<string>): void => {
    if (e.type === 'PathExpression') path(e, depth, scope);
    else if (e.type === 'SubExpression') {
      call(simpleName(e.path));
      for (const p of e.params) expr(p, depth, scope);
    }
  };

  const program = (prog: ProgramNode | undefined, depth: number, scope: ReadonlySet<string>): void => {
    for (const s of prog?.body ?? []) {
      if (s.type === 'MustacheStatement') {
        const m = s as MustacheNode;
        if (callsHelper(m, scope)) {
          call(simpleName(m.path));
          for (const p of m.params) expr(p, depth, scope);
        } else if (m.path.type === 'PathExpression') path(m.path, depth, scope);
      } else if (s.type === 'BlockStatement') {
        const b = s as BlockNode;
        const name = simpleName(b.path);
        call(name);
        for (const p of b.params) expr(p, depth, scope);
        const inner = new Set(scope);
        for (const bp of b.program?.blockParams ?? []) inner.add(bp);
        program(b.program, name !== undefined && CONTEXT_BLOCKS.has(name) ? depth + 1 : depth, inner);
        program(b.inverse, depth, scope);
      }
    }
  };

  program(ast, 0, new Set());
  return [...found];
}
