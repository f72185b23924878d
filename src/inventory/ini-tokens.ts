/** A word of an INI host line, with quotes removed, and the 0-based offset where it started. */
export interface LineToken {
  text: string;
  offset: number;
}

export class TokenizeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * Splits a host line like a POSIX shell (Python's shlex, which Ansible uses): whitespace separates
 * words, quotes group (`foo="a b"` is the word `foo=a b`), a backslash escapes outside single
 * quotes. A `#` starts a comment only where a word could start (line start or after whitespace);
 * unlike shlex, `pass=a#b` keeps its `#`, which shlex would silently cut.
 */
export function tokenizeHostLine(line: string): LineToken[] {
  const tokens: LineToken[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length || line[i] === '#') break;
    const start = i;
    let text = '';
    while (i < line.length && !/\s/.test(line[i])) {
      const c = line[i];
      if (c === "'" || c === '"') {
        const close = readQuoted(line, i);
        text += close.text;
        i = close.end;
      } else if (c === '\\') {
        if (i + 1 >= line.length) throw new TokenizeError('no character after the final backslash', i);
        text += line[i + 1];
        i += 2;
      } else {
        text += c;
        i++;
      }
    }
    tokens.push({ text, offset: start });
  }
  return tokens;
}

function readQuoted(line: string, open: number): { text: string; end: number } {
  const quote = line[open];
  let text = '';
  let i = open + 1;
  while (i < line.length) {
    const c = line[i];
    if (c === quote) return { text, end: i + 1 };
    // inside double quotes a backslash escapes only `"` and `\`, as in the shell
    if (quote === '"' && c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
      text += line[i + 1];
      i += 2;
      continue;
    }
    text += c;
    i++;
  }
  throw new TokenizeError(`no closing ${quote} quote`, open);
}
