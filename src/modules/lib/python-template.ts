import type { PyMatch, PyRegex } from './python-regex.js';
import { PyRegexError } from './python-regex-translate.js';

/**
 * Python's replacement templates (`re.sub` repl, `match.expand`): `\1`, `\g<1>`, `\g<name>`,
 * `\n`-style escapes, octal `\0`/`\123`; unknown escapes of ASCII letters are errors, other unknown
 * escapes stay as written (backslash included). An unmatched group expands to ''.
 */

/** literal text, or a group number */
export type TemplatePart = string | number;

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
const IDENTIFIER = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u;

export function parseTemplate(template: string, groups: { groupCount: number; groupNames: ReadonlyMap<string, number> }): TemplatePart[] {
  const chars = Array.from(template);
  const parts: TemplatePart[] = [];
  let literal = '';
  let pos = 0;
  // where the current escape starts: error positions are reported relative to it, as Python does
  let esc = 0;
  const fail = (msg: string, at = pos): never => {
    throw new PyRegexError(msg, template, at);
  };
  const addGroup = (index: number, at: number) => {
    if (index > groups.groupCount) fail(`invalid group reference ${index}`, at);
    if (literal) parts.push(literal);
    literal = '';
    parts.push(index);
  };
  const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
  const isOct = (c: string | undefined) => c !== undefined && c >= '0' && c <= '7';

  while (pos < chars.length) {
    const ch = chars[pos++];
    if (ch !== '\\') {
      literal += ch;
      continue;
    }
    esc = pos - 1;
    const c = chars[pos++];
    if (c === undefined) fail('bad escape (end of pattern)', esc);
    if (c === 'g') {
      if (chars[pos] !== '<') fail('missing <');
      pos++;
      let name = '';
      while (pos < chars.length && chars[pos] !== '>') name += chars[pos++];
      if (pos >= chars.length) fail('missing >, unterminated name', esc + 3);
      pos++;
      if (name === '') fail('missing group name', esc + 3);
      if (IDENTIFIER.test(name)) {
        const index = groups.groupNames.get(name);
        if (index === undefined) fail(`unknown group name '${name}'`, esc + 3);
        addGroup(index!, esc + 3);
      } else {
        if (!/^\d+$/.test(name)) fail(`bad character in group name '${name}'`, esc + 3);
        addGroup(Number(name), esc + 3);
      }
    } else if (c === '0') {
      let oct = c;
      if (isOct(chars[pos])) {
        oct += chars[pos++];
        if (isOct(chars[pos])) oct += chars[pos++];
      }
      literal += String.fromCharCode(parseInt(oct, 8) & 0xff);
    } else if (isDigit(c)) {
      let num = c;
      let octal = false;
      if (isDigit(chars[pos])) {
        num += chars[pos++];
        if (isOct(c) && isOct(num[1]) && isOct(chars[pos])) {
          num += chars[pos++];
          octal = true;
          const v = parseInt(num, 8);
          if (v > 0o377) fail(`octal escape value \\${num} outside of range 0-0o377`, esc);
          literal += String.fromCharCode(v);
        }
      }
      if (!octal) addGroup(Number(num), esc + 1);
    } else if (c in ESCAPES) {
      literal += ESCAPES[c];
    } else if (/[A-Za-z]/.test(c)) {
      fail(`bad escape \\${c}`, esc);
    } else {
      literal += '\\' + c;
    }
  }
  if (literal) parts.push(literal);
  return parts;
}

export function expandTemplate(parts: readonly TemplatePart[], m: PyMatch): string {
  let out = '';
  for (const p of parts) out += typeof p === 'string' ? p : (m.group(p) ?? '');
  return out;
}

/** `match.expand(template)` in one call. */
export function expandMatch(re: PyRegex, m: PyMatch, template: string): string {
  return expandTemplate(parseTemplate(template, re), m);
}
