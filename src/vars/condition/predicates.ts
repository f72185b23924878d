/**
 * Tests: `x is name`, `x is not name`, `x is name(args)`. See evaluate.ts for the list.
 */
import {
  DataError,
  asList,
  asString,
  compareValues,
  contains,
  deepEqual,
  isMapping,
  isTruthy,
  regexFlags,
  regexMatchesAtStart,
  regexSearch,
  typeName,
  versionTest,
} from '../helpers.js';
import type { TestDef } from './catalog.js';

const is = (fn: (v: unknown) => boolean): TestDef => ({ params: [], required: 0, fn: (v) => fn(v) });

/** A registered result: `r is changed` reads r.changed, `r is succeeded` is `not r.failed`. */
function resultFlag(test: string, flag: string, expected = true): TestDef {
  return {
    params: [],
    required: 0,
    fn: (v) => {
      if (!isMapping(v)) {
        throw new DataError(`'is ${test}' needs a registered task result, got ${typeName(v)}`, `register the task (register: result), then test 'result is ${test}'`);
      }
      return isTruthy(v[flag]) === expected;
    },
  };
}

function regexTest(test: string, anchored: boolean): TestDef {
  return {
    params: ['pattern', 'ignorecase'],
    required: 1,
    options: ['multiline'],
    fn: (v, [pattern, ignorecase], { multiline }) => {
      const s = asString(v, `'is ${test}'`);
      const p = asString(pattern, `'is ${test}'`);
      const flags = regexFlags(isTruthy(ignorecase), isTruthy(multiline));
      return anchored ? regexMatchesAtStart(s, p, flags) : regexSearch(s, p, flags) !== null;
    },
  };
}

const version: TestDef = {
  params: ['version', 'operator'],
  required: 1,
  options: ['strict', 'version_type'],
  fn: (v, [wanted, op]) => versionTest(v, wanted, op === undefined ? 'eq' : asString(op, 'version operator')),
};

function compareTest(check: (c: number) => boolean): TestDef {
  return { params: ['other'], required: 1, fn: (v, [other]) => check(compareValues(v, other)) };
}

function numberArg(v: unknown, test: string): number {
  if (typeof v !== 'number') throw new DataError(`'is ${test}' needs a number, got ${typeName(v)}`);
  return v;
}

export const TESTS: Readonly<Record<string, TestDef>> = {
  defined: { params: [], required: 0, acceptsUndefined: true, fn: (v) => v !== undefined },
  undefined: { params: [], required: 0, acceptsUndefined: true, fn: (v) => v === undefined },
  none: is((v) => v === null),
  true: is((v) => v === true),
  false: is((v) => v === false),
  boolean: is((v) => typeof v === 'boolean'),
  string: is((v) => typeof v === 'string'),
  number: is((v) => typeof v === 'number'),
  integer: is((v) => typeof v === 'number' && Number.isInteger(v)),
  float: is((v) => typeof v === 'number' && !Number.isInteger(v)),
  mapping: is(isMapping),
  iterable: is((v) => Array.isArray(v) || typeof v === 'string' || isMapping(v)),
  sequence: is((v) => Array.isArray(v) || typeof v === 'string'),
  even: is((v) => numberArg(v, 'even') % 2 === 0),
  odd: is((v) => Math.abs(numberArg(v, 'odd') % 2) === 1),
  divisibleby: { params: ['num'], required: 1, fn: (v, [n]) => numberArg(v, 'divisibleby') % numberArg(n, 'divisibleby') === 0 },

  changed: resultFlag('changed', 'changed'),
  failed: resultFlag('failed', 'failed'),
  failure: resultFlag('failure', 'failed'),
  skipped: resultFlag('skipped', 'skipped'),
  unreachable: resultFlag('unreachable', 'unreachable'),
  succeeded: resultFlag('succeeded', 'failed', false),
  success: resultFlag('success', 'failed', false),

  match: regexTest('match', true),
  search: regexTest('search', false),
  regex: regexTest('regex', false),
  version,
  version_compare: version,

  subset: { params: ['other'], required: 1, fn: (v, [o]) => asList(v, "'is subset'").every((x) => contains(asList(o, "'is subset'"), x)) },
  superset: { params: ['other'], required: 1, fn: (v, [o]) => asList(o, "'is superset'").every((x) => contains(asList(v, "'is superset'"), x)) },
  in: { params: ['container'], required: 1, fn: (v, [c]) => contains(c, v) },
  contains: { params: ['item'], required: 1, fn: (v, [x]) => contains(v, x) },

  eq: { params: ['other'], required: 1, fn: (v, [o]) => deepEqual(v, o) },
  equalto: { params: ['other'], required: 1, fn: (v, [o]) => deepEqual(v, o) },
  ne: { params: ['other'], required: 1, fn: (v, [o]) => !deepEqual(v, o) },
  lt: compareTest((c) => c < 0),
  le: compareTest((c) => c <= 0),
  gt: compareTest((c) => c > 0),
  ge: compareTest((c) => c >= 0),
};
