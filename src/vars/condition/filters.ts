/**
 * Filters: `x | name` and `x | name(args)`. See evaluate.ts for the list.
 */
import {
  DataError,
  MISSING,
  asList,
  asString,
  b64decode,
  b64encode,
  compareValues,
  contains,
  dict2items,
  firstOf,
  flattenList,
  getPath,
  isMapping,
  isTruthy,
  items2dict,
  lastOf,
  lengthOf,
  posixBasename,
  posixDirname,
  regexFlags,
  regexReplace,
  regexSearch,
  splitText,
  toBool,
  toFloat,
  toInt,
  toText,
  typeName,
  uniqueValues,
} from '../helpers.js';
import type { FilterDef } from './catalog.js';

/** A filter of the subject alone. */
const of = (fn: (v: unknown) => unknown): FilterDef => ({ params: [], required: 0, fn: (v) => fn(v) });

const str = (name: string) => (v: unknown) => asString(v, `'${name}'`);

function numbers(v: unknown, name: string): number[] {
  return asList(v, `'${name}'`).map((x) => {
    if (typeof x !== 'number') throw new DataError(`'${name}' needs numbers, got ${typeName(x)}`);
    return x;
  });
}

function extreme(name: string, sign: 1 | -1): FilterDef {
  return {
    params: [],
    required: 0,
    fn: (v) => {
      const list = asList(v, `'${name}'`);
      if (list.length === 0) return MISSING;
      return list.reduce((best, x) => (compareValues(x, best) * sign > 0 ? x : best));
    },
  };
}

function sortFilter(v: unknown, [reverse, caseSensitive, attribute]: unknown[]): unknown[] {
  const key = (x: unknown): unknown => {
    let k = x;
    if (attribute !== undefined) {
      k = getPath(x, asString(attribute, "'sort' attribute"));
      if (k === MISSING) throw new DataError(`'sort': an element has no attribute '${toText(attribute)}'`);
    }
    return typeof k === 'string' && !isTruthy(caseSensitive) ? k.toLowerCase() : k;
  };
  const sorted = [...asList(v, "'sort'")].sort((a, b) => compareValues(key(a), key(b)));
  return isTruthy(reverse) ? sorted.reverse() : sorted;
}

function selectFilter(keep: boolean): FilterDef {
  return {
    params: ['test'],
    required: 0,
    rest: true,
    refers: 'test',
    fn: (v, [test, ...args], _named, ctx) =>
      asList(v, keep ? "'select'" : "'reject'").filter((x) => (test === undefined ? isTruthy(x) : ctx.test(asString(test, 'test name'), x, args)) === keep),
  };
}

const map: FilterDef = {
  params: ['filter'],
  required: 0,
  rest: true,
  options: ['attribute', 'default'],
  refers: 'filter',
  fn: (v, [filter, ...args], named, ctx) => {
    const list = asList(v, "'map'");
    if (named.attribute !== undefined) {
      const path = toText(named.attribute);
      return list.map((x) => {
        const got = getPath(x, path);
        if (got !== MISSING) return got;
        if ('default' in named) return named.default;
        throw new DataError(`'map': an element has no attribute '${path}'`, "add default=...: map(attribute='x', default='')");
      });
    }
    if (filter === undefined) throw new DataError("'map' needs a filter name or attribute='...'");
    return list.map((x) => ctx.filter(asString(filter, 'filter name'), x, args));
  },
};

function setOp(name: string, fn: (a: unknown[], b: unknown[]) => unknown[]): FilterDef {
  return { params: ['other'], required: 1, fn: (v, [o]) => fn(asList(v, `'${name}'`), asList(o, `'${name}'`)) };
}

function listOf(v: unknown): unknown[] {
  if (Array.isArray(v)) return [...v];
  if (typeof v === 'string') return [...v];
  if (isMapping(v)) return Object.keys(v);
  throw new DataError(`'list' needs a list, string or dict, got ${typeName(v)}`);
}

function fromJson(v: unknown): unknown {
  try {
    return JSON.parse(asString(v, "'from_json'"));
  } catch (e) {
    throw new DataError(`'from_json': ${(e as Error).message}`);
  }
}

