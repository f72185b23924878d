/**
 * Helpers available in templates. Every helper is small and works on data only; the list is also
 * what `checkTemplate` knows, so an unknown helper or a wrong number of arguments is reported
 * before any host is contacted.
 *
 * Block helpers
 *   {{#if x}}..{{else}}..{{/if}}      Python truthiness: '', 0, [], {}, null and undefined are false
 *   {{#unless x}}..{{/unless}}        the opposite of if
 *   {{#each list}}..{{/each}}         @index @first @last (lists), @key (mappings), `as |item i|`
 *   {{#with obj}}..{{/with}}          changes the context; {{else}} when obj is empty or undefined
 *   {{{{raw}}}}..{{{{/raw}}}}         literal text, `{{` included (Go templates, Helm charts)
 *
 * Values
 *   default value fallback [true]     fallback when value is undefined or null (with true: any falsy value)
 *   lookup obj key                    obj[key] (own data only)
 *   hostvar host "name"               hostvars[host][name]
 *   first list | last list            first / last element (or character)
 *   length x                          size of a list, string or mapping
 *   range n | range start stop [step] list of integers
 *   concat a b ...                    lists joined into one list (strings: one string)
 *   unique list | sort list [attr]    copies without duplicates / ordered (optionally by an attribute)
 *   dict2items obj | items2dict list  {k: v} <-> [{key: k, value: v}]
 *   now [format]                      local time, ISO 8601 or strftime-like (%Y %m %d %H %M %S %z %s %%)
 *
 * Text
 *   join list [sep]                   elements joined (sep defaults to '')
 *   to_json v [indent] | to_nice_json v [indent=4]
 *   to_yaml v [indent=2] | to_nice_yaml v [indent=4]   (no trailing newline; keys keep their order)
 *   from_json text
 *   quote v                           one POSIX shell word (a list: one word per element)
 *   b64encode s | b64decode s
 *   indent text [n=4] [first=false]   indents all lines but the first (blank lines stay blank)
 *   upper s | lower s | trim s
 *   replace s from to                 every occurrence
 *   regex_replace s pattern repl      Python syntax: \1, \g<name>, (?P<name>...), (?i)
 *   split s [sep]                     without sep: on whitespace
 *   basename path | dirname path
 *
 * Logic and numbers
 *   int v | float v | bool v          Jinja/Ansible conversions (bool: 'yes', 'on', '1', 'true' are true)
 *   eq a b | ne a b | lt | gt | le | ge
 *   and a b ... | or a b ...          Python semantics: return the deciding operand
 *   not v
 *   contains container x              element of a list, substring, key of a mapping
 */
import Handlebars from 'handlebars';
import { stringify as yamlStringify } from 'yaml';
import { argv, quote } from '../connection/quote.js';
import {
  DataError,
  MISSING,
  asList,
  asString,
  b64decode,
  b64encode,
  compareValues,
  contains,
  deepEqual,
  dict2items,
  firstOf,
  getOwn,
  indentText,
  isForbiddenKey,
  isMapping,
  isTruthy,
  items2dict,
  lastOf,
  lengthOf,
  posixBasename,
  posixDirname,
  rangeList,
  regexReplace,
  sortValues,
  splitText,
  toBool,
  toFloat,
  toInt,
  toText,
  typeName,
  uniqueValues,
} from './helpers.js';

/** What a helper sees of the call besides its arguments. */
export interface HelperCall {
  /** the current context (`this` in the template) */
  self: unknown;
  /** the root variables */
  root: unknown;
  options: Handlebars.HelperOptions;
}

export interface TemplateHelper {
  /** smallest and largest number of positional arguments */
  arity: readonly [number, number];
  /** used as {{#name}}..{{/name}}; the others are used inline only */
  block?: boolean;
  /** may receive undefined values: only the helpers whose purpose is to handle them */
  acceptsUndefined?: boolean;
  fn(args: unknown[], call: HelperCall): unknown;
}

const MANY = 100;
/** The stock implementations of the context-changing block helpers, kept for their @index/@key frames. */
const stock = Handlebars.create().helpers;

const orUndefined = (v: unknown): unknown => (v === MISSING ? undefined : v);

function indentArg(v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  const n = toInt(v, -1);
  if (n < 0 || n > 32) throw new DataError(`indent must be a number from 0 to 32, got ${toText(v)}`);
  return n;
}

function toYaml(v: unknown, indent: number): string {
  return yamlStringify(v, { indent, lineWidth: 0 }).replace(/\n$/, '');
}

