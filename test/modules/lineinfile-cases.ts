import type { EditCase } from './edit-case.js';

const added = { changed: true, msg: 'line added' };
const replaced = { changed: true, msg: 'line replaced' };
const same = { changed: false, msg: '' };

export const lineinfileCases: EditCase[] = [
  // appending
  { name: 'appends a missing line', args: { line: 'c' }, before: 'a\nb\n', after: 'a\nb\nc\n', ...added },
  { name: 'adds a newline to a last line without one first', args: { line: 'c' }, before: 'a\nb', after: 'a\nb\nc\n', ...added },
  { name: 'writes into an empty file', args: { line: 'x' }, before: '', after: 'x\n', ...added },
  { name: 'leaves a line that is already there', args: { line: 'c' }, before: 'a\nc\nb\n', after: 'a\nc\nb\n', ...same },
  { name: 'completes a present last line without newline', args: { line: 'c' }, before: 'a\nc', after: 'a\nc\n', ...replaced },
  { name: 'takes a line literally without backrefs', args: { line: '\\1 $x' }, before: 'a\n', after: 'a\n\\1 $x\n', ...added },
  { name: 'handles UTF-8 lines', args: { regexp: '^é=', line: 'é=2' }, before: 'é=1\n', after: 'é=2\n', ...replaced },

  // regexp
  { name: 'replaces the last line a regexp matches', args: { regexp: '^x=', line: 'x=9' }, before: 'x=1\ny=2\nx=3\n', after: 'x=1\ny=2\nx=9\n', ...replaced },
  { name: 'replaces the first match with firstmatch', args: { regexp: '^x=', line: 'x=9', firstmatch: true }, before: 'x=1\ny=2\nx=3\n', after: 'x=9\ny=2\nx=3\n', ...replaced },
  { name: 'is idempotent when the regexp matches the wanted line', args: { regexp: '^x=', line: 'x=9' }, before: 'x=9\n', after: 'x=9\n', ...same },
  { name: 'appends when the regexp matches nothing', args: { regexp: '^x=', line: 'x=1' }, before: 'a\n', after: 'a\nx=1\n', ...added },
  { name: 'does nothing when the regexp misses but the line is elsewhere', args: { regexp: '^y=', line: 'x=9' }, before: 'x=9\na\n', after: 'x=9\na\n', ...same },
  { name: 'reads $ as end of line before the newline', args: { regexp: 'port \\d+$', line: 'port 2222' }, before: 'port 22\n', after: 'port 2222\n', ...replaced },
  { name: 'regexp takes precedence over insertafter', args: { regexp: '^k=', line: 'k=2', insertafter: '^\\[a\\]' }, before: '[a]\nz\nk=1\n', after: '[a]\nz\nk=2\n', ...replaced },
  { name: 'falls back to insertafter when the regexp misses', args: { regexp: '^z=', line: 'z=2', insertafter: '^\\[a\\]' }, before: '[a]\nk=1\n', after: '[a]\nz=2\nk=1\n', ...added },
  { name: 'regexp is case sensitive unless (?i)', args: { regexp: '(?i)^selinux=', line: 'SELINUX=disabled' }, before: 'SELINUX=enforcing\n', after: 'SELINUX=disabled\n', ...replaced },
  { name: 'an empty regexp matches every line (with a warning)', args: { regexp: '', line: 'c' }, before: 'a\nb\n', after: 'a\nc\n', ...replaced, warns: true },
  { name: 'an invalid regexp fails', args: { regexp: '(unclosed', line: 'x' }, before: 'a\n', after: 'a\n', changed: false, msg: "invalid regexp '(unclosed': missing ), unterminated subpattern at position 0", failed: true, ansibleCrashes: true },

  // backrefs
  { name: 'expands backrefs from the matching line', args: { regexp: '^(.*)Xms(\\d+)m(.*)$', line: '\\1Xms512m\\3', backrefs: true }, before: 'JAVA_OPTS=-Xms128m -Xmx1g\n', after: 'JAVA_OPTS=-Xms512m -Xmx1g\n', ...replaced },
  { name: 'expands named groups with \\g<name>', args: { regexp: '^(?P<k>host=).*', line: '\\g<k>new', backrefs: true }, before: 'a\nhost=old\n', after: 'a\nhost=new\n', ...replaced },
  { name: 'backrefs without a match leave the file alone', args: { regexp: '^(z)=', line: '\\1=1', backrefs: true }, before: 'a\n', after: 'a\n', ...same },
  { name: 'backrefs with a match that yields the same line', args: { regexp: '^(a)$', line: '\\1', backrefs: true }, before: 'a\n', after: 'a\n', ...same },
  { name: 'backrefs escapes like \\t are expanded', args: { regexp: '^(k)=(.*)', line: '\\1\\t\\2', backrefs: true }, before: 'k=v\n', after: 'k\tv\n', ...replaced },
  { name: 'a backref to a missing group fails', args: { regexp: '^(k)=', line: '\\2', backrefs: true }, before: 'k=v\n', after: 'k=v\n', changed: false, msg: 'invalid group reference 2 at position 1', failed: true, ansibleCrashes: true },

  // insertafter / insertbefore
  { name: 'inserts after the last insertafter match', args: { line: 'L', insertafter: '^#x' }, before: '#x\na\n#x\nb\n', after: '#x\na\n#x\nL\nb\n', ...added },
  { name: 'inserts after the first insertafter match with firstmatch', args: { line: 'L', insertafter: '^#x', firstmatch: true }, before: '#x\na\n#x\nb\n', after: '#x\nL\na\n#x\nb\n', ...added },
  { name: 'insertafter without a match appends', args: { line: 'L', insertafter: '^nothing' }, before: 'a\n', after: 'a\nL\n', ...added },
  { name: 'insertafter EOF appends', args: { line: 'L', insertafter: 'EOF' }, before: 'a\n', after: 'a\nL\n', ...added },
  { name: 'insertafter BOF puts the line first', args: { line: 'L', insertafter: 'BOF' }, before: 'a\n', after: 'L\na\n', ...added },
  { name: 'insertafter the last line that has no newline glues on (as Ansible does)', args: { line: 'c', insertafter: '^b' }, before: 'a\nb', after: 'a\nbc\n', ...added },
  { name: 'insertafter the last line', args: { line: 'c', insertafter: '^b' }, before: 'a\nb\n', after: 'a\nb\nc\n', ...added },
  { name: 'inserts before the last insertbefore match', args: { line: 'L', insertbefore: '^#' }, before: '#\na\n#\n', after: '#\na\nL\n#\n', ...added },
  { name: 'inserts before the first match with firstmatch', args: { line: 'L', insertbefore: '^#', firstmatch: true }, before: '#\na\n#\n', after: 'L\n#\na\n#\n', ...added },
  { name: 'inserts before the first line', args: { line: 'x', insertbefore: '^a' }, before: 'a\nb\n', after: 'x\na\nb\n', ...added },
  { name: 'insertbefore BOF', args: { line: 'x', insertbefore: 'BOF' }, before: 'a\n', after: 'x\na\n', ...added },
  { name: 'insertbefore without a match appends', args: { line: 'x', insertbefore: '^nothing' }, before: 'a', after: 'a\nx\n', ...added },
  { name: 'insertbefore BOF is idempotent through the exact line match', args: { line: 'x', insertbefore: 'BOF' }, before: 'a\nx\n', after: 'a\nx\n', ...same },
  { name: 'an empty insertafter counts as not given', args: { line: 'x', insertafter: '' }, before: 'a\nb\n', after: 'a\nb\nx\n', ...added },

  // search_string
  { name: 'search_string replaces the last line containing it', args: { search_string: 'bar=', line: 'bar=3' }, before: 'foo=1\nbar=2\n', after: 'foo=1\nbar=3\n', ...replaced },
  { name: 'search_string is literal', args: { search_string: 'a.b', line: 'a.b=2' }, before: 'axb=0\na.b=1\n', after: 'axb=0\na.b=2\n', ...replaced },
  { name: 'search_string without a match appends', args: { search_string: 'zzz', line: 'new' }, before: 'a\n', after: 'a\nnew\n', ...added },

  // CRLF files
  { name: 'CRLF: appends with a plain newline', args: { line: 'c' }, before: 'a\r\n', after: 'a\r\nc\n', ...added },
  { name: 'CRLF: an exact line is rewritten with \\n', args: { line: 'b' }, before: 'a\r\nb\r\n', after: 'a\r\nb\n', ...replaced },
  { name: 'CRLF: regexp replacement ends in \\n', args: { regexp: '^x=', line: 'x=2' }, before: 'x=1\r\ny\r\n', after: 'x=2\ny\r\n', ...replaced },
  { name: 'CRLF: $ does not match before \\r', args: { regexp: '^x=1$', line: 'x=2' }, before: 'x=1\r\n', after: 'x=1\r\nx=2\n', ...added },

  // missing files
  { name: 'fails on a missing file without create', args: { line: 'x' }, before: null, after: null, changed: false, msg: 'Destination PATH does not exist !', failed: true, rc: 257 },
  { name: 'creates a missing file', args: { line: 'x', create: true }, before: null, after: 'x\n', ...added },
  { name: 'create with backrefs and no match creates nothing', args: { regexp: '^(a)', line: '\\1', backrefs: true, create: true }, before: null, after: null, ...same },

  // state=absent
  { name: 'absent removes every exact line', args: { line: 'a', state: 'absent' }, before: 'a\nb\na\n', after: 'b\n', changed: true, msg: '2 line(s) removed', found: 2 },
  { name: 'absent by regexp', args: { regexp: '^#', state: 'absent' }, before: '#x\ny\n#z', after: 'y\n', changed: true, msg: '2 line(s) removed', found: 2 },
  { name: 'absent by search_string', args: { search_string: 'bar', state: 'absent' }, before: 'foo bar\nbaz\n', after: 'baz\n', changed: true, msg: '1 line(s) removed', found: 1 },
  { name: 'absent with nothing to remove', args: { line: 'zz', state: 'absent' }, before: 'a\n', after: 'a\n', changed: false, msg: '', found: 0 },
  { name: 'absent ignores line endings when comparing', args: { line: 'a', state: 'absent' }, before: 'a\r\nb', after: 'b', changed: true, msg: '1 line(s) removed', found: 1 },
  { name: 'absent on a missing file', args: { line: 'a', state: 'absent' }, before: null, after: null, changed: false, msg: 'file not present' },

  // argument errors decided by the module
  { name: 'absent needs something to match', args: { state: 'absent' }, before: 'a\n', after: 'a\n', changed: false, msg: 'one of line, search_string, or regexp is required with state=absent', failed: true },
  { name: 'present needs line', args: { regexp: 'a' }, before: 'a\n', after: 'a\n', changed: false, msg: 'line is required with state=present', failed: true },
  { name: 'backrefs need regexp', args: { line: 'a', backrefs: true }, before: 'a\n', after: 'a\n', changed: false, msg: 'regexp is required with backrefs=true', failed: true },
];