const defaultFilter: FilterDef = {
  params: ['default_value', 'boolean'],
  required: 0,
  acceptsUndefined: true,
  fn: (v, [fallback, boolean]) => (v === undefined || (isTruthy(boolean) && !isTruthy(v)) ? (fallback ?? '') : v),
};

export const FILTERS: Readonly<Record<string, FilterDef>> = {
  length: of(lengthOf),
  count: of(lengthOf),
  int: { params: ['default', 'base'], required: 0, fn: (v, [d, base]) => toInt(v, d === undefined ? 0 : toInt(d), base === undefined ? 10 : toInt(base)) },
  float: { params: ['default'], required: 0, fn: (v, [d]) => toFloat(v, d === undefined ? 0 : toFloat(d)) },
  bool: of(toBool),
  string: of(toText),
  lower: of((v) => str('lower')(v).toLowerCase()),
  upper: of((v) => str('upper')(v).toUpperCase()),
  trim: of((v) => str('trim')(v).trim()),
  default: defaultFilter,
  d: defaultFilter,
  first: of(firstOf),
  last: of(lastOf),
  list: of(listOf),
  join: { params: ['d'], required: 0, fn: (v, [sep]) => asList(v, "'join'").map((x) => toText(x)).join(sep === undefined ? '' : toText(sep)) },
  split: { params: ['sep'], required: 0, fn: (v, [sep]) => splitText(str('split')(v), sep === undefined ? undefined : toText(sep)) },
  replace: { params: ['old', 'new'], required: 2, fn: (v, [a, b]) => str('replace')(v).split(toText(a)).join(toText(b)) },
  regex_search: {
    params: ['regex', 'ignorecase', 'multiline'],
    required: 1,
    fn: (v, [re, i, m]) => regexSearch(str('regex_search')(v), asString(re, "'regex_search'"), regexFlags(isTruthy(i), isTruthy(m))),
  },
  regex_replace: {
    params: ['regex', 'replace', 'ignorecase', 'multiline'],
    required: 1,
    fn: (v, [re, repl, i, m]) =>
      regexReplace(str('regex_replace')(v), asString(re, "'regex_replace'"), repl === undefined ? '' : toText(repl), regexFlags(isTruthy(i), isTruthy(m))),
  },
  select: selectFilter(true),
  reject: selectFilter(false),
  map,
  unique: of((v) => uniqueValues(asList(v, "'unique'"))),
  sort: { params: ['reverse', 'case_sensitive', 'attribute'], required: 0, fn: (v, args) => sortFilter(v, args) },
  reverse: of((v) => (typeof v === 'string' ? [...v].reverse().join('') : [...asList(v, "'reverse'")].reverse())),
  min: extreme('min', -1),
  max: extreme('max', 1),
  sum: of((v) => numbers(v, 'sum').reduce((a, b) => a + b, 0)),
  abs: of((v) => {
    if (typeof v !== 'number') throw new DataError(`'abs' needs a number, got ${typeName(v)}`);
    return Math.abs(v);
  }),
  flatten: { params: ['levels'], required: 0, fn: (v, [levels]) => flattenList(asList(v, "'flatten'"), levels === undefined || levels === null ? Infinity : toInt(levels)) },
  difference: setOp('difference', (a, b) => uniqueValues(a.filter((x) => !contains(b, x)))),
  intersect: setOp('intersect', (a, b) => uniqueValues(a.filter((x) => contains(b, x)))),
  union: setOp('union', (a, b) => uniqueValues([...a, ...b])),
  dict2items: { params: ['key_name', 'value_name'], required: 0, fn: (v, [k, val]) => dict2items(v, k === undefined ? 'key' : toText(k), val === undefined ? 'value' : toText(val)) },
  items2dict: { params: ['key_name', 'value_name'], required: 0, fn: (v, [k, val]) => items2dict(v, k === undefined ? 'key' : toText(k), val === undefined ? 'value' : toText(val)) },
  from_json: of(fromJson),
  to_json: of((v) => JSON.stringify(v)),
  basename: of((v) => posixBasename(str('basename')(v))),
  dirname: of((v) => posixDirname(str('dirname')(v))),
  b64encode: of((v) => b64encode(str('b64encode')(v))),
  b64decode: of((v) => b64decode(str('b64decode')(v))),
};
