/**
 * Old-style argument strings: `copy: src=a dest="b c"` and free-form modules
 * (`command: ls -l chdir=/tmp`). Splitting follows Ansible's split_args: whitespace separates
 * words except inside quotes and inside `{{ }}`, `{% %}`, `{# #}`.
 */

export interface Word {
  text: string;
  /** offsets of the word in the original string, to keep a free-form command's text exactly */
  start: number;
  end: number;
}

const OPEN_CLOSE: Record<string, string> = { '{{': '}}', '{%': '%}', '{#': '#}' };

export function splitWords(s: string): Word[] {
  const words: Word[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) break;
    const start = i;
    let quote: string | undefined;
    const jinja: string[] = [];
    while (i < s.length) {
      const c = s[i]!;
      const two = s.slice(i, i + 2);
      if (quote) {
        if (c === '\\' && quote === '"') i++;
        else if (c === quote) quote = undefined;
      } else if (OPEN_CLOSE[two]) {
        jinja.push(OPEN_CLOSE[two]!);
        i++;
      } else if (jinja.length && two === jinja[jinja.length - 1]) {
        jinja.pop();
        i++;
      } else if (!jinja.length && (c === '"' || c === "'")) quote = c;
      else if (!jinja.length && /\s/.test(c)) break;
      i++;
    }
    words.push({ text: s.slice(start, Math.min(i, s.length)), start, end: Math.min(i, s.length) });
  }
  return words;
}

/** Removes one pair of matching surrounding quotes (`"a b"` -> `a b`), decoding \" inside "". */
export function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0]) {
    const inner = s.slice(1, -1);
    return s[0] === '"' ? inner.replace(/\\(["\\])/g, '$1') : inner;
  }
  return s;
}

/** The offsets key of the free-form text itself. */
export const FREE_TEXT = '';

const KEY = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/** `key=value` word -> [key, value], or undefined when the word is not one. */
export function keyValue(word: string): [string, string] | undefined {
  const m = KEY.exec(word);
  return m ? [m[1]!, unquote(word.slice(m[0].length))] : undefined;
}

export interface KeyValueArgs {
  args: Record<string, string>;
  /** where each key's word starts in the string */
  offsets: Record<string, number>;
  /** words that are not key=value (an error for modules that take no free-form text) */
  leftovers: string[];
}

export function parseKeyValues(s: string): KeyValueArgs {
  const args: Record<string, string> = {};
  const offsets: Record<string, number> = {};
  const leftovers: string[] = [];
  for (const w of splitWords(s)) {
    const kv = keyValue(w.text);
    if (kv) {
      args[kv[0]] = kv[1];
      offsets[kv[0]] = w.start;
    } else leftovers.push(w.text);
  }
  return { args, offsets, leftovers };
}

/**
 * A free-form string: the module's own option words (`chdir=/tmp`, `creates=x`) are taken off the
 * start and the end; the text between them is the free-form value, kept exactly as written.
 */
export function parseFreeForm(
  s: string,
  optionNames: ReadonlySet<string>,
): { text: string; args: Record<string, string>; offsets: Record<string, number> } {
  const words = splitWords(s);
  const args: Record<string, string> = {};
  const offsets: Record<string, number> = {};
  const option = (w: Word | undefined): [string, string] | undefined => {
    const kv = w && keyValue(w.text);
    return kv && optionNames.has(kv[0]) ? kv : undefined;
  };
  let first = 0;
  let last = words.length - 1;
  for (let kv = option(words[first]); kv && first <= last; kv = option(words[++first])) {
    args[kv[0]] = kv[1];
    offsets[kv[0]] = words[first]!.start;
  }
  for (let kv = option(words[last]); kv && last >= first; kv = option(words[--last])) {
    args[kv[0]] = kv[1];
    offsets[kv[0]] = words[last]!.start;
  }
  const text = first <= last ? s.slice(words[first]!.start, words[last]!.end) : '';
  if (first <= last) offsets[FREE_TEXT] = words[first]!.start;
  return { text, args, offsets };
}
