import { type PyFlags, type PyRegexMode, PyRegexError, translatePyRegex } from './python-regex-translate.js';

export { PyRegexError, type PyFlags, type PyRegexMode } from './python-regex-translate.js';

/** One match, with Python's accessors (group by number or name; unmatched groups are undefined). */
export interface PyMatch {
  start: number;
  end: number;
  group(ref: number | string): string | undefined;
  /** start/end of a group (needs `indices` at compile time) */
  span(ref: number | string): [number, number] | undefined;
}

/**
 * A compiled Python pattern. Strings are JS strings: in bytes mode one char per byte (latin1, see
 * byte-text.ts), in text mode Unicode text.
 */
export class PyRegex {
  readonly flags: PyFlags;
  readonly groupCount: number;
  readonly groupNames: ReadonlyMap<string, number>;
  private readonly re: RegExp;
  /** only patterns that can choose between an empty and a non-empty match need Python's retry */
  private readonly mayPreferEmpty: boolean;
  private readonly jsSource: string;
  private readonly jsFlags: string;

  constructor(
    readonly pattern: string,
    readonly mode: PyRegexMode,
    opts: Partial<PyFlags> & { indices?: boolean } = {},
  ) {
    const t = translatePyRegex(pattern, mode, opts);
    this.flags = t.flags;
    this.groupCount = t.groupCount;
    this.groupNames = t.groupNames;
    this.jsSource = t.source;
    this.jsFlags = 'gu' + (t.flags.ignorecase ? 'i' : '') + (opts.indices ? 'd' : '');
    try {
      this.re = new RegExp(t.source, this.jsFlags);
    } catch (e) {
      throw new PyRegexError((e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, ''), pattern);
    }
    this.mayPreferEmpty = /\||[*+?}]\?/.test(pattern);
  }

  /** Python's `pattern.search(s, pos)`. */
  search(s: string, pos = 0): PyMatch | null {
    this.re.lastIndex = pos;
    const m = this.re.exec(s);
    return m ? toMatch(m, this.groupNames) : null;
  }

  /**
   * Python's `pattern.subn(repl, s)`: replaces every match with `replace(match)`. After an empty
   * match Python looks for a non-empty match at the same place before moving on (JS skips ahead),
   * which matters for patterns like `x*|a`.
   */
  subn(s: string, replace: (m: PyMatch) => string): [string, number] {
    let out = '';
    let copied = 0;
    let pos = 0;
    let count = 0;
    let mustAdvance = false;
    while (pos <= s.length) {
      let m = this.search(s, pos);
      if (m && mustAdvance && m.start === pos && m.end === pos) {
        m = this.nonEmptyAt(s, pos) ?? (pos < s.length ? this.search(s, pos + charLength(s, pos)) : null);
      }
      if (!m) break;
      out += s.slice(copied, m.start) + replace(m);
      copied = m.end;
      count++;
      mustAdvance = m.end === m.start;
      pos = m.end;
    }
    return [out + s.slice(copied), count];
  }

  private nonEmptyAt(s: string, pos: number): PyMatch | null {
    if (!this.mayPreferEmpty || pos >= s.length) return null;
    // sticky at pos, and the end must lie beyond pos
    const re = new RegExp(`(?:${this.jsSource})(?<=^[\\s\\S]{${pos + 1},})`, this.jsFlags.replace('g', 'y'));
    re.lastIndex = pos;
    const m = re.exec(s);
    return m ? toMatch(m, this.groupNames) : null;
  }
}

function charLength(s: string, pos: number): number {
  const c = s.codePointAt(pos)!;
  return c > 0xffff ? 2 : 1;
}

function toMatch(m: RegExpExecArray, names: ReadonlyMap<string, number>): PyMatch {
  const index = (ref: number | string): number => {
    if (typeof ref === 'number') return ref;
    const n = names.get(ref);
    if (n === undefined) throw new PyRegexError(`no such group '${ref}'`, '');
    return n;
  };
  return {
    start: m.index,
    end: m.index + m[0].length,
    group: (ref) => m[index(ref)],
    span: (ref) => {
      const r = m.indices?.[index(ref)];
      return r ? [r[0], r[1]] : undefined;
    },
  };
}

/** Compiles, or returns the error Python's re would raise (as a message). */
export function compilePy(pattern: string, mode: PyRegexMode, opts: Partial<PyFlags> & { indices?: boolean } = {}): PyRegex | { error: string } {
  try {
    return new PyRegex(pattern, mode, opts);
  } catch (e) {
    if (e instanceof PyRegexError) return { error: e.message };
    throw e;
  }
}
