/**
 * Translates a Python `re` pattern into an equivalent JavaScript RegExp source (for the `u` flag).
 *
 * Users copy their lineinfile / replace patterns from Ansible playbooks, so the pattern must mean
 * what it means to Python: `$` also matches before a final newline, `.` never matches `\n` (but does
 * match `\r`), `\Z`, `(?P<name>...)`, `{` taken literally when it is not a quantifier, unknown
 * escapes of letters are errors, and in bytes mode (lineinfile, blockinfile work on bytes) `\w`,
 * `\d`, `\s`, `\b` are ASCII while in text mode (replace) they are Unicode.
 *
 * The JS output uses no `m` or `s` flag: `^`, `$` and `.` are spelled out so that scoped flags
 * (`(?s:...)`) and Python's newline rules are exact. Only `i` maps onto a JS flag, which is why a
 * scoped `(?i:...)` that changes it cannot be supported (Node 20 has no regexp modifiers).
 *
 * Known differences, all rare in configuration files: a backreference to a group that did not take
 * part in the match matches the empty string (Python: fails); lookbehinds may be variable-length
 * (Python refuses them); `\N{...}`, possessive quantifiers, atomic groups and conditionals are not
 * supported; in bytes mode `(?i)` also folds Latin-1 letters.
 */

export type PyRegexMode = 'bytes' | 'text';

export interface PyFlags {
  ignorecase: boolean;
  multiline: boolean;
  dotall: boolean;
  verbose: boolean;
  /** `(?a)`: ASCII classes in text mode (always the case in bytes mode) */
  ascii: boolean;
}

export interface TranslatedRegex {
  source: string;
  /** the flags in force for the whole pattern (given + global inline flags) */
  flags: PyFlags;
  groupCount: number;
  groupNames: Map<string, number>;
}

/** A pattern Python's `re` would refuse (or that we cannot express in JavaScript). */
export class PyRegexError extends Error {
  constructor(message: string, readonly pattern: string, readonly pos?: number) {
    super(pos === undefined ? message : `${message} at position ${pos}`);
    this.name = 'PyRegexError';
  }
}

interface Scope {
  multiline: boolean;
  dotall: boolean;
  verbose: boolean;
  ascii: boolean;
  ignorecase: boolean;
}

const DIGITS = /[0-9]/;
const OCTDIGITS = /[0-7]/;
const HEXDIGITS = /[0-9a-fA-F]/;
const ASCII_LETTER = /[A-Za-z]/;
const PY_WHITESPACE = ' \t\n\r\v\f';

// class bodies (without brackets) for Python's categories
const ASCII_WORD = 'A-Za-z0-9_';
const ASCII_DIGIT = '0-9';
const ASCII_SPACE = ' \\t\\n\\r\\f\\v';
const UNI_WORD = '\\p{L}\\p{N}_';
const UNI_DIGIT = '\\p{Nd}';
const UNI_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };

/** A literal code point, written so that it can never be read as syntax by the JS parser. */
function lit(cp: number): string {
  if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f) return String.fromCodePoint(cp);
  return `\\u{${cp.toString(16)}}`;
}

/** A group being opened: its JS text, its number if it captures, the flags inside it. */
interface Opening {
  open: string;
  group?: number;
  scope: Scope;
}

type ClassItem =
  | { kind: 'char'; cp: number }
  | { kind: 'range'; lo: number; hi: number }
  /** a category: `body` goes inside a JS class; `negated` ones must be expressed outside it */
  | { kind: 'category'; body: string; negated: boolean };

