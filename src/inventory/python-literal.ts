/**
 * INI inventory values, read the way Ansible reads them: Python's `ast.literal_eval` of the text
 * (numbers, quoted strings, True/False/None, lists, tuples, dicts), and the text itself when it is
 * not a literal. One deliberate addition: lowercase `true`/`false` are booleans too, because in
 * Ansible they stay strings and the string "false" is truthy, a classic trap.
 */
export function parseIniValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  try {
    const p = new LiteralParser(text);
    const value = p.parseValue();
    p.expectEnd();
    return value;
  } catch (e) {
    if (e instanceof NotALiteral) return text;
    throw e;
  }
}

class NotALiteral extends Error {}

const NAMED: Record<string, unknown> = { True: true, False: false, None: null };

class LiteralParser {
  private i = 0;
  constructor(private readonly s: string) {}

  expectEnd(): void {
    this.skipSpace();
    if (this.i < this.s.length) throw new NotALiteral();
  }

  parseValue(): unknown {
    this.skipSpace();
    const c = this.s[this.i];
    if (c === undefined) throw new NotALiteral();
    if (c === '[') return this.parseSequence('[', ']');
    if (c === '(') return this.parseSequence('(', ')');
    if (c === '{') return this.parseDict();
    if (c === '"' || c === "'") return this.parseStrings();
    if (c === '-' || c === '+') {
      this.i++;
      this.skipSpace();
      const n = this.parseNumber();
      return c === '-' ? -n : n;
    }
    if (/[0-9.]/.test(c)) return this.parseNumber();
    const word = /^[A-Za-z_]\w*/.exec(this.s.slice(this.i))?.[0];
    if (word !== undefined && word in NAMED) {
      this.i += word.length;
      return NAMED[word];
    }
    throw new NotALiteral();
  }

  private parseSequence(open: string, close: string): unknown {
    this.i++; // open
    const items: unknown[] = [];
    let sawComma = false;
    for (;;) {
      this.skipSpace();
      if (this.s[this.i] === close) {
        this.i++;
        // `(1)` is just 1 in Python; only `(1,)` is a tuple
        if (open === '(' && items.length === 1 && !sawComma) return items[0];
        return items;
      }
      items.push(this.parseValue());
      this.skipSpace();
      if (this.s[this.i] === ',') {
        this.i++;
        sawComma = true;
      } else if (this.s[this.i] !== close) {
        throw new NotALiteral();
      }
    }
  }

  private parseDict(): Record<string, unknown> {
    this.i++; // {
    const out: Record<string, unknown> = {};
    for (;;) {
      this.skipSpace();
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      const key = this.parseValue();
      if (key !== null && typeof key === 'object') throw new NotALiteral(); // unhashable in Python
      this.skipSpace();
      if (this.s[this.i] !== ':') throw new NotALiteral(); // a set literal, or garbage
      this.i++;
      out[String(key)] = this.parseValue();
      this.skipSpace();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') throw new NotALiteral();
    }
  }

  /** One or more adjacent string literals, concatenated as Python does. */
  private parseStrings(): string {
    let out = this.parseString();
    for (;;) {
      const save = this.i;
      this.skipSpace();
      const c = this.s[this.i];
      if (c !== '"' && c !== "'") {
        this.i = save;
        return out;
      }
      out += this.parseString();
    }
  }

  private parseString(): string {
    const quote = this.s[this.i++];
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i++];
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.i++];
      if (e === undefined) break;
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };
      if (e in simple) out += simple[e];
      else if (e === 'x' || e === 'u' || e === 'U') {
        const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = this.s.slice(this.i, this.i + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw new NotALiteral();
        out += String.fromCodePoint(parseInt(hex, 16));
        this.i += len;
      } else out += `\\${e}`; // Python keeps unknown escapes as written
    }
    throw new NotALiteral(); // unterminated
  }

  private parseNumber(): number {
    const rest = this.s.slice(this.i);
    const m =
      /^0[xX](?:_?[0-9a-fA-F])+/.exec(rest) ??
      /^0[oO](?:_?[0-7])+/.exec(rest) ??
      /^0[bB](?:_?[01])+/.exec(rest) ??
      /^(?:\d(?:_?\d)*)?\.?(?:\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?/.exec(rest);
    const text = m?.[0] ?? '';
    if (!/\d/.test(text) || /^[eE.]*$/.test(text)) throw new NotALiteral();
    const after = rest[text.length];
    if (after !== undefined && /[\w.]/.test(after)) throw new NotALiteral(); // 1.2.3, 12ab, 1j
    this.i += text.length;
    const clean = text.replace(/_/g, '');
    if (/^0[xXoObB]/.test(clean)) {
      const n = Number(clean);
      if (!Number.isSafeInteger(n)) throw new NotALiteral();
      return n;
    }
    const isFloat = /[.eE]/.test(clean);
    // Python 3 rejects decimal integers with leading zeros ("010"), so they stay strings
    if (!isFloat && /^0\d/.test(clean)) throw new NotALiteral();
    const n = Number(clean);
    // a JavaScript number would silently round it; the text keeps every digit
    if (!isFloat && !Number.isSafeInteger(n)) throw new NotALiteral();
    return n;
  }

  private skipSpace(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }
}
