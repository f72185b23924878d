import type { EditCase } from './edit-case.js';

const B = '# BEGIN ANSIBLE MANAGED BLOCK\n';
const E = '# END ANSIBLE MANAGED BLOCK\n';
const inserted = { changed: true, msg: 'Block inserted' };
const removed = { changed: true, msg: 'Block removed' };
const same = { changed: false, msg: '' };

export const blockinfileCases: EditCase[] = [
  // inserting
  { name: 'appends a new block at the end', args: { block: 'x\ny' }, before: 'a\n', after: `a\n${B}x\ny\n${E}`, ...inserted },
  { name: 'a block with a final newline gives the same result', args: { block: 'x\ny\n' }, before: 'a\n', after: `a\n${B}x\ny\n${E}`, ...inserted },
  { name: 'adds a newline to a last line without one', args: { block: 'x' }, before: 'a', after: `a\n${B}x\n${E}`, ...inserted },
  { name: 'inserts into an empty file', args: { block: 'x' }, before: '', after: `${B}x\n${E}`, ...inserted },
  { name: 'inserts after the last insertafter match', args: { block: 'x', insertafter: '^\\[s\\]' }, before: '[s]\na\n[s]\nb\n', after: `[s]\na\n[s]\n${B}x\n${E}b\n`, ...inserted },
  { name: 'insertafter without a match appends', args: { block: 'x', insertafter: '^nothing' }, before: 'a\n', after: `a\n${B}x\n${E}`, ...inserted },
  { name: 'inserts before the last insertbefore match', args: { block: 'x', insertbefore: '^b' }, before: 'a\nb\nc\n', after: `a\n${B}x\n${E}b\nc\n`, ...inserted },
  { name: 'insertbefore BOF puts the block first', args: { block: 'x', insertbefore: 'BOF' }, before: 'a\n', after: `${B}x\n${E}a\n`, ...inserted },
  { name: 'insertbefore without a match appends', args: { block: 'x', insertbefore: '^nothing' }, before: 'a\n', after: `a\n${B}x\n${E}`, ...inserted },
  {
    name: 'a (?m) insertafter is searched across lines',
    args: { block: 'x', insertafter: '(?m)SID =\\n\\(SID_LIST =' },
    before: 'a\nSID =\n(SID_LIST =\nz\n',
    after: `a\nSID =\n(SID_LIST =\n${B}x\n${E}z\n`,
    ...inserted,
  },
  { name: 'splits a block on CRLF and CR too', args: { block: 'x\r\ny' }, before: '', after: `${B}x\r\ny\n${E}`, ...inserted },

  // updating
  { name: 'replaces the block between existing markers', args: { block: 'new' }, before: `a\n${B}old\n${E}b\n`, after: `a\n${B}new\n${E}b\n`, ...inserted },
  { name: 'markers present and block identical: no change', args: { block: 'x\ny' }, before: `a\n${B}x\ny\n${E}b\n`, after: `a\n${B}x\ny\n${E}b\n`, ...same },
  { name: 'existing markers win over insertbefore', args: { block: 'new', insertbefore: 'BOF' }, before: `a\n${B}old\n${E}`, after: `a\n${B}new\n${E}`, ...inserted },
  { name: 'markers in the wrong order are replaced from END to BEGIN', args: { block: 'n' }, before: `a\n${E}m\n${B}b\n`, after: `a\n${B}n\n${E}b\n`, ...inserted },
  { name: 'only a BEGIN marker: a second block is added at the end', args: { block: 'x' }, before: `${B}a\n`, after: `${B}a\n${B}x\n${E}`, ...inserted },
  { name: 'an END marker without newline is not recognised', args: { block: 'x' }, before: `${B}x\n# END ANSIBLE MANAGED BLOCK`, after: `${B}x\n# END ANSIBLE MANAGED BLOCK\n${B}x\n${E}`, ...inserted },
  { name: 'CRLF markers are not recognised', args: { block: 'x' }, before: 'a\r\n# BEGIN ANSIBLE MANAGED BLOCK\r\nx\r\n# END ANSIBLE MANAGED BLOCK\r\n', after: `a\r\n# BEGIN ANSIBLE MANAGED BLOCK\r\nx\r\n# END ANSIBLE MANAGED BLOCK\r\n${B}x\n${E}`, ...inserted },

  // custom markers
  { name: 'custom marker', args: { block: 'x', marker: '<!-- {mark} managed -->' }, before: '<body>\n', after: '<body>\n<!-- BEGIN managed -->\nx\n<!-- END managed -->\n', ...inserted },
  { name: 'custom marker_begin / marker_end', args: { block: 'x', marker_begin: 'start', marker_end: 'stop' }, before: '', after: '# start ANSIBLE MANAGED BLOCK\nx\n# stop ANSIBLE MANAGED BLOCK\n', ...inserted },
  { name: 'a marker without {mark} is the same line twice', args: { block: 'x', marker: '# managed' }, before: 'a\n', after: 'a\n# managed\nx\n# managed\n', ...inserted },
  { name: 'marker_begin is a Python replacement template', args: { block: 'x', marker_begin: '<\\g<0>>' }, before: '', after: `# <{mark}> ANSIBLE MANAGED BLOCK\nx\n${E}`, ...inserted },

  // removing
  { name: 'state=absent removes the block', args: { state: 'absent' }, before: `a\n${B}x\n${E}b\n`, after: 'a\nb\n', ...removed },
  { name: 'an empty block removes the block', args: { block: '' }, before: `a\n${B}x\n${E}b\n`, after: 'a\nb\n', ...removed },
  { name: 'state=absent without markers changes nothing', args: { state: 'absent' }, before: 'a\n', after: 'a\n', ...same },
  { name: 'state=absent without markers still adds a missing final newline', args: { state: 'absent' }, before: 'a', after: 'a\n', ...removed },
  { name: 'state=absent on a missing file', args: { state: 'absent', create: true }, before: null, after: null, changed: false, msg: 'File PATH not present' },
  { name: 'state=absent on a missing file without create fails', args: { state: 'absent' }, before: null, after: null, changed: false, msg: 'Path PATH does not exist !', failed: true, rc: 257 },

  // missing files
  { name: 'fails on a missing file without create', args: { block: 'x' }, before: null, after: null, changed: false, msg: 'Path PATH does not exist !', failed: true, rc: 257 },
  { name: 'creates a missing file', args: { block: 'x', create: true }, before: null, after: `${B}x\n${E}`, changed: true, msg: 'File created' },
  { name: 'an empty block creates an empty file', args: { create: true }, before: null, after: '', changed: true, msg: 'File created' },

  // blank lines around the block (ansible-core 2.16+)
  { name: 'prepend_newline and append_newline', args: { block: 'x', insertafter: '^a', prepend_newline: true, append_newline: true }, before: 'a\nb\n', after: `a\n\n${B}x\n${E}\nb\n`, ...inserted, newerAnsible: true },
  { name: 'no blank line at the start or end of the file', args: { block: 'x', prepend_newline: true, append_newline: true }, before: '', after: `${B}x\n${E}`, ...inserted, newerAnsible: true },
  { name: 'no second blank line', args: { block: 'x', insertafter: '^a', prepend_newline: true, append_newline: true }, before: 'a\n\n\nb\n', after: `a\n\n${B}x\n${E}\n\nb\n`, ...inserted, newerAnsible: true },
  { name: 'invalid insertafter regexp fails', args: { block: 'x', insertafter: '[' }, before: 'a\n', after: 'a\n', changed: false, msg: "invalid insertafter '[': unterminated character set at position 0", failed: true, ansibleCrashes: true },
];
