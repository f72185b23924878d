import { decodeSurrogateEscape, encodeSurrogateEscape } from './byte-text.js';
import { compilePy, type PyRegex, PyRegexError } from './python-regex.js';
import { expandTemplate, parseTemplate } from './python-template.js';
import { editFailure, type TextEdit } from './text-edit.js';

export interface ReplaceParams {
  /** only for messages */
  path: string;
  regexp: string;
  replace: string;
  after?: string;
  before?: string;
  encoding: string;
}

interface Codec {
  decode(b: Buffer): string;
  encode(s: string): Buffer;
}

const UTF8: Codec = { decode: decodeSurrogateEscape, encode: encodeSurrogateEscape };
const LATIN1: Codec = { decode: (b) => b.toString('latin1'), encode: (s) => Buffer.from(s, 'latin1') };

/** Python codec names we can honour (normalised like Python does: case, `_` and `-` ignored). */
function codecFor(encoding: string): Codec | undefined {
  const name = encoding.toLowerCase().replace(/[-_ ]/g, '');
  if (['utf8', 'u8', 'utf'].includes(name)) return UTF8;
  if (['latin1', 'latin', 'l1', 'iso88591', 'iso885911987', '8859', 'cp819'].includes(name)) return LATIN1;
  return undefined;
}

/**
 * Ansible's replace (ansible-core 2.14), on text: every match of `regexp` (MULTILINE) within the
 * section delimited by `after` / `before` (DOTALL) is replaced with the Python template `replace`.
 */
export function editReplace(current: Buffer | undefined, p: ReplaceParams): TextEdit {
  if (current === undefined) return editFailure(current, `Path ${p.path} does not exist !`, { rc: 257 });
  const codec = codecFor(p.encoding);
  if (!codec) return editFailure(current, `encoding '${p.encoding}' is not supported: use utf-8 or latin-1`);
  try {
    return edit(current, codec, p);
  } catch (e) {
    if (e instanceof PyRegexError) return editFailure(current, e.message);
    throw e;
  }
}

function edit(current: Buffer, codec: Codec, p: ReplaceParams): TextEdit {
  const contents = codec.decode(current);
  let pattern = '';
  if (p.after && p.before) pattern = `${p.after}(?P<subsection>.*?)${p.before}`;
  else if (p.after) pattern = `${p.after}(?P<subsection>.*)`;
  else if (p.before) pattern = `(?P<subsection>.*)${p.before}`;

  let section = contents;
  let span: [number, number] | undefined;
  if (pattern) {
    const sectionRe = compile(pattern, 'after/before', { dotall: true, indices: true });
    const m = sectionRe.search(contents);
    if (!m) {
      return { content: current, changed: false, msg: `Pattern for before/after params did not match the given file: ${pattern}`, result: { rc: 0 } };
    }
    span = m.span('subsection')!;
    section = contents.slice(span[0], span[1]);
  }

  const mre = compile(p.regexp, 'regexp', { multiline: true });
  const template = parseTemplate(p.replace, mre);
  const [replaced, count] = mre.subn(section, (m) => expandTemplate(template, m));
  if (count === 0 || replaced === section) return { content: current, changed: false, msg: '', result: { rc: 0 } };
  const after = span ? contents.slice(0, span[0]) + replaced + contents.slice(span[1]) : replaced;
  return { content: codec.encode(after), changed: true, msg: `${count} replacements made`, result: { rc: 0 } };
}

function compile(pattern: string, what: string, opts: { multiline?: boolean; dotall?: boolean; indices?: boolean }): PyRegex {
  const r = compilePy(pattern, 'text', opts);
  if ('error' in r) throw new PyRegexError(`invalid ${what} '${pattern}': ${r.error}`, pattern);
  return r;
}