export function translatePyRegex(pattern: string, mode: PyRegexMode, given: Partial<PyFlags> = {}): TranslatedRegex {
  const cps = Array.from(pattern, (c) => c.codePointAt(0)!);
  const chars = Array.from(pattern);
  let pos = 0;
  const groupNames = new Map<string, number>();
  let groupCount = 0;
  const flags: PyFlags = {
    ignorecase: given.ignorecase ?? false,
    multiline: given.multiline ?? false,
    dotall: given.dotall ?? false,
    verbose: given.verbose ?? false,
    ascii: mode === 'bytes' || (given.ascii ?? false),
  };
  let scope: Scope = { ...flags };
  /** open groups: the scope to restore at ')' and, for capturing ones, their number */
  const stack: { scope: Scope; group?: number; at: number }[] = [];
  let out = '';
  // true until something other than global flags has been read (Python wants those first)
  let atStart = true;

  const fail = (msg: string, at = pos): never => {
    throw new PyRegexError(msg, pattern, at);
  };
  const peek = (k = 0): string | undefined => chars[pos + k];

  const word = () => (scope.ascii ? ASCII_WORD : UNI_WORD);
  const digit = () => (scope.ascii ? ASCII_DIGIT : UNI_DIGIT);
  const space = () => (scope.ascii ? ASCII_SPACE : UNI_SPACE);

  /** Reads the hex digits of \x, \u, \U (the backslash and letter already consumed). */
  const hexEscape = (letter: string, count: number): number => {
    let hex = '';
    for (let k = 0; k < count; k++) {
      const c = peek();
      if (c === undefined || !HEXDIGITS.test(c)) fail(`incomplete escape \\${letter}${hex}`);
      hex += c;
      pos++;
    }
    const cp = parseInt(hex, 16);
    if (cp > 0x10ffff) fail(`bad escape \\${letter}${hex}`);
    return cp;
  };

  /** An escape inside [...]: a code point or a category. `pos` is just after the backslash. */
  const classEscape = (): ClassItem => {
    const c = peek();
    if (c === undefined) return fail('bad escape (end of pattern)');
    pos++;
    if (c === 'b') return { kind: 'char', cp: 8 };
    if (c in SIMPLE_ESCAPES) return { kind: 'char', cp: SIMPLE_ESCAPES[c] };
    switch (c) {
      case 'd': return { kind: 'category', body: digit(), negated: false };
      case 'D': return { kind: 'category', body: digit(), negated: true };
      case 's': return { kind: 'category', body: space(), negated: false };
      case 'S': return { kind: 'category', body: space(), negated: true };
      case 'w': return { kind: 'category', body: word(), negated: false };
      case 'W': return { kind: 'category', body: word(), negated: true };
      case 'x': return { kind: 'char', cp: hexEscape('x', 2) };
    }
    if ((c === 'u' || c === 'U') && mode === 'text') return { kind: 'char', cp: hexEscape(c, c === 'u' ? 4 : 8) };
    if (OCTDIGITS.test(c)) {
      let oct = c;
      while (oct.length < 3 && peek() !== undefined && OCTDIGITS.test(peek()!)) oct += chars[pos++];
      const v = parseInt(oct, 8);
      if (v > 0o377) fail(`octal escape value \\${oct} outside of range 0-0o377`);
      return { kind: 'char', cp: v };
    }
    if (DIGITS.test(c) || ASCII_LETTER.test(c)) fail(`bad escape \\${c}`, pos - 2);
    return { kind: 'char', cp: cps[pos - 1] };
  };

  const readClass = (): string => {
    // pos is just after '['
    const start = pos - 1;
    const negate = peek() === '^';
    if (negate) pos++;
    const items: ClassItem[] = [];
    let first = true;
    for (;;) {
      const c = peek();
      if (c === undefined) fail('unterminated character set', start);
      pos++;
      if (c === ']' && !first) break;
      first = false;
      let item: ClassItem = c === '\\' ? classEscape() : { kind: 'char', cp: cps[pos - 1] };
      if (peek() === '-') {
        pos++;
        const that = peek();
        if (that === undefined) fail('unterminated character set', start);
        pos++;
        if (that === ']') {
          items.push(item, { kind: 'char', cp: 0x2d });
          break;
        }
        const item2: ClassItem = that === '\\' ? classEscape() : { kind: 'char', cp: cps[pos - 1] };
        if (item.kind !== 'char' || item2.kind !== 'char') fail('bad character range', start);
        const lo = (item as { cp: number }).cp;
        const hi = (item2 as { cp: number }).cp;
        if (hi < lo) fail(`bad character range ${String.fromCodePoint(lo)}-${String.fromCodePoint(hi)}`, start);
        item = { kind: 'range', lo, hi };
      }
      items.push(item);
    }
    return emitClass(items, negate);
  };

  const emitClass = (items: ClassItem[], negate: boolean): string => {
    let body = '';
    const outside: string[] = [];
    for (const it of items) {
      if (it.kind === 'char') body += lit(it.cp);
      else if (it.kind === 'range') body += `${lit(it.lo)}-${lit(it.hi)}`;
      else if (!it.negated) body += it.body;
      else outside.push(`[^${it.body}]`);
    }
    if (outside.length === 0) return negate ? `[^${body}]` : `[${body}]`;
    const alternatives = (body ? [`[${body}]`] : []).concat(outside).join('|');
    // a negated category cannot live inside a JS class without the v flag: use alternation
    return negate ? `(?:(?!${alternatives})[\\s\\S])` : `(?:${alternatives})`;
  };

  /** An escape outside [...]. `pos` is just after the backslash. */
  const escape = (): string => {
    const c = peek();
    if (c === undefined) return fail('bad escape (end of pattern)');
    pos++;
    switch (c) {
      case 'A': return '(?<![\\s\\S])';
      case 'Z': return '(?![\\s\\S])';
      case 'b': return scope.ascii ? '\\b' : `(?:(?<=[${UNI_WORD}])(?![${UNI_WORD}])|(?<![${UNI_WORD}])(?=[${UNI_WORD}]))`;
      case 'B': return scope.ascii ? '\\B' : `(?:(?<=[${UNI_WORD}])(?=[${UNI_WORD}])|(?<![${UNI_WORD}])(?![${UNI_WORD}]))`;
      case 'd': return `[${digit()}]`;
      case 'D': return `[^${digit()}]`;
      case 's': return `[${space()}]`;
      case 'S': return `[^${space()}]`;
      case 'w': return `[${word()}]`;
      case 'W': return `[^${word()}]`;
      case 'x': return lit(hexEscape('x', 2));
    }
    if (c in SIMPLE_ESCAPES) return lit(SIMPLE_ESCAPES[c]);
    if ((c === 'u' || c === 'U') && mode === 'text') return lit(hexEscape(c, c === 'u' ? 4 : 8));
    if (c === '0') {
      let oct = c;
      while (oct.length < 3 && peek() !== undefined && OCTDIGITS.test(peek()!)) oct += chars[pos++];
      return lit(parseInt(oct, 8));
    }
    if (DIGITS.test(c)) {
      let num = c;
      if (peek() !== undefined && DIGITS.test(peek()!)) {
        if (OCTDIGITS.test(c) && OCTDIGITS.test(peek()!) && peek(1) !== undefined && OCTDIGITS.test(peek(1)!)) {
          const oct = c + chars[pos] + chars[pos + 1];
          pos += 2;
          const v = parseInt(oct, 8);
          if (v > 0o377) fail(`octal escape value \\${oct} outside of range 0-0o377`);
          return lit(v);
        }
        num += chars[pos++];
      }
      const group = Number(num);
      if (group > groupCount) fail(`invalid group reference ${group}`);
      if (stack.some((g) => g.group === group)) fail('cannot refer to an open group');
      return `(?:\\${group})`;
    }
    if (ASCII_LETTER.test(c)) fail(`bad escape \\${c}`, pos - 2);
    return lit(cps[pos - 1]);
  };

  /**
   * `(?` extensions. `pos` is just after `(?`. Returns a group opening, a complete atom (a named
   * backreference, or '' for a comment), or 'flags' for global inline flags.
   */
  const extension = (): Opening | { atom: string } | 'flags' => {
    const c = peek();
    if (c === undefined) return fail('unexpected end of pattern');
    if (c === 'P') {
      pos++;
      if (peek() === '<') {
        pos++;
        const name = readName('>');
        if (groupNames.has(name)) fail(`redefinition of group name '${name}'`);
        groupCount++;
        groupNames.set(name, groupCount);
        return { open: `(?<${name}>`, group: groupCount, scope };
      }
      if (peek() === '=') {
        pos++;
        const name = readName(')');
        if (!groupNames.has(name)) fail(`unknown group name '${name}'`);
        if (stack.some((g) => g.group === groupNames.get(name))) fail('cannot refer to an open group');
        return { atom: `(?:\\k<${name}>)` };
      }
      return fail(`unknown extension ?P${peek() ?? ''}`);
    }
    if (c === ':' || c === '=' || c === '!') {
      pos++;
      return { open: `(?${c}`, scope };
    }
    if (c === '<') {
      const d = peek(1);
      if (d === '=' || d === '!') {
        pos += 2;
        return { open: `(?<${d}`, scope };
      }
      return fail(`unknown extension ?<${d ?? ''}`);
    }
    if (c === '#') {
      while (peek() !== undefined && peek() !== ')') pos++;
      if (peek() === undefined) fail('missing ), unterminated comment');
      pos++;
      return { atom: '' };
    }
    if (/[aiLmsux-]/.test(c)) return inlineFlags();
    return fail(`unknown extension ?${c}`);
  };

  const readName = (end: string): string => {
    let name = '';
    while (peek() !== undefined && peek() !== end) name += chars[pos++];
    if (peek() === undefined) fail(`missing ${end}, unterminated name`);
    pos++;
    if (!/^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u.test(name)) fail(`bad character in group name '${name}'`);
    return name;
  };

  /** `(?imsx)` (global, at the start) or `(?imsx-imsx:...)` (scoped). */
  const inlineFlags = (): Opening | 'flags' => {
    const on = new Set<string>();
    const off = new Set<string>();
    let target = on;
    for (;;) {
      const c = peek();
      if (c === undefined) return fail('missing -, : or )');
      pos++;
      if (c === ')' || c === ':') {
        if (c === ')') {
          if (target === off) fail('missing :');
          if (!atStart) fail('global flags not at the start of the expression');
          if (on.has('u') && mode === 'bytes') fail('bad inline flags: cannot use \'u\' flag with a bytes pattern');
          if (on.has('L') && mode === 'text') fail('bad inline flags: cannot use \'L\' flag with a str pattern');
          for (const f of on) setFlag(flags, f, true);
          scope = { ...flags };
          return 'flags';
        }
        const next: Scope = { ...scope };
        for (const f of on) setFlag(next, f, true);
        for (const f of off) setFlag(next, f, false);
        if (next.ignorecase !== scope.ignorecase) fail('a scoped (?i:...) flag is not supported; put (?i) at the start of the pattern');
        return { open: '(?:', scope: next };
      }
      if (c === '-') {
        if (target === off) fail('bad inline flags: flag turned on and off');
        target = off;
        continue;
      }
      if (!/[aiLmsux]/.test(c)) fail(ASCII_LETTER.test(c) ? 'unknown flag' : 'missing -, : or )');
      if (target === off && !/[imsx]/.test(c)) fail('bad inline flags: cannot turn off flags \'a\', \'u\' and \'L\'');
      target.add(c);
    }
  };

  while (pos < chars.length) {
    const c = chars[pos];
    pos++;
    if (scope.verbose) {
      if (PY_WHITESPACE.includes(c)) continue;
      if (c === '#') {
        while (pos < chars.length && chars[pos] !== '\n') pos++;
        continue;
      }
    }
    const opened = pos - 1;
    if (c === '(' && peek() === '?') {
      pos++;
      const ext = extension();
      if (ext === 'flags') continue;
      atStart = false;
      if ('atom' in ext) {
        out += ext.atom;
        continue;
      }
      stack.push({ scope, group: ext.group, at: opened });
      scope = ext.scope;
      out += ext.open;
      continue;
    }
    atStart = false;
    switch (c) {
      case '\\':
        out += escape();
        break;
      case '(':
        groupCount++;
        stack.push({ scope, group: groupCount, at: opened });
        out += '(';
        break;
      case ')': {
        const g = stack.pop();
        if (!g) fail('unbalanced parenthesis', pos - 1);
        scope = g!.scope;
        out += ')';
        break;
      }
      case '[':
        out += readClass();
        break;
      case '.':
        out += scope.dotall ? '[\\s\\S]' : '[^\\n]';
        break;
      case '^':
        out += scope.multiline ? '(?<![^\\n])' : '^';
        break;
      case '$':
        out += scope.multiline ? '(?![^\\n])' : '(?=\\n?(?![\\s\\S]))';
        break;
      case '{': {
        const m = /^(\d*)(?:(,)(\d*))?\}/.exec(chars.slice(pos, pos + 40).join(''));
        if (m && !(m[1] === '' && m[2] === undefined)) {
          const lo = m[1] === '' ? '0' : m[1];
          out += m[2] === undefined ? `{${lo}}` : `{${lo},${m[3]}}`;
          if (m[3] !== '' && m[2] !== undefined && Number(m[3]) < Number(lo)) fail('min repeat greater than max repeat');
          pos += m[0].length;
        } else out += lit(0x7b);
        break;
      }
      case '}':
        out += lit(0x7d);
        break;
      case ']':
        out += lit(0x5d);
        break;
      case '*':
      case '+':
      case '?':
      case '|':
        out += c;
        break;
      default:
        out += lit(cps[pos - 1]);
    }
  }
  if (stack.length > 0) fail('missing ), unterminated subpattern', stack[stack.length - 1].at);
  return { source: out, flags, groupCount, groupNames };
}

function setFlag(target: PyFlags | Scope, letter: string, value: boolean): void {
  switch (letter) {
    case 'i': target.ignorecase = value; break;
    case 'm': target.multiline = value; break;
    case 's': target.dotall = value; break;
    case 'x': target.verbose = value; break;
    case 'a': target.ascii = value; break;
    // 'u' is the default for text, 'L' (locale) only means something for bytes: nothing to do
  }
}
