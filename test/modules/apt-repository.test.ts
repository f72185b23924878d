// apt_repository's and dpkg_selections' pure parts as data: file names, parsing and writing
// sources like Ansible's SourcesList, and args + current files -> the change.
import { describe, expect, it } from 'vitest';
import aptRepository, { parseSourcesListing } from '../../src/modules/apt-repository.js';
import dpkgSelections, { parseSelections } from '../../src/modules/dpkg-selections.js';
import { dumpSources, parseSourceLine, parseSourcesFile, planRepository, suggestFilename } from '../../src/modules/lib/apt-sources.js';

const K8S = 'deb [signed-by=/etc/apt/keyrings/k8s.asc] https://pkgs.k8s.io/core:/stable:/v1.37/deb/ /';
const plan = (args: unknown, files: Record<string, string>) => aptRepository.plan!(aptRepository.args.parse(args), files, { diff: true, now: new Date(0) });

describe('file names (Ansible _suggest_filename)', () => {
  it.each([
    [K8S, undefined, '/etc/apt/sources.list.d/pkgs_k8s_io_core_stable_v1_37_deb.list'],
    ['deb http://deb.debian.org/debian bookworm main', undefined, '/etc/apt/sources.list.d/deb_debian_org_debian.list'],
    ['deb https://user:secret@repo.example.com/apt stable main', undefined, '/etc/apt/sources.list.d/repo_example_com_apt.list'],
    ['deb-src [arch=amd64] http://127.0.0.1:8080/ ./', undefined, '/etc/apt/sources.list.d/127_0_0_1_8080.list'],
    [K8S, 'kubernetes', '/etc/apt/sources.list.d/kubernetes.list'],
    [K8S, '/etc/apt/other/k', '/etc/apt/other/k.list'],
  ])('%s (filename %s)', (repo, filename, want) => {
    expect(suggestFilename(repo, filename)).toBe(want);
  });
});

describe('parsing and dumping lines like Ansible', () => {
  it.each([
    ['deb  http://x   y main', { valid: true, enabled: true, source: 'deb http://x y main', comment: '' }],
    ['# deb http://x y main', { valid: true, enabled: false, source: 'deb http://x y main', comment: '' }],
    ['deb http://x y main # mirror', { valid: true, enabled: true, source: 'deb http://x y main', comment: 'mirror' }],
    ['# just words', { valid: false, enabled: false, source: 'just words', comment: '' }],
    ['', { valid: false, enabled: true, source: '', comment: '' }],
  ])('%j', (line, want) => {
    expect(parseSourceLine(line)).toEqual(want);
  });
  it('dumps what it read in normalized form', () => {
    expect(dumpSources(parseSourcesFile('#deb http://x y main\n\ndeb   http://z y main #c\n'))).toBe('# deb http://x y main\n\ndeb http://z y main # c\n');
  });
  it('reads the listing of one round trip', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const out = `@@tsplay-sources /etc/apt/sources.list\n${b64('deb http://x y main\n')}\n@@tsplay-sources /etc/apt/sources.list.d/e.list\n\n@@tsplay-sources end\n`;
    expect(parseSourcesListing(out)).toEqual({ '/etc/apt/sources.list': 'deb http://x y main\n', '/etc/apt/sources.list.d/e.list': '' });
    expect(() => parseSourcesListing('')).toThrow(/unexpected output/);
  });
});

