/**
 * Tokens of the condition language. Strings follow Python: 'single' or "double" quotes, the usual
 * escapes, and unknown escapes kept as written so `'\d+'` is a regex, not `d+`.
 */
export type TokenKind = 'number' | 'string' | 'name' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** the operator or name text; the decoded text for strings */
  text: string;
  /** numbers only */
  num?: number;
  /** 0-based offset in the expression */
  at: number;
}

/** A lexing or parsing error at an offset; converted to TemplateError by the public API. */
export class SyntaxFault extends Error {
  constructor(
    message: string,
    readonly at: number,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'SyntaxFault';
  }
}

const OPERATORS = ['//', '==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '%', '~', '(', ')', '[', ']', '{', '}', ',', ':', '.', '|', '='];

/** Habits from other languages, with what to write instead. */
const FOREIGN: Readonly<Record<string, string>> = {
  '&&': "use 'and'",
  '||': "use 'or'",
  '!': "use 'not' (or '!=')",
  '**': 'powers are not supported',
  '===': "use '=='",
  '!==': "use '!='",
};

/** Longest first, so '!==' is reported as itself and '!=' stays an operator. */
const FOREIGN_ORDER = Object.keys(FOREIGN).sort((a, b) => b.length - a.length);

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\n': '',
};

export function tokenize(src: string, base = 0): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = base + i;
    const afterDot = tokens.length > 0 && tokens[tokens.length - 1].text === '.' && tokens[tokens.length - 1].kind === 'op';
    if (/[0-9]/.test(c)) {
      // after '.', only an integer: `a.0.1` is a[0][1], not a[0.1]
      const re = afterDot ? /^\d+/ : /^\d+(\.\d+)?([eE][+-]?\d+)?/;
      const m = re.exec(src.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'number', text: m[0], num: Number(m[0]), at });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'name', text: m[0], at });
      i += m[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      const [text, next] = readString(src, i, base);
      tokens.push({ kind: 'string', text, at });
      i = next;
      continue;
    }
    const foreign = FOREIGN_ORDER.find((f) => src.startsWith(f, i) && !(f === '!' && src[i + 1] === '='));
    if (foreign) throw new SyntaxFault(`unexpected '${foreign}'`, at, FOREIGN[foreign]);
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) throw new SyntaxFault(`unexpected character '${c}'`, at);
    tokens.push({ kind: 'op', text: op, at });
    i += op.length;
  }
  tokens.push({ kind: 'eof', text: '', at: base + src.length });
  return tokens;
}

function readString(src: string, start: number, base: number): [string, number] {
  const quote = src[start];
  let out = '';
  let i = start + 1;
  while (i < src.length) {
    const c = src[i];
    if (c === quote) return [out, i + 1];
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = src[i + 1];
    if (e === undefined) break;
    if (Object.hasOwn(SIMPLE_ESCAPES, e)) {
      out += SIMPLE_ESCAPES[e];
      i += 2;
      continue;
    }
    const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (hex > 0) {
      const digits = src.slice(i + 2, i + 2 + hex);
      if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) throw new SyntaxFault(`bad \\${e} escape in string`, base + i);
      const code = Number.parseInt(digits, 16);
      if (code > 0x10ffff) throw new SyntaxFault(`bad \\${e} escape in string`, base + i);
      out += String.fromCodePoint(code);
      i += 2 + hex;
      continue;
    }
    out += `\\${e}`; // Python keeps unknown escapes: '\d' is backslash + d
    i += 2;
  }
  throw new SyntaxFault('unterminated string', base + start, `close it with ${quote}`);
}
