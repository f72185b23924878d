/**
 * The syntax tree of a condition. `at` is the 0-based offset of the node's token in the source
 * text, so errors can point at the column.
 */
export type Expr =
  | { kind: 'literal'; at: number; value: unknown }
  | { kind: 'name'; at: number; name: string }
  | { kind: 'attr'; at: number; object: Expr; name: string }
  | { kind: 'index'; at: number; object: Expr; index: Expr }
  | { kind: 'list'; at: number; items: Expr[] }
  | { kind: 'dict'; at: number; entries: Array<[Expr, Expr]> }
  | { kind: 'not'; at: number; operand: Expr }
  | { kind: 'negate'; at: number; op: '-' | '+'; operand: Expr }
  | { kind: 'logical'; at: number; op: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'compare'; at: number; op: CompareOp; left: Expr; right: Expr }
  | { kind: 'arith'; at: number; op: ArithOp; left: Expr; right: Expr }
  | { kind: 'test'; at: number; name: string; negated: boolean; subject: Expr; args: Args }
  | { kind: 'filter'; at: number; name: string; subject: Expr; args: Args };

export type CompareOp = '==' | '!=' | '<' | '>' | '<=' | '>=' | 'in' | 'not in';
export type ArithOp = '+' | '-' | '*' | '/' | '//' | '%' | '~';

/** Call arguments of a test or filter: positional, and named ones that are not positional parameters. */
export interface Args {
  positional: Array<Expr | undefined>;
  named: Record<string, Expr>;
}
