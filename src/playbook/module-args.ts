import { schemaAliases } from '../modules/lib/arg-types.js';
import type { SourcePos } from '../errors.js';
import type { ModuleDef } from '../modules/types.js';
import type { Diagnostics } from './diagnostics.js';
import { describe, hasTemplate } from './keyword-values.js';
import { FREE_TEXT, parseFreeForm, parseKeyValues } from './kv-args.js';
import { didYouMean, hintOf } from './suggest.js';
import { isMapping, keyPosOf, posAtPath, valuePosOf } from './yaml-source.js';

/**
 * A module's arguments: assembled from the forms a task may use (mapping, `k=v` string, free-form
 * string, `args:` keyword) and checked against the module's zod schema before any host is touched.
 */

export interface ModuleArgs {
  args: Record<string, unknown>;
  /** position of each argument's key (the module value's position for `k=v` words) */
  argPos: Record<string, SourcePos>;
  /** position of each argument's value */
  valuePos: Record<string, SourcePos>;
}

export interface ModuleUse {
  /** canonical module name */
  name: string;
  def: ModuleDef;
  /** the module key as written, and where */
  keyPos: SourcePos;
  value: unknown;
  valuePos: SourcePos;
  /** the value is one-line text whose characters map to columns: k=v words get exact positions */
  exactText?: boolean;
  /** the task's `args:` keyword (merged below the inline arguments, as Ansible does) */
  extra?: { value: unknown; pos?: SourcePos };
}

export function assembleArgs(use: ModuleUse, diag: Diagnostics): ModuleArgs {
  const out: ModuleArgs = { args: {}, argPos: {}, valuePos: {} };
  const addMapping = (m: Record<string, unknown>, fallback: SourcePos) => {
    for (const [k, v] of Object.entries(m)) {
      out.args[k] = v;
      out.argPos[k] = keyPosOf(m, k) ?? fallback;
      out.valuePos[k] = valuePosOf(m, k) ?? fallback;
    }
  };
  const addWords = (words: Record<string, unknown>, offsets: Record<string, number>, keyLength: (k: string) => number) => {
    for (const [k, v] of Object.entries(words)) {
      const at = use.exactText && offsets[k] !== undefined ? offsets[k]! : undefined;
      out.args[k] = v;
      out.argPos[k] = at === undefined ? use.valuePos : { ...use.valuePos, col: use.valuePos.col + at };
      out.valuePos[k] = at === undefined ? use.valuePos : { ...use.valuePos, col: use.valuePos.col + at + keyLength(k) };
    }
  };

  if (use.extra && use.extra.value !== null && use.extra.value !== undefined) {
    if (isMapping(use.extra.value)) addMapping(use.extra.value, use.extra.pos ?? use.keyPos);
    else diag.error(`args expects a mapping of module arguments, got ${describe(use.extra.value)}`, use.extra.pos);
  }

  const v = use.value;
  if (v === null || v === undefined) return out;
  if (isMapping(v)) addMapping(v, use.valuePos);
  else if (typeof v === 'string' && use.def.freeForm) {
    const options = new Set(schemaShape(use.def.args)?.keys ?? []);
    options.delete(use.def.freeForm);
    const { text, args, offsets } = parseFreeForm(v, options);
    addWords(args, offsets, (k) => k.length + 1);
    if (text !== '') addWords({ [use.def.freeForm]: text }, { [use.def.freeForm]: offsets[FREE_TEXT]! }, () => 0);
  } else if (typeof v === 'string') {
    const { args, offsets, leftovers } = parseKeyValues(v);
    if (leftovers.length) {
      diag.error(`module '${use.name}' takes key=value arguments; cannot read ${leftovers.map((w) => `'${w}'`).join(', ')}`,
        use.valuePos,
        'give the arguments as a mapping under the module, or as key=value words (quote values with spaces: msg="hello world")');
    }
    addWords(args, offsets, (k) => k.length + 1);
  } else if (typeof v === 'number' || typeof v === 'boolean') {
    diag.error(`module '${use.name}' expects arguments (a mapping or key=value words), got ${describe(v)}`, use.valuePos);
  } else {
    diag.error(`module '${use.name}' expects its arguments as a mapping, got ${describe(v)}`, use.valuePos,
      'write each argument as "name: value" indented under the module');
  }
  return out;
}

/* ---------- schema introspection ---------- */

interface SchemaLike {
  _zod: { def: SchemaDef };
  safeParse(v: unknown): { success: boolean; data?: unknown; error?: { issues: IssueLike[] } };
}

interface SchemaDef {
  type: string;
  shape?: Record<string, unknown>;
  catchall?: SchemaLike;
  in?: SchemaLike;
  out?: SchemaLike;
  innerType?: SchemaLike;
  options?: SchemaLike[];
  left?: SchemaLike;
  right?: SchemaLike;
}

interface IssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  values?: unknown[];
  keys?: string[];
}

function isSchema(v: unknown): v is SchemaLike {
  return typeof v === 'object' && v !== null && '_zod' in v && typeof (v as SchemaLike)._zod?.def?.type === 'string';
}

/**
 * The argument names a schema accepts, looking through preprocess/pipe/optional wrappers, unions
 * and intersections of objects. `open` when unknown keys are accepted (a loose object or a
 * catchall); undefined when the schema is not an object (no key checking then).
 */