describe('planRepository: current files + repo -> writes', () => {
  const target = '/etc/apt/sources.list.d/pkgs_k8s_io_core_stable_v1_37_deb.list';
  const source = parseSourceLine(K8S).source;
  const cases: [string, Record<string, string>, 'present' | 'absent', Record<string, string | null>][] = [
    ['new repo: a new file', { '/etc/apt/sources.list': 'deb http://x y main\n' }, 'present', { [target]: `${K8S}\n` }],
    ['already there (other whitespace, other file): nothing', { '/etc/apt/sources.list': K8S.replace(/ /g, '  ') + '\n' }, 'present', {}],
    ['commented out: re-enabled in place', { '/etc/apt/sources.list': `deb http://x y main\n# ${K8S}\n` }, 'present', { '/etc/apt/sources.list': `deb http://x y main\n${K8S}\n` }],
    ['appended to an existing target file', { [target]: '# kubernetes\n' }, 'present', { [target]: `# kubernetes\n${K8S}\n` }],
    ['absent: removed from every file; an emptied file is deleted', { '/etc/apt/sources.list': `deb http://x y main\n${K8S}\n`, [target]: `${K8S}\n` }, 'absent', { '/etc/apt/sources.list': 'deb http://x y main\n', [target]: null }],
    ['absent and commented out: left alone', { '/etc/apt/sources.list': `# ${K8S}\n` }, 'absent', {}],
    ['absent and missing: nothing; an empty file stays', { '/etc/apt/sources.list': '' }, 'absent', {}],
  ];
  it.each(cases)('%s', (_t, files, state, writes) => {
    expect(planRepository(files, source, state, target).writes).toEqual(writes);
  });
});

describe('the apt_repository plan', () => {
  it('adds a file: diff from /dev/null, a file effect for check mode, sources_added', () => {
    const p = plan({ repo: K8S, mode: '0600' }, {});
    const file = '/etc/apt/sources.list.d/pkgs_k8s_io_core_stable_v1_37_deb.list';
    expect(p.changed).toBe(true);
    expect(p.diff).toEqual([{ before: '', after: `${K8S}\n`, beforeHeader: '/dev/null', afterHeader: file }]);
    expect(p.effects).toEqual([{ path: file, kind: 'file', content: Buffer.from(`${K8S}\n`), mode: '0600' }]);
    expect(p.result).toMatchObject({ repo: K8S, state: 'present', sources_added: [file], sources_removed: [] });
  });
  it('is ok when the line is there', () => {
    expect(plan({ repo: K8S }, { '/etc/apt/sources.list': `${K8S}\n` }).changed).toBe(false);
  });
  it('fails on a line that is not a source, and on ppa:', () => {
    expect(plan({ repo: 'https://example.com/ stable' }, {})).toMatchObject({ failed: true, msg: 'Invalid repository string: https://example.com/ stable' });
    expect(plan({ repo: 'ppa:deadsnakes/ppa' }, {}).failed).toBe(true);
  });
  it('accepts Ansible arguments', () => {
    expect(aptRepository.args.parse({ repo: K8S, 'update-cache': 'no', validate_certs: false, codename: 'x' })).toMatchObject({ update_cache: false });
    expect(aptRepository.args.safeParse({ repo: K8S, keyserver: 'x' }).success).toBe(false);
  });
});

describe('dpkg_selections', () => {
  const planSel = (args: unknown, current: { current: string; unknown: boolean }) => dpkgSelections.plan!(dpkgSelections.args.parse(args), current, { diff: true, now: new Date(0) });
  it.each([
    ['bash\t\t\t\t\t\tinstall\n', '', { current: 'install', unknown: false }],
    ['kubelet\t\t\t\t\t\thold\n', '', { current: 'hold', unknown: false }],
    ['', '', { current: 'not present', unknown: false }],
    ['', 'dpkg: no packages found matching nope\n', { current: 'not present', unknown: true }],
  ])('parses %j %j', (stdout, stderr, want) => {
    expect(parseSelections(stdout, stderr)).toEqual(want);
  });
  it.each([
    ['install', 'hold', true],
    ['hold', 'hold', false],
    ['hold', 'install', true],
    ['deinstall', 'purge', true],
  ])('%s -> %s changed=%s', (current, selection, changed) => {
    const p = planSel({ name: 'kubelet', selection }, { current, unknown: false });
    expect(p.changed).toBe(changed);
    expect(p.result).toEqual({ before: current, after: selection });
    expect(p.data).toBe(`kubelet ${selection}\n`);
  });
  it('fails for a package dpkg does not know', () => {
    expect(planSel({ name: 'nope', selection: 'hold' }, { current: 'not present', unknown: true })).toMatchObject({ failed: true, msg: "Failed to find package 'nope' to perform selection 'hold'." });
  });
  it('rejects a selection dpkg does not have', () => {
    expect(dpkgSelections.args.safeParse({ name: 'a', selection: 'pin' }).success).toBe(false);
  });
});
