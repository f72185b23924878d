/**
 * The shape of tests (`x is name(args)`) and filters (`x | name(args)`). The parser checks names
 * and argument counts against these definitions, so a typo is reported before any host is contacted.
 */
export interface CallContext {
  /** runs a test by name (for select / reject) */
  test(name: string, subject: unknown, args: unknown[]): boolean;
  /** runs a filter by name (for map) */
  filter(name: string, subject: unknown, args: unknown[]): unknown;
}

export interface CallableDef<R> {
  /** positional parameters; each may also be given by name (`default(value=1)`) */
  params: readonly string[];
  /** how many leading parameters are required */
  required: number;
  /** more positional arguments are accepted */
  rest?: boolean;
  /** parameters that can only be given by name (`map(attribute='x')`) */
  options?: readonly string[];
  /** the first argument names a test or a filter (`select('match', ...)`), checked when it is a literal */
  refers?: 'test' | 'filter';
  /** the subject may be undefined (passed as `undefined`): `is defined`, `| default` */
  acceptsUndefined?: boolean;
  /** `args` are positional values (undefined where not given); `named` holds the `options` given */
  fn(subject: unknown, args: unknown[], named: Record<string, unknown>, ctx: CallContext): R;
}

export type TestDef = CallableDef<boolean>;
export type FilterDef = CallableDef<unknown>;