function fromJson(text: unknown): unknown {
  try {
    return JSON.parse(asString(text, 'from_json'));
  } catch (e) {
    throw new DataError(`from_json: ${(e as Error).message}`);
  }
}

function lookupKey(obj: unknown, key: unknown): unknown {
  const k = typeof key === 'number' ? key : asString(key, 'lookup');
  if (typeof k === 'string' && isForbiddenKey(k)) throw new DataError(`access to '${k}' is not allowed`);
  return orUndefined(getOwn(obj, k));
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** A small strftime: enough for timestamps in generated files. */
function formatTime(d: Date, format: string): string {
  const offset = -d.getTimezoneOffset();
  const tokens: Record<string, () => string> = {
    Y: () => String(d.getFullYear()),
    m: () => pad2(d.getMonth() + 1),
    d: () => pad2(d.getDate()),
    H: () => pad2(d.getHours()),
    M: () => pad2(d.getMinutes()),
    S: () => pad2(d.getSeconds()),
    z: () => `${offset < 0 ? '-' : '+'}${pad2(Math.floor(Math.abs(offset) / 60))}${pad2(Math.abs(offset) % 60)}`,
    s: () => String(Math.floor(d.getTime() / 1000)),
    '%': () => '%',
  };
  return format.replace(/%(.)/g, (m, c: string) => (tokens[c] ? tokens[c]() : m));
}

function quoteValue(v: unknown): string {
  if (Array.isArray(v)) return argv(v.map((x) => toText(x)));
  if (v !== null && typeof v === 'object') throw new DataError('quote needs a string or a list of strings, got a dict');
  return quote(toText(v));
}

function concatValues(args: unknown[]): unknown {
  if (args.some(Array.isArray)) return args.flatMap((a) => (Array.isArray(a) ? a : [a]));
  return args.map((a) => toText(a)).join('');
}

/** Python's `and` / `or`: the first operand whose truthiness decides, else the last one. */
function deciding(args: unknown[], stopWhen: boolean): unknown {
  const i = args.findIndex((a) => isTruthy(a) === stopWhen);
  return i >= 0 ? args[i] : args[args.length - 1];
}

function compare(args: unknown[]): number {
  return compareValues(args[0], args[1]);
}

export const TEMPLATE_HELPERS: Readonly<Record<string, TemplateHelper>> = {
  // --- blocks
  if: {
    arity: [1, 1],
    block: true,
    acceptsUndefined: true,
    fn: ([v], { self, options }) => (isTruthy(v) ? options.fn(self) : options.inverse(self)),
  },
  unless: {
    arity: [1, 1],
    block: true,
    acceptsUndefined: true,
    fn: ([v], { self, options }) => (isTruthy(v) ? options.inverse(self) : options.fn(self)),
  },
  each: {
    arity: [1, 1],
    block: true,
    fn: ([v], { self, options }) => {
      // null (an empty YAML key) iterates like an empty list; a string or number is a mistake
      if (v !== null && !Array.isArray(v) && !isMapping(v)) throw new DataError(`each needs a list or a mapping, got ${typeName(v)}`);
      return stock.each.call(self, v ?? [], options);
    },
  },
  with: {
    arity: [1, 1],
    block: true,
    acceptsUndefined: true,
    fn: ([v], { self, options }) => stock.with.call(self, v, options),
  },
  raw: { arity: [0, 0], block: true, fn: (_args, { self, options }) => options.fn(self) },

  // --- values
  default: {
    arity: [2, 3],
    acceptsUndefined: true,
    fn: ([v, fallback, falsy]) => (v === undefined || v === null || (falsy === true && !isTruthy(v)) ? fallback : v),
  },
  lookup: { arity: [2, 2], fn: ([obj, key]) => lookupKey(obj, key) },
  hostvar: {
    arity: [2, 2],
    fn: ([host, name], { root }) => {
      const hostvars = getOwn(root, 'hostvars');
      if (hostvars === MISSING) throw new DataError('hostvar: there are no hostvars in this context');
      const vars = getOwn(hostvars, asString(host, 'hostvar'));
      if (vars === MISSING) throw new DataError(`hostvar: unknown host '${toText(host)}'`);
      return lookupKey(vars, name);
    },
  },
  first: { arity: [1, 1], fn: ([v]) => orUndefined(firstOf(v)) },
  last: { arity: [1, 1], fn: ([v]) => orUndefined(lastOf(v)) },
  length: { arity: [1, 1], fn: ([v]) => lengthOf(v) },
  range: {
    arity: [1, 3],
    fn: (args) => {
      const [a, b, step] = args.map((x) => toInt(x, NaN));
      return rangeList(a, args.length > 1 ? b : undefined, args.length > 2 ? step : 1);
    },
  },
  concat: { arity: [1, MANY], fn: concatValues },
  unique: { arity: [1, 1], fn: ([v]) => uniqueValues(asList(v, 'unique')) },
  sort: {
    arity: [1, 2],
    fn: ([v, attr]) => sortValues(asList(v, 'sort'), attr === undefined ? undefined : asString(attr, 'sort')),
  },
  dict2items: { arity: [1, 1], fn: ([v]) => dict2items(v) },
  items2dict: { arity: [1, 1], fn: ([v]) => items2dict(v) },
  now: {
    arity: [0, 1],
    fn: ([format]) => (format === undefined ? new Date().toISOString() : formatTime(new Date(), asString(format, 'now'))),
  },

  // --- text
  join: { arity: [1, 2], fn: ([v, sep]) => asList(v, 'join').map((x) => toText(x)).join(sep === undefined ? '' : toText(sep)) },
  to_json: { arity: [1, 2], fn: ([v, indent]) => JSON.stringify(v, null, indentArg(indent, 0)) },
  to_nice_json: { arity: [1, 2], fn: ([v, indent]) => JSON.stringify(v, null, indentArg(indent, 4)) },
  to_yaml: { arity: [1, 2], fn: ([v, indent]) => toYaml(v, Math.max(1, indentArg(indent, 2))) },
  to_nice_yaml: { arity: [1, 2], fn: ([v, indent]) => toYaml(v, Math.max(1, indentArg(indent, 4))) },
  from_json: { arity: [1, 1], fn: ([v]) => fromJson(v) },
  quote: { arity: [1, 1], fn: ([v]) => quoteValue(v) },
  b64encode: { arity: [1, 1], fn: ([v]) => b64encode(asString(v, 'b64encode')) },
  b64decode: { arity: [1, 1], fn: ([v]) => b64decode(asString(v, 'b64decode')) },
  indent: {
    arity: [1, 3],
    fn: ([text, n, first]) => indentText(toText(text), typeof n === 'string' && !/^\d+$/.test(n) ? n : indentArg(n, 4), isTruthy(first)),
  },
  upper: { arity: [1, 1], fn: ([v]) => asString(v, 'upper').toUpperCase() },
  lower: { arity: [1, 1], fn: ([v]) => asString(v, 'lower').toLowerCase() },
  trim: { arity: [1, 1], fn: ([v]) => asString(v, 'trim').trim() },
  replace: {
    arity: [3, 3],
    fn: ([s, from, to]) => asString(s, 'replace').split(asString(from, 'replace')).join(asString(to, 'replace')),
  },
  regex_replace: {
    arity: [3, 3],
    fn: ([s, pattern, repl]) => regexReplace(asString(s, 'regex_replace'), asString(pattern, 'regex_replace'), asString(repl, 'regex_replace')),
  },
  split: { arity: [1, 2], fn: ([s, sep]) => splitText(asString(s, 'split'), sep === undefined ? undefined : asString(sep, 'split')) },
  basename: { arity: [1, 1], fn: ([p]) => posixBasename(asString(p, 'basename')) },
  dirname: { arity: [1, 1], fn: ([p]) => posixDirname(asString(p, 'dirname')) },

  // --- logic and numbers
  int: { arity: [1, 1], fn: ([v]) => toInt(v) },
  float: { arity: [1, 1], fn: ([v]) => toFloat(v) },
  bool: { arity: [1, 1], fn: ([v]) => toBool(v) },
  eq: { arity: [2, 2], fn: ([a, b]) => deepEqual(a, b) },
  ne: { arity: [2, 2], fn: ([a, b]) => !deepEqual(a, b) },
  lt: { arity: [2, 2], fn: (args) => compare(args) < 0 },
  gt: { arity: [2, 2], fn: (args) => compare(args) > 0 },
  le: { arity: [2, 2], fn: (args) => compare(args) <= 0 },
  ge: { arity: [2, 2], fn: (args) => compare(args) >= 0 },
  and: { arity: [1, MANY], fn: (args) => deciding(args, false) },
  or: { arity: [1, MANY], fn: (args) => deciding(args, true) },
  not: { arity: [1, 1], fn: ([v]) => !isTruthy(v) },
  contains: { arity: [2, 2], fn: ([c, x]) => contains(c, x) },
};