export function schemaShape(schema: unknown): { keys: string[]; open: boolean } | undefined {
  if (!isSchema(schema)) return undefined;
  const def = schema._zod.def;
  switch (def.type) {
    case 'object': {
      const open = def.catchall !== undefined && def.catchall._zod.def.type !== 'never';
      return { keys: Object.keys(def.shape ?? {}), open };
    }
    case 'pipe':
      return schemaShape(def.in) ?? schemaShape(def.out);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return schemaShape(def.innerType);
    case 'union':
      return combine((def.options ?? []).map(schemaShape));
    case 'intersection':
      return combine([schemaShape(def.left), schemaShape(def.right)]);
    default:
      return undefined;
  }
}

function combine(parts: Array<{ keys: string[]; open: boolean } | undefined>): { keys: string[]; open: boolean } | undefined {
  if (parts.length === 0 || parts.some((p) => p === undefined)) return undefined;
  const defined = parts as Array<{ keys: string[]; open: boolean }>;
  return { keys: [...new Set(defined.flatMap((p) => p.keys))], open: defined.some((p) => p.open) };
}

/* ---------- validation ---------- */

const TRUE_WORDS = new Set(['yes', 'true', 'on', '1', 'y']);
const FALSE_WORDS = new Set(['no', 'false', 'off', '0', 'n']);

/**
 * What Ansible's argument spec converts: `backup=yes` is a boolean, `port=22` a number. Values
 * written as text (`k=v` words, quoted YAML) are converted when the schema asks for that type.
 */
function coerce(value: unknown, expected: string | undefined): unknown {
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  if (expected === 'boolean') {
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  if ((expected === 'number' || expected === 'int') && /^-?\d+(\.\d+)?$/.test(word)) return Number(word);
  return undefined;
}

/**
 * Checks arguments against the module's schema; returns them with text converted where the schema
 * wants booleans or numbers. Arguments holding templates cannot be checked before rendering:
 * issues about them (including "required" ones) are left to run time.
 */
export function validateArgs(
  use: Pick<ModuleUse, 'name' | 'def' | 'keyPos'>,
  margs: ModuleArgs,
  diag: Diagnostics,
): Record<string, unknown> {
  const schema = use.def.args as unknown;
  if (!isSchema(schema)) return margs.args;
  const shape = schemaShape(schema);
  const args = { ...margs.args };
  // Ansible's alternative names (file's `dest` for `path`) become the canonical ones, positions too
  for (const [alias, canonical] of Object.entries(schemaAliases(schema))) {
    if (!Object.hasOwn(args, alias)) continue;
    if (!Object.hasOwn(args, canonical)) {
      args[canonical] = args[alias];
      margs.argPos[canonical] ??= margs.argPos[alias];
      margs.valuePos[canonical] ??= margs.valuePos[alias];
    }
    delete args[alias];
  }

  if (shape && !shape.open) {
    for (const key of Object.keys(args)) {
      if (shape.keys.includes(key)) continue;
      diag.error(`unknown argument '${key}' for module '${use.name}'`, margs.argPos[key] ?? use.keyPos,
        hintOf(didYouMean(key, shape.keys), `arguments of ${use.name}: ${[...shape.keys].sort().join(', ')}`));
      delete args[key];
    }
  }

  const templated = new Set(Object.keys(args).filter((k) => hasTemplate(args[k])));
  let issues = parseIssues(schema, args);
  // a second round after converting text to the booleans/numbers the schema asked for
  let converted = false;
  for (const issue of issues) {
    const key = issue.path[0];
    if (issue.code !== 'invalid_type' || issue.path.length !== 1 || typeof key !== 'string') continue;
    const value = coerce(args[key], issue.expected);
    if (value !== undefined) {
      args[key] = value;
      converted = true;
    }
  }
  if (converted) issues = parseIssues(schema, args);

  for (const issue of issues) {
    const key = issue.path[0];
    if (typeof key === 'string' && templated.has(key)) continue;
    if (issue.path.length === 0 && templated.size > 0) continue;
    if (issue.code === 'unrecognized_keys') {
      if (shape && !shape.open) continue; // reported above, each at its own key
      for (const k of issue.keys ?? []) {
        diag.error(`unknown argument '${k}' for module '${use.name}'`, margs.argPos[k] ?? use.keyPos);
      }
      continue;
    }
    if (typeof key === 'string' && issue.path.length === 1 && !Object.hasOwn(args, key) && issue.code === 'invalid_type') {
      diag.error(`missing required argument '${key}' for module '${use.name}'`, use.keyPos,
        shape ? `arguments of ${use.name}: ${[...shape.keys].sort().join(', ')}` : undefined);
      continue;
    }
    const where = typeof key === 'string' ? (margs.valuePos[key] ?? use.keyPos) : use.keyPos;
    const pos = typeof key === 'string' ? posAtPath(args[key], issue.path.slice(1), where) : where;
    const what = issue.path.length ? `argument '${issue.path.map(String).join('.')}'` : 'arguments';
    const bad = typeof key === 'string' ? valueAt(args, issue.path) : undefined;
    const suggestion = issue.code === 'invalid_value' && typeof bad === 'string' && issue.values
      ? didYouMean(bad, issue.values.map(String))
      : undefined;
    diag.error(`module '${use.name}': ${what}: ${issue.message}`, pos,
      hintOf(suggestion, issue.path.length ? `got ${describe(bad)}` : undefined));
  }
  return args;
}

function parseIssues(schema: SchemaLike, args: Record<string, unknown>): IssueLike[] {
  try {
    const r = schema.safeParse(args);
    return r.success ? [] : (r.error?.issues ?? []);
  } catch (e) {
    // a refinement or transform that throws on odd input is still a bad argument set
    return [{ code: 'custom', path: [], message: e instanceof Error ? e.message : String(e) }];
  }
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isMapping(cur) && typeof seg === 'string') cur = cur[seg];
    else return undefined;
  }
  return cur;
}
