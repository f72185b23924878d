import { binToBytes, bytesToBin, readLines, textToBin } from './byte-text.js';
import { compilePy, type PyMatch, type PyRegex, PyRegexError } from './python-regex.js';
import { expandMatch } from './python-template.js';
import { editFailure, type TextEdit } from './text-edit.js';

export interface LineinfileParams {
  /** only for messages */
  path: string;
  state: 'present' | 'absent';
  regexp?: string;
  search_string?: string;
  line?: string;
  insertafter?: string;
  insertbefore?: string;
  backrefs: boolean;
  firstmatch: boolean;
  create: boolean;
}

const LINESEP = '\n';

/**
 * Ansible's lineinfile (ansible-core 2.14), on bytes: `current` is the file's content or undefined
 * when it does not exist. The branches below follow the Python module one for one, quirks included
 * (an exact copy of `line` elsewhere counts as a match, a regexp that matches nothing falls back to
 * insertafter/insertbefore, an unmatched insert point means the end of the file).
 */
export function editLineinfile(current: Buffer | undefined, p: LineinfileParams): TextEdit {
  const warnings = emptyPatternWarnings(p);
  const withWarnings = (e: TextEdit): TextEdit => (warnings.length ? { ...e, result: { ...e.result, warnings } } : e);
  try {
    if (p.state === 'present') {
      if (p.backrefs && p.regexp === undefined) return editFailure(current, 'regexp is required with backrefs=true');
      if (p.line === undefined) return editFailure(current, 'line is required with state=present');
      let { insertafter, insertbefore } = p;
      if (insertbefore === undefined && insertafter === undefined) insertafter = 'EOF';
      return withWarnings(present(current, { ...p, line: p.line, insertafter, insertbefore }));
    }
    if (p.regexp === undefined && p.search_string === undefined && p.line === undefined) {
      return editFailure(current, 'one of line, search_string, or regexp is required with state=absent');
    }
    return withWarnings(absent(current, p));
  } catch (e) {
    if (e instanceof PyRegexError) return editFailure(current, e.message);
    throw e;
  }
}

function emptyPatternWarnings(p: LineinfileParams): string[] {
  if (p.regexp !== '' && p.search_string !== '') return [];
  const name = p.regexp === '' ? 'regular expression' : 'search string';
  let msg =
    `The ${name} is an empty string, which will match every line in the file. ` +
    'This may have unintended consequences, such as replacing the last line in the file rather than appending.';
  if (p.regexp === '') msg += " If this is desired, use '^' to match every line in the file and avoid this warning.";
  return [msg];
}

function compile(pattern: string, what: string): PyRegex {
  const r = compilePy(textToBin(pattern), 'bytes');
  if ('error' in r) throw new PyRegexError(`invalid ${what} '${pattern}': ${r.error}`, pattern);
  return r;
}

const endsWithNewline = (l: string) => l.endsWith('\n') || l.endsWith('\r');
const stripEol = (l: string) => l.replace(/[\r\n]+$/, '');

