import type { EditCase } from './edit-case.js';

const same = { changed: false, msg: '' };
const made = (n: number) => ({ changed: true, msg: `${n} replacements made` });

export const replaceCases: EditCase[] = [
  { name: 'replaces every match', args: { regexp: '=1', replace: '=2' }, before: 'a=1\nb=1\n', after: 'a=2\nb=2\n', ...made(2) },
  { name: 'swaps groups with \\1 \\2', args: { regexp: '^(\\w+)=(\\d+)$', replace: '\\2=\\1' }, before: 'a=1\nb=2\nc\n', after: '1=a\n2=b\nc\n', ...made(2) },
  { name: 'named groups with \\g<name>', args: { regexp: '(?P<host>\\S+)\\s+old\\.name', replace: '\\g<host> new.name' }, before: '10.0.0.1   old.name\n', after: '10.0.0.1 new.name\n', ...made(1) },
  { name: 'no match: no change', args: { regexp: 'zzz', replace: 'y' }, before: 'a\n', after: 'a\n', ...same },
  { name: 'matches that change nothing are no change', args: { regexp: 'a', replace: 'a' }, before: 'aa\n', after: 'aa\n', ...same },
  { name: 'replace defaults to removing', args: { regexp: '#.*' }, before: 'a # c\nb\n', after: 'a \nb\n', ...made(1) },
  { name: '^ is a line start (MULTILINE)', args: { regexp: '^#', replace: '' }, before: '#a\n#b\nc\n', after: 'a\nb\nc\n', ...made(2) },
  { name: '$ is a line end (MULTILINE)', args: { regexp: 'x$', replace: 'y' }, before: 'ax\nbx\nxc\n', after: 'ay\nby\nxc\n', ...made(2) },
  { name: '\\s+$ eats the newlines it can reach', args: { regexp: '\\s+$', replace: '' }, before: 'a  \nb\t\n', after: 'a\nb', ...made(2) },
  { name: '. does not cross lines', args: { regexp: 'a.*', replace: 'X' }, before: 'ab\nac\n', after: 'X\nX\n', ...made(2) },
  { name: 'a negated class crosses lines', args: { regexp: 'a[^#]*', replace: 'X' }, before: 'ab\nac#\n', after: 'X#\n', ...made(1) },
  { name: 'CRLF: $ is not before \\r', args: { regexp: 'a$', replace: 'b' }, before: 'a\r\n', after: 'a\r\n', ...same },
  { name: 'Unicode text', args: { regexp: 'é', replace: 'e' }, before: 'café\nété\n', after: 'cafe\nete\n', ...made(3) },
  { name: 'Unicode word boundaries', args: { regexp: '\\bété\\b', replace: 'summer' }, before: 'été, étés\n', after: 'summer, étés\n', ...made(1) },
  { name: 'an empty regexp matches everywhere', args: { regexp: '', replace: '-' }, before: 'ab', after: '-a-b-', ...made(3) },
  { name: 'escapes in the replacement', args: { regexp: ',', replace: '\\n' }, before: 'a,b\n', after: 'a\nb\n', ...made(1) },

  // after / before
  { name: 'after: only what follows', args: { regexp: 'x', replace: 'y', after: '\\[s\\]' }, before: 'x\n[s]\nx\nx\n', after: 'x\n[s]\ny\ny\n', ...made(2) },
  { name: 'before: only what precedes', args: { regexp: 'x', replace: 'y', before: '\\[s\\]' }, before: 'x\nx\n[s]\nx\n', after: 'y\ny\n[s]\nx\n', ...made(2) },
  { name: 'after and before: between the first after and the next before', args: { regexp: 'x', replace: 'y', after: 'A', before: 'B' }, before: 'x\nA\nx\nB\nx\nB\n', after: 'x\nA\ny\nB\nx\nB\n', ...made(1) },
  { name: 'before alone extends to its last match (greedy)', args: { regexp: 'x', replace: 'y', before: 'B' }, before: 'x\nB\nx\nB\nx\n', after: 'y\nB\ny\nB\nx\n', ...made(2) },
  {
    name: 'after that does not match',
    args: { regexp: 'x', replace: 'y', after: 'Z' },
    before: 'x\n',
    after: 'x\n',
    changed: false,
    msg: 'Pattern for before/after params did not match the given file: Z(?P<subsection>.*)',
  },
  {
    name: 'after is not MULTILINE: ^ is the start of the file only',
    args: { regexp: 'x', replace: 'y', after: '^b' },
    before: 'a\nb\nx\n',
    after: 'a\nb\nx\n',
    changed: false,
    msg: 'Pattern for before/after params did not match the given file: ^b(?P<subsection>.*)',
  },
  { name: 'the section is matched on its own: ^ matches at its start', args: { regexp: '^k', replace: 'K', after: 'a' }, before: 'ak\nk\n', after: 'aK\nK\n', ...made(2) },
  { name: '^ inside the section is still a line start of the file', args: { regexp: '^k', replace: 'K', after: 'k' }, before: 'k\nk\nxk\n', after: 'k\nK\nxk\n', ...made(1) },

  // failures
  { name: 'a missing file fails', args: { regexp: 'x' }, before: null, after: null, changed: false, msg: 'Path PATH does not exist !', failed: true, rc: 257 },
  { name: 'a bad escape in the replacement fails', args: { regexp: 'a', replace: '\\q' }, before: 'a\n', after: 'a\n', changed: false, msg: 'bad escape \\q at position 0', failed: true, ansibleCrashes: true },
];
