import { binToBytes, bytesToBin, decodeSurrogateEscape, splitLinesKeepEnds, textToBin } from './byte-text.js';
import { compilePy, PyRegex, PyRegexError } from './python-regex.js';
import { expandTemplate, parseTemplate } from './python-template.js';
import { editFailure, type TextEdit } from './text-edit.js';

export interface BlockinfileParams {
  /** only for messages */
  path: string;
  state: 'present' | 'absent';
  block: string;
  marker: string;
  marker_begin: string;
  marker_end: string;
  insertafter?: string;
  insertbefore?: string;
  create: boolean;
  append_newline: boolean;
  prepend_newline: boolean;
}

export const DEFAULT_MARKER = '# {mark} ANSIBLE MANAGED BLOCK';
const LINESEP = '\n';

/**
 * Ansible's blockinfile (ansible-core 2.14, plus append_newline / prepend_newline of later
 * releases), on bytes. Markers are whole lines compared byte for byte (so a CRLF file or a last
 * marker without a newline is not recognised, as in Ansible); an empty block removes the block.
 */
export function editBlockinfile(current: Buffer | undefined, p: BlockinfileParams): TextEdit {
  try {
    return edit(current, p);
  } catch (e) {
    if (e instanceof PyRegexError) return editFailure(current, e.message);
    throw e;
  }
}

function edit(current: Buffer | undefined, p: BlockinfileParams): TextEdit {
  const present = p.state === 'present';
  if (current === undefined && !p.create) return editFailure(current, `Path ${p.path} does not exist !`, { rc: 257 });
  if (!present && current === undefined) return { content: undefined, changed: false, msg: `File ${p.path} not present` };
  const original = current === undefined ? undefined : bytesToBin(current);
  const lines = original === undefined ? [] : splitLinesKeepEnds(original);

  let { insertafter, insertbefore } = p;
  if (insertbefore === undefined && insertafter === undefined) insertafter = 'EOF';
  let insertre: PyRegex | undefined;
  if (insertafter !== undefined && insertafter !== 'EOF') insertre = compile(insertafter, 'insertafter');
  else if (insertbefore !== undefined && insertbefore !== 'BOF') insertre = compile(insertbefore, 'insertbefore');

  const marker0 = markerLine(p.marker, p.marker_begin);
  const marker1 = markerLine(p.marker, p.marker_end);
  let blocklines: string[] = [];
  let block = textToBin(p.block);
  if (present && block) {
    if (!block.endsWith(LINESEP)) block += LINESEP;
    blocklines = [marker0, ...splitLinesKeepEnds(block), marker1];
  }

  // the last begin and the last end marker
  let n0: number | undefined;
  let n1: number | undefined;
  for (const [i, line] of lines.entries()) {
    if (line === marker0) n0 = i;
    if (line === marker1) n1 = i;
  }

  if (n0 === undefined || n1 === undefined) {
    n0 = undefined;
    if (insertre) {
      if (insertre.flags.multiline) {
        // a (?m) pattern is searched in the whole file; its position is converted to a line number
        const m = original === undefined ? null : insertre.search(original);
        if (m) {
          const text = Array.from(decodeSurrogateEscape(current!));
          const upTo = insertafter ? m.end : m.start;
          n0 = text.slice(0, upTo).filter((c) => c === '\n').length;
        }
      } else {
        for (const [i, line] of lines.entries()) if (insertre.search(line)) n0 = i;
      }
      if (n0 === undefined) n0 = lines.length;
      else if (insertafter !== undefined) n0 += 1;
    } else if (insertbefore !== undefined) {
      n0 = 0; // BOF
    } else {
      n0 = lines.length; // EOF
    }
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1);
  } else {
    lines.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }
  if (n0 > lines.length) {
    // Ansible fails here with an IndexError (a (?m) insertafter that matched the file's last newline)
    return editFailure(current, `insertafter '${insertafter}' matched past the end of ${p.path}`);
  }

  // a line separator before the block
  if (n0 > 0 && !lines[n0 - 1].endsWith(LINESEP)) lines[n0 - 1] += LINESEP;

  if (p.prepend_newline && present && n0 !== 0 && lines[n0 - 1] !== LINESEP) {
    lines.splice(n0, 0, LINESEP);
    n0 += 1;
  }
  lines.splice(n0, 0, ...blocklines);
  if (p.append_newline && present) {
    const after = n0 + blocklines.length;
    if (after < lines.length && lines[after] !== LINESEP) lines.splice(after, 0, LINESEP);
  }

  const result = lines.join('');
  let msg: string;
  let changed = true;
  if (original === result) {
    msg = '';
    changed = false;
  } else if (original === undefined) msg = 'File created';
  else if (blocklines.length === 0) msg = 'Block removed';
  else msg = 'Block inserted';
  return { content: changed ? binToBytes(result) : current, changed, msg };
}

function compile(pattern: string, what: string): PyRegex {
  const r = compilePy(textToBin(pattern), 'bytes');
  if ('error' in r) throw new PyRegexError(`invalid ${what} '${pattern}': ${r.error}`, pattern);
  return r;
}

/** `re.sub(b'{mark}', marker_begin, marker) + linesep`: marker_begin is a replacement template. */
function markerLine(marker: string, mark: string): string {
  const re = new PyRegex(textToBin('{mark}'), 'bytes');
  const parts = parseTemplate(textToBin(mark), re);
  return re.subn(textToBin(marker), (m) => expandTemplate(parts, m))[0] + LINESEP;
}