function present(current: Buffer | undefined, p: LineinfileParams & { line: string }): TextEdit {
  if (current === undefined && !p.create) return editFailure(current, `Destination ${p.path} does not exist !`, { rc: 257 });
  const lines = current === undefined ? [] : readLines(bytesToBin(current));
  const { insertafter, insertbefore, firstmatch } = p;

  const bre_m = p.regexp !== undefined ? compile(p.regexp, 'regexp') : undefined;
  let bre_ins: PyRegex | undefined;
  if (insertafter !== undefined && insertafter !== 'BOF' && insertafter !== 'EOF') bre_ins = compile(insertafter, 'insertafter');
  else if (insertbefore !== undefined && insertbefore !== 'BOF') bre_ins = compile(insertbefore, 'insertbefore');

  // index[0]: the line the regexp / search_string / exact line matched; index[1]: the insert point
  const index = [-1, -1];
  let match: PyMatch | true | undefined;
  const line = textToBin(p.line);

  // 1. regexp (the last matching line, or the first with firstmatch)
  if (bre_m) {
    for (const [lineno, cur] of lines.entries()) {
      const found = bre_m.search(cur);
      if (found) {
        index[0] = lineno;
        match = found;
        if (firstmatch) break;
      }
    }
  }
  // 2. search_string
  if (p.search_string !== undefined) {
    const needle = textToBin(p.search_string);
    for (const [lineno, cur] of lines.entries()) {
      if (cur.includes(needle)) {
        index[0] = lineno;
        match = true;
        if (firstmatch) break;
      }
    }
  }
  // 3. no match: look for the line itself, and for the insert point
  if (!match) {
    for (const [lineno, cur] of lines.entries()) {
      if (line === stripEol(cur)) {
        index[0] = lineno;
      } else if (bre_ins && bre_ins.search(cur)) {
        if (insertafter) {
          index[1] = lineno + 1;
          if (firstmatch) break;
        }
        if (insertbefore) {
          index[1] = lineno;
          if (firstmatch) break;
        }
      }
    }
  }

  let msg = '';
  let changed = false;
  const added = () => {
    msg = 'line added';
    changed = true;
  };
  // (Ansible has an insert branch here for "no regexp, no search_string, no exact line"; once
  // index[0] is set one of those holds, so that branch never runs and is left out)
  if (index[0] !== -1) {
    let newLine = p.backrefs && match && match !== true ? expandMatch(bre_m!, match, line) : line;
    if (!newLine.endsWith(LINESEP)) newLine += LINESEP;
    if (lines[index[0]] !== newLine) {
      lines[index[0]] = newLine;
      msg = 'line replaced';
      changed = true;
    }
  } else if (p.backrefs) {
    // without a match there is nothing to fill the backreferences with: leave the file alone
  } else if (insertbefore === 'BOF' || insertafter === 'BOF') {
    lines.unshift(line + LINESEP);
    added();
  } else if (insertafter === 'EOF' || index[1] === -1) {
    if (lines.length > 0 && !endsWithNewline(lines[lines.length - 1])) lines.push(LINESEP);
    lines.push(line + LINESEP);
    added();
  } else if (insertafter && index[1] !== -1) {
    // don't insert the line if it is already right there
    if (lines.length === index[1]) {
      if (stripEol(lines[index[1] - 1]) !== line) {
        lines.push(line + LINESEP);
        added();
      }
    } else if (line !== stripEol(lines[index[1]])) {
      lines.splice(index[1], 0, line + LINESEP);
      added();
    }
  } else {
    // insertbefore matched, the regexp / search_string did not
    lines.splice(index[1], 0, line + LINESEP);
    added();
  }
  return { content: current === undefined && !changed ? undefined : binToBytes(lines.join('')), changed, msg, result: { backup: '' } };
}

function absent(current: Buffer | undefined, p: LineinfileParams): TextEdit {
  if (current === undefined) return { content: undefined, changed: false, msg: 'file not present' };
  const lines = readLines(bytesToBin(current));
  const bre_c = p.regexp !== undefined ? compile(p.regexp, 'regexp') : undefined;
  const needle = p.search_string !== undefined ? textToBin(p.search_string) : undefined;
  const line = p.line !== undefined ? textToBin(p.line) : 'None';
  const matches = (cur: string): boolean => {
    if (bre_c) return bre_c.search(cur) !== null;
    if (needle !== undefined) return cur.includes(needle);
    return line === stripEol(cur);
  };
  const kept = lines.filter((l) => !matches(l));
  const found = lines.length - kept.length;
  const changed = found > 0;
  return {
    content: changed ? binToBytes(kept.join('')) : current,
    changed,
    msg: changed ? `${found} line(s) removed` : '',
    result: { found, backup: '' },
  };
}
