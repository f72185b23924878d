/**
 * Pure data functions shared by template helpers and condition filters/tests, so `{{length x}}` and
 * `x | length` can never disagree. Values are JSON-like data (what YAML, facts and registered
 * results hold); nothing here renders, parses expressions or touches a host.
 *
 * Errors are thrown as `DataError` (no position); callers attach the position of the expression.
 */

/** A bad value for an operation (wrong type, bad regex, ...). Converted to TemplateError with a position by callers. */
export class DataError extends Error {
  readonly hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'DataError';
    this.hint = hint;
  }
}

/** Names that reach into JavaScript's object model rather than into data. Never readable. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  'constructor',
  '__proto__',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}

/** Returned by lookups that find nothing; distinct from `null` (a defined "no value"). */
export const MISSING: unique symbol = Symbol('missing');
export type Missing = typeof MISSING;

export type PlainObject = Record<string, unknown>;

/** A mapping as loaded from YAML/JSON: not an array, not a class instance. */
export function isMapping(v: unknown): v is PlainObject {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Reads one key of data: own properties of mappings, elements of lists and characters of strings
 * (negative indexes count from the end, as in Python). Anything else, including every inherited
 * property and the forbidden names, is MISSING.
 */
export function getOwn(container: unknown, key: string | number): unknown | Missing {
  if (typeof key === 'string' && isForbiddenKey(key)) return MISSING;
  if (Array.isArray(container) || typeof container === 'string') {
    const i = typeof key === 'number' ? key : /^-?\d+$/.test(key) ? Number(key) : NaN;
    if (!Number.isInteger(i)) return MISSING;
    const at = i < 0 ? container.length + i : i;
    return at >= 0 && at < container.length ? container[at] : MISSING;
  }
  if (isMapping(container)) {
    const k = String(key);
    return Object.hasOwn(container, k) ? container[k] : MISSING;
  }
  return MISSING;
}

/**
 * A root variable. Variable sets may be layered with prototypes (precedence); walk the chain but
 * never into Object.prototype, so `toString` or `constructor` are not variables.
 */
export function lookupVar(vars: object, name: string): unknown | Missing {
  if (isForbiddenKey(name)) return MISSING;
  for (let o: object | null = vars; o && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    if (Object.hasOwn(o, name)) return (o as PlainObject)[name];
  }
  return MISSING;
}

/** Python's truthiness: None, false, 0, '', [] and {} are false. */
export function isTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
  if (isMapping(v)) return Object.keys(v).length > 0;
  return true;
}

const BOOL_TRUE: ReadonlySet<string> = new Set(['y', 'yes', 'on', '1', 'true', 't', '1.0']);

/** Ansible's `bool` filter: 'yes', 'on', '1', 'true', 'y', 't' (any case) and 1 are true, the rest false. */
export function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1;
  if (typeof v === 'string') return BOOL_TRUE.has(v.trim().toLowerCase());
  return false;
}

/** Jinja's `int` filter: numbers truncate, numeric strings parse (also '3.7' -> 3), anything else is the fallback. */
export function toInt(v: unknown, fallback = 0, base = 10): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : fallback;
  if (typeof v !== 'string') return fallback;
  const s = v.trim().replace(/_/g, '');
  if (base === 10) {
    if (/^[+-]?\d+$/.test(s)) return Number.parseInt(s, 10);
    const f = toFloat(s, NaN);
    return Number.isNaN(f) ? fallback : Math.trunc(f);
  }
  const digits = s.replace(/^([+-]?)0[xob]/i, '$1');
  const n = Number.parseInt(digits, base);
  return Number.isNaN(n) || !/^[+-]?[0-9a-z]+$/i.test(digits) ? fallback : n;
}

/** Jinja's `float` filter. */
export function toFloat(v: unknown, fallback = 0): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return fallback;
  const s = v.trim();
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) ? Number(s) : fallback;
}

/** How a value is written into text: scalars as they are, null as '', lists and mappings as JSON. */
export function toText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v) ?? '';
}

/** Python's type names, for error messages users of Ansible recognise. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  if (isMapping(v)) return 'dict';
  return typeof v;
}

/** Structural equality, as Python's `==` on data. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isMapping(a) && isMapping(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Python's `in`: element of a list, substring of a string, key of a mapping. */
export function contains(container: unknown, item: unknown): boolean {
  if (Array.isArray(container)) return container.some((x) => deepEqual(x, item));
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw new DataError(`'in <string>' requires a string on the left, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (isMapping(container)) return typeof item === 'string' && !isForbiddenKey(item) && Object.hasOwn(container, item);
  throw new DataError(`argument of type '${typeName(container)}' is not iterable`);
}

/** Number of elements of a list, characters of a string, keys of a mapping. */
export function lengthOf(v: unknown): number {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (isMapping(v)) return Object.keys(v).length;
  throw new DataError(`object of type '${typeName(v)}' has no length`);
}

export function asList(v: unknown, what: string): unknown[] {
  if (Array.isArray(v)) return v;
  throw new DataError(`${what} needs a list, got ${typeName(v)}`);
}

export function asString(v: unknown, what: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new DataError(`${what} needs a string, got ${typeName(v)}`);
}

/** First element of a list or first character of a string; MISSING when empty. */
export function firstOf(v: unknown): unknown | Missing {
  if (typeof v !== 'string' && !Array.isArray(v)) throw new DataError(`first needs a list or a string, got ${typeName(v)}`);
  return v.length > 0 ? v[0] : MISSING;
}

export function lastOf(v: unknown): unknown | Missing {
  if (typeof v !== 'string' && !Array.isArray(v)) throw new DataError(`last needs a list or a string, got ${typeName(v)}`);
  return v.length > 0 ? v[v.length - 1] : MISSING;
}

/** Elements in first-seen order, compared structurally. */
export function uniqueValues(list: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const x of list) if (!out.some((y) => deepEqual(x, y))) out.push(x);
  return out;
}

/** Python's ordering of two values of the same kind (numbers, strings, lists); other pairs cannot be ordered. */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  throw new DataError(`cannot compare ${typeName(a)} with ${typeName(b)}`);
}

/** A sorted copy; with `attribute`, mappings are ordered by that (dotted) key. */
export function sortValues(list: unknown[], attribute?: string): unknown[] {
  const key = (x: unknown): unknown => {
    if (attribute === undefined) return x;
    const v = getPath(x, attribute);
    if (v === MISSING) throw new DataError(`sort: an element has no attribute '${attribute}'`);
    return v;
  };
  return [...list].sort((a, b) => compareValues(key(a), key(b)));
}

/** `a.b.0` style path into data; MISSING when any step is missing. */
export function getPath(v: unknown, path: string): unknown | Missing {
  let cur: unknown = v;
  for (const part of path.split('.')) {
    cur = getOwn(cur, part);
    if (cur === MISSING) return MISSING;
  }
  return cur;
}

/** Ansible's dict2items: `{a: 1}` -> `[{key: 'a', value: 1}]`. */
export function dict2items(v: unknown, keyName = 'key', valueName = 'value'): PlainObject[] {
  if (!isMapping(v)) throw new DataError(`dict2items needs a dict, got ${typeName(v)}`);
  return Object.entries(v).map(([k, val]) => ({ [keyName]: k, [valueName]: val }));
}

/** Ansible's items2dict: the inverse of dict2items. */
export function items2dict(v: unknown, keyName = 'key', valueName = 'value'): PlainObject {
  const out: PlainObject = {};
  for (const item of asList(v, 'items2dict')) {
    const k = getOwn(item, keyName);
    const val = getOwn(item, valueName);
    if (k === MISSING || val === MISSING) {
      throw new DataError(`items2dict: every element needs '${keyName}' and '${valueName}'`);
    }
    const key = toText(k);
    if (isForbiddenKey(key)) throw new DataError(`items2dict: '${key}' cannot be a key`);
    Object.defineProperty(out, key, { value: val, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Python's str.split: without a separator, splits on runs of whitespace and drops empty ends. */
export function splitText(s: string, sep?: string): string[] {
  if (sep === undefined || sep === null) return s.trim() === '' ? [] : s.trim().split(/\s+/);
  if (sep === '') throw new DataError('split: empty separator');
  return s.split(sep);
}

/**
 * Jinja's indent: every line but the first (unless `first`) gets `width` spaces (or the given
 * string); blank lines stay blank so YAML and INI files do not grow trailing spaces.
 */
export function indentText(text: string, width: number | string = 4, first = false): string {
  const pad = typeof width === 'number' ? ' '.repeat(Math.max(0, Math.min(width, 1000))) : width;
  return text
    .split('\n')
    .map((line, i) => ((i > 0 || first) && line.trim() !== '' ? pad + line : line))
    .join('\n');
}

/** Flattens nested lists; `levels` limits the depth like Ansible's flatten filter. */
export function flattenList(list: unknown[], levels = Infinity): unknown[] {
  const out: unknown[] = [];
  for (const x of list) {
    if (Array.isArray(x) && levels > 0) out.push(...flattenList(x, levels - 1));
    else out.push(x);
  }
  return out;
}

const RANGE_LIMIT = 100_000;

/** Python's range(stop) / range(start, stop[, step]), bounded so a template cannot exhaust memory. */
export function rangeList(a: number, b?: number, step = 1): number[] {
  const [start, stop] = b === undefined ? [0, a] : [a, b];
  if (![start, stop, step].every(Number.isInteger)) throw new DataError('range needs integers');
  if (step === 0) throw new DataError('range: step must not be zero');
  const count = Math.max(0, Math.ceil((stop - start) / step));
  if (count > RANGE_LIMIT) throw new DataError(`range of ${count} numbers is too large (limit ${RANGE_LIMIT})`);
  return Array.from({ length: count }, (_, i) => start + i * step);
}

export function b64encode(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

export function b64decode(s: string): string {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s.replace(/\s+/g, ''))) throw new DataError('b64decode: not base64 text');
  return Buffer.from(s, 'base64').toString('utf8');
}

export function posixBasename(p: string): string {
  const trimmed = p.length > 1 ? p.replace(/\/+$/, '') : p;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Python's os.path.dirname: the part before the last slash ('' for a bare name, '/' for the root). */
export function posixDirname(p: string): string {
  const i = p.lastIndexOf('/');
  if (i < 0) return '';
  const head = p.slice(0, i);
  return head === '' || /^\/+$/.test(head) ? '/' : head.replace(/\/+$/, '');
}

// ---------------------------------------------------------------------------------------------
// Regular expressions: users write Python's `re` syntax; translate the differences that matter.

const regexCache = new Map<string, RegExp>();

/**
 * A JavaScript RegExp from Python syntax: `(?P<name>...)`, `(?P=name)` and leading inline flags
 * `(?i)`, `(?m)`, `(?s)` are translated; other syntax is shared by both engines.
 */
export function pyRegex(pattern: string, flags = ''): RegExp {
  const cacheKey = `${flags}/${pattern}`;
  const cached = regexCache.get(cacheKey);
  if (cached) return new RegExp(cached.source, cached.flags);
  let src = pattern;
  let allFlags = flags;
  const inline = /^\(\?([imsx]+)\)/.exec(src);
  if (inline) {
    if (inline[1].includes('x')) throw new DataError(`regular expression '${pattern}': verbose flag (?x) is not supported`);
    allFlags += inline[1];
    src = src.slice(inline[0].length);
  }
  src = src.replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>').replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>');
  let re: RegExp;
  try {
    re = new RegExp(src, [...new Set(allFlags)].join(''));
  } catch (e) {
    throw new DataError(`invalid regular expression '${pattern}': ${(e as Error).message}`);
  }
  if (regexCache.size > 500) regexCache.clear();
  regexCache.set(cacheKey, re);
  return new RegExp(re.source, re.flags);
}

/** Python replacement syntax (`\1`, `\g<1>`, `\g<name>`) to JavaScript's (`$1`, `$<name>`); a literal `$` stays literal. */
export function pyReplacement(repl: string): string {
  return repl.replace(/\$/g, '$$$$').replace(/\\(?:(\d{1,2})|g<(\w+)>|(\\))/g, (_m, num?: string, group?: string, bs?: string) => {
    if (bs) return '\\';
    if (num !== undefined) return `$${num}`;
    return /^\d+$/.test(group ?? '') ? `$${group}` : `$<${group}>`;
  });
}

/** Flags from Python-style switches (`ignorecase`, `multiline`). */
export function regexFlags(ignorecase: boolean, multiline = false): string {
  return `${ignorecase ? 'i' : ''}${multiline ? 'm' : ''}`;
}

/** Python's re.sub: every match replaced. */
export function regexReplace(s: string, pattern: string, repl: string, flags = ''): string {
  return s.replace(pyRegex(pattern, `g${flags}`), pyReplacement(repl));
}

/** Python's re.search: the matched text, or null. */
export function regexSearch(s: string, pattern: string, flags = ''): string | null {
  const m = pyRegex(pattern, flags).exec(s);
  return m ? m[0] : null;
}

/** Python's re.match: anchored at the start (not at the end). */
export function regexMatchesAtStart(s: string, pattern: string, flags = ''): boolean {
  const re = pyRegex(pattern, `y${flags}`);
  re.lastIndex = 0;
  return re.test(s);
}

// ---------------------------------------------------------------------------------------------
// Versions

/**
 * Components of a version string: runs of digits (numbers) and runs of letters (strings); a
 * leading 'v' is dropped so 'v1.28.2' equals '1.28.2'.
 */
function versionParts(v: string): Array<number | string> {
  const s = v.trim().replace(/^v(?=\d)/i, '');
  return (s.match(/\d+|[a-z]+/gi) ?? []).map((p) => (/^\d/.test(p) ? Number(p) : p.toLowerCase()));
}

/**
 * Loose version ordering (like Python's LooseVersion) with one fix users expect: a trailing
 * textual part marks a pre-release, so 1.2.3rc1 < 1.2.3 < 1.2.3.1.
 */
export function compareVersions(a: string, b: string): number {
  const pa = versionParts(a);
  const pb = versionParts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    if (x === undefined) return typeof y === 'string' ? 1 : -1;
    if (y === undefined) return typeof x === 'string' ? -1 : 1;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : 1;
    return typeof x === 'number' ? 1 : -1;
  }
  return 0;
}

const VERSION_OPS: Record<string, (c: number) => boolean> = {
  '<': (c) => c < 0,
  lt: (c) => c < 0,
  '<=': (c) => c <= 0,
  le: (c) => c <= 0,
  '>': (c) => c > 0,
  gt: (c) => c > 0,
  '>=': (c) => c >= 0,
  ge: (c) => c >= 0,
  '==': (c) => c === 0,
  '=': (c) => c === 0,
  eq: (c) => c === 0,
  '!=': (c) => c !== 0,
  '<>': (c) => c !== 0,
  ne: (c) => c !== 0,
};

/** Ansible's `version` test: `version('1.2', '>=')`; the operator defaults to equality. */
export function versionTest(actual: unknown, wanted: unknown, op = 'eq'): boolean {
  const check = VERSION_OPS[op];
  if (!check) {
    throw new DataError(`version: unknown operator '${op}'`, `use one of ${Object.keys(VERSION_OPS).join(' ')}`);
  }
  return check(compareVersions(asString(actual, 'version'), asString(wanted, 'version')));
}
