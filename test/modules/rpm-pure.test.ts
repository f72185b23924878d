/** The pure parts of the RPM modules: version comparison, spec matching, parsers, plans, .repo files. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dnfArgs, type RpmArgs } from '../../src/modules/lib/rpm-args.js';
import { parseSections, sectionsScript } from '../../src/modules/lib/rpm-commands.js';
import { fnmatch } from '../../src/util/fnmatch.js';
import { candidateNames, compareEvr, rpmvercmp, specMatches, specVersion, type RpmPackage } from '../../src/modules/lib/rpm-nevra.js';
import { parseRepoquery, parseRpmQuery, parseYumTable } from '../../src/modules/lib/rpm-parse.js';
import { decideSpecs, planRpm, type RpmHostState } from '../../src/modules/lib/rpm-plan.js';
import { dumpRepoFile, parseRepoFile, renderRepoFile, withRepo, withoutRepo } from '../../src/modules/lib/rpm-repo-file.js';
import { lockedName, planVersionlock } from '../../src/modules/lib/rpm-versionlock.js';
import { planYumRepository, repoOptions, type RepoFileState, type YumRepositoryArgs } from '../../src/modules/yum-repository.js';
import yumRepository from '../../src/modules/yum-repository.js';
import { LocalConnection } from '../../src/connection/local.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/rpm', name), 'utf8');
const pkg = (name: string, version: string, release: string, epoch = 0, arch = 'x86_64'): RpmPackage => ({ name, epoch, version, release, arch });

describe('rpmvercmp (cases from rpm’s own test suite)', () => {
  const CASES: [string, string, number][] = [
    ['1.0', '1.0', 0], ['1.0', '2.0', -1], ['2.0', '1.0', 1], ['2.0.1', '2.0.1', 0], ['2.0', '2.0.1', -1], ['2.0.1a', '2.0.1', 1],
    ['5.5p1', '5.5p2', -1], ['5.5p10', '5.5p1', 1], ['10xyz', '10.1xyz', -1], ['xyz10', 'xyz10.1', -1], ['xyz.4', '8', -1], ['8', 'xyz.4', 1],
    ['1.0010', '1.9', 1], ['1.05', '1.5', 0], ['1.0', '1', 1], ['2.50', '2.5', 1], ['fc4', 'fc.4', 0], ['FC5', 'fc4', -1], ['2a', '2.0', -1],
    ['1.0~rc1', '1.0', -1], ['1.0~rc1', '1.0~rc2', -1], ['1.0~rc1~git123', '1.0~rc1', -1], ['1.0^', '1.0', 1], ['1.0^git1', '1.0', 1],
    ['1.0^git1', '1.01', -1], ['1.0^20160101', '1.0.1', -1], ['1.0~rc1^git1', '1.0~rc1', 1], ['1.28.2', '1.28.10', -1],
  ];
  for (const [a, b, want] of CASES) it(`${a} vs ${b} = ${want}`, () => expect(rpmvercmp(a, b)).toBe(want));

  it('compares epoch first, and ignores a release the spec does not give', () => {
    expect(compareEvr({ epoch: 1, version: '1.0', release: '1' }, { epoch: 0, version: '9.0', release: '1' })).toBe(1);
    expect(compareEvr({ epoch: 0, version: '1.28.2' }, { epoch: 0, version: '1.28.2', release: '150500.1.1' })).toBe(0);
  });
});

describe('package specs', () => {
  const kubelet = pkg('kubelet', '1.28.2', '150500.1.1');
  const MATCH: [string, boolean][] = [
    ['kubelet', true], ['kubelet.x86_64', true], ['kubelet.noarch', false], ['kubelet-1.28.2', true], ['kubelet-0:1.28.2', true],
    ['kubelet-1.28.2-150500.1.1', true], ['kubelet-1.28.2-150500.1.1.x86_64', true], ['kubelet-0:1.28.2-150500.1.1.x86_64', true],
    ['kubelet-1.28', false], ['kubelet-1.28.1', false], ['kube*', true], ['kubelet-1.28.*', true], ['kubeadm', false], ['kubelet-1:1.28.2', false],
  ];
  for (const [spec, want] of MATCH) it(`${spec} ${want ? 'matches' : 'does not match'} kubelet-1.28.2-150500.1.1.x86_64`, () => expect(specMatches(spec, kubelet)).toBe(want));

  it('names rpm -q should ask about', () => {
    expect(candidateNames('kubelet')).toEqual(['kubelet']);
    // java-1.8.0-openjdk-1.8.0.392 shows why every dash followed by a digit counts
    expect(candidateNames('kubelet-1.28.2-0.x86_64')).toEqual(['kubelet-1.28.2-0.x86_64', 'kubelet-1.28.2-0', 'kubelet', 'kubelet-1.28.2']);
    expect(candidateNames('java-1.8.0-openjdk-1.8.0.392')).toContain('java-1.8.0-openjdk');
    expect(candidateNames('python3-dnf-plugin-versionlock')).toEqual(['python3-dnf-plugin-versionlock']);
    expect(candidateNames('containerd.io')).toEqual(['containerd.io']);
    expect(candidateNames('docker-ce-3:24.0.7')).toEqual(['docker-ce-3:24.0.7', 'docker-ce']);
  });

  it('reads the version of a spec once the name is known', () => {
    expect(specVersion('kubelet-1.27.6', 'kubelet')).toEqual({ epoch: 0, version: '1.27.6' });
    expect(specVersion('docker-ce-3:24.0.7-1.el7.x86_64', 'docker-ce')).toEqual({ epoch: 3, version: '24.0.7', release: '1.el7', arch: 'x86_64' });
    expect(specVersion('kubelet', 'kubelet')).toBeUndefined();
    expect(specVersion('kubelet-tools', 'kubelet')).toBeUndefined();
  });

  it('globs like fnmatch', () => {
    expect(fnmatch('podman-catatonit', 'podman*')).toBe(true);
    expect(fnmatch('a.b', 'a?b')).toBe(true);
    expect(fnmatch('ab', 'a.b')).toBe(false);
    expect(fnmatch('x1', 'x[0-9]')).toBe(true);
    expect(fnmatch('xa', 'x[!a]')).toBe(false);
  });
});

describe('parsers', () => {
  it('rpm -q lines, skipping "not installed" and repeated packages', () => {
    expect(parseRpmQuery('package a is not installed\nb\t0\t1\t2\tnoarch\nb\t0\t1\t2\tnoarch\nc\t(none)\t1\t2\tx86_64\n')).toEqual([pkg('b', '1', '2', 0, 'noarch'), pkg('c', '1', '2')]);
  });
  it('dnf repoquery lines', () => {
    expect(parseRepoquery(fixture('rocky9-repoquery-k8s-1.28.2.txt')).map((p) => `${p.name} ${p.version} ${p.repo}`)).toEqual(['kubelet 1.28.2 kubernetes', 'kubeadm 1.28.2 kubernetes', 'kubectl 1.28.2 kubernetes']);
  });
  it('yum tables with epochs, a wrapped long name, and obsoletes left out', () => {
    expect(parseYumTable(fixture('centos7-check-update.txt')).map((p) => `${p.name}.${p.arch} ${p.epoch}:${p.version}-${p.release} ${p.repo}`)).toEqual([
      'bind-export-libs.x86_64 32:9.11.4-26.P2.el7_9.15 updates',
      'device-mapper-persistent-data.x86_64 0:0.8.5-3.el7_9.2 updates',
      'kernel.x86_64 0:3.10.0-1160.105.1.el7 updates',
    ]);
    expect(parseYumTable('Loaded plugins: fastestmirror, versionlock\nAvailable Packages\ndocker-ce.x86_64  3:24.0.7-1.el7  docker-ce-stable\n')).toEqual([{ ...pkg('docker-ce', '24.0.7', '1.el7', 3), repo: 'docker-ce-stable' }]);
  });
  it('splits a round trip into its commands’ outputs and exit codes', () => {
    const script = sectionsScript([['printf', 'a\\nb'], ['false'], ['echo', 'x y']]);
    expect(script).toBe(`printf 'a\\nb'; printf '\\n@@tsplay-rc %s\\n' "$?"; false; printf '\\n@@tsplay-rc %s\\n' "$?"; echo 'x y'; printf '\\n@@tsplay-rc %s\\n' "$?"`);
    expect(parseSections('a\nb\n@@tsplay-rc 0\n\n@@tsplay-rc 1\nx y\n\n@@tsplay-rc 0\n', 3)).toEqual([{ stdout: 'a\nb', rc: 0 }, { stdout: '', rc: 1 }, { stdout: 'x y\n', rc: 0 }]);
    expect(() => parseSections('garbage', 1)).toThrow(/unexpected output/);
  });
  it('versionlock entries of both plugins', () => {
    expect(lockedName('0:kubelet-1.28.2-150500.1.1.*')).toBe('kubelet');
    expect(lockedName('kubelet-0:1.28.2-150500.1.1.*')).toBe('kubelet');
    expect(lockedName('!python3-dnf-0:4.14.0-8.el9.noarch')).toBe('python3-dnf');
    expect(lockedName('Last')).toBeUndefined();
  });
});

const args = (raw: Record<string, unknown>): RpmArgs => dnfArgs.parse(raw);
const state = (installed: RpmPackage[], extra: Partial<RpmHostState> = {}): RpmHostState => ({ backend: 'dnf', installed, ...extra });

describe('plans: arguments + installed (+ offered) -> what changes', () => {
  const k128 = pkg('kubelet', '1.28.2', '150500.1.1');
  const k127 = pkg('kubelet', '1.27.6', '150500.1.1');
  const TABLE: [string, Record<string, unknown>, RpmHostState, string[]][] = [
    ['present, installed', { name: 'kubelet' }, state([k128]), ['kubelet:ok']],
    ['present, missing', { name: 'kubelet' }, state([]), ['kubelet:install']],
    ['present, same version without release', { name: 'kubelet-1.28.2' }, state([k128]), ['kubelet-1.28.2:ok']],
    ['present, newer version wanted', { name: 'kubelet-1.28.2' }, state([k127]), ['kubelet-1.28.2:install']],
    ['present, older wanted, no downgrade', { name: 'kubelet-1.27.6' }, state([k128]), ['kubelet-1.27.6:ok']],
    ['present, older wanted, downgrade', { name: 'kubelet-1.27.6', allow_downgrade: true }, state([k128]), ['kubelet-1.27.6:downgrade']],
    ['present, not offered', { name: 'nosuch' }, state([], { available: [], availableFor: ['nosuch'] }), ['nosuch:missing']],
    ['present, a group is dnf’s to judge', { name: '@Development Tools' }, state([]), ['@Development Tools:install']],
    ['latest, newer offered', { name: 'kubelet', state: 'latest' }, state([k127], { available: [k128], availableFor: ['kubelet'] }), ['kubelet:upgrade']],
    ['latest, newest installed', { name: 'kubelet', state: 'latest' }, state([k128], { available: [k127], availableFor: ['kubelet'] }), ['kubelet:ok']],
    ['latest, other arch offered only', { name: 'kubelet', state: 'latest' }, state([k127], { available: [{ ...k128, arch: 'aarch64' }], availableFor: ['kubelet'] }), ['kubelet:ok']],
    ['latest, several kernels installed, the newest is the newest offered', { name: 'kernel', state: 'latest' },
      state([pkg('kernel', '5.14.0', '362.8.1.el9_3'), pkg('kernel', '5.14.0', '362.13.1.el9_3')], { available: [pkg('kernel', '5.14.0', '362.13.1.el9_3')], availableFor: ['kernel'] }), ['kernel:ok']],
    ['absent, installed', { name: 'kubelet', state: 'absent' }, state([k128]), ['kubelet:remove']],
    ['absent, other version installed', { name: 'kubelet-1.27.6', state: 'absent' }, state([k128]), ['kubelet-1.27.6:ok']],
    ['absent, not installed', { name: 'kubelet', state: 'removed' }, state([]), ['kubelet:ok']],
  ];
  for (const [title, raw, st, want] of TABLE) {
    it(title, () => expect(decideSpecs(args(raw), st).map((d) => `${d.spec}:${d.action}`)).toEqual(want));
  }

  it('one transaction per kind, in a fixed order, with the repo options', () => {
    const a = args({ name: ['kubelet-1.28.2', 'tmux', 'vim-enhanced'], state: 'present', enablerepo: 'kubernetes', disable_gpg_check: true, allow_downgrade: true });
    const p = planRpm(a, state([pkg('kubelet', '1.29.0', '1'), pkg('tmux', '3.2a', '5.el9')]));
    expect(p.changed).toBe(true);
    expect(p.data!.commands).toEqual([
      ['dnf', 'install', '-y', '--enablerepo=kubernetes', '--nogpgcheck', 'vim-enhanced'],
      ['dnf', 'downgrade', '-y', '--enablerepo=kubernetes', '--nogpgcheck', 'kubelet-1.28.2'],
    ]);
    expect(p.result).toEqual({ results: ['Installed: kubelet-1.28.2', 'Installed: vim-enhanced'], rc: 0 });
  });

  it('nothing to do is ok with Ansible’s message', () => {
    expect(planRpm(args({ name: 'tmux' }), state([pkg('tmux', '3.2a', '5.el9')]))).toMatchObject({ changed: false, msg: 'Nothing to do', result: { results: [], rc: 0 } });
  });

  it('autoremove is dnf only', () => {
    expect(planRpm(args({ autoremove: true }), { backend: 'yum', installed: [] })).toMatchObject({ failed: true });
  });

  it('versionlock: add what is not held, delete what is', () => {
    const st = { backend: 'dnf' as const, entries: ['kubelet-0:1.28.2-150500.1.1.*'] };
    expect(planVersionlock({ name: ['kubelet', 'kubeadm'], state: 'present' }, st).data).toEqual(['dnf', '-q', 'versionlock', 'add', 'kubeadm']);
    expect(planVersionlock({ name: ['kubelet', 'kubeadm'], state: 'absent' }, st).data).toEqual(['dnf', '-q', 'versionlock', 'delete', 'kubelet']);
    expect(planVersionlock({ name: ['kube*'], state: 'present' }, st).changed).toBe(false);
  });
});

describe('.repo files as Ansible writes them', () => {
  it('parses like RawConfigParser: comments dropped, keys lower-cased, continuation lines, both delimiters', () => {
    const f = parseRepoFile(fixture('handwritten-before.repo'));
    expect([...f.keys()]).toEqual(['base']);
    expect(Object.fromEntries(f.get('base')!)).toEqual({
      name: 'CentOS-$releasever - Base',
      baseurl: 'http://mirror.centos.org/centos/$releasever/os/$basearch/',
      gpgcheck: '1',
      gpgkey: 'file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7\nfile:///etc/pki/rpm-gpg/extra',
      enabled: '1',
    });
  });

  it('rewrites Ansible’s own files byte for byte, and dumps sorted', () => {
    for (const name of ['ansible-step1.repo', 'ansible-step2.repo', 'ansible-step3.repo', 'handwritten-after.repo']) {
      expect(renderRepoFile(parseRepoFile(fixture(name)))).toBe(fixture(name));
    }
    expect(dumpRepoFile(parseRepoFile(fixture('ansible-step3.repo')))).toBe(
      '[cri-o]\nbaseurl = http://127.0.0.1:1/a/\nhttp://127.0.0.1:1/b/\nexclude = a b\nmodule_hotfixes = 1\nname = CRI-O: a runtime\npriority = 10\nsslverify = 0\n\n' +
        '[kubernetes]\nbaseurl = https://pkgs.k8s.io/core:/stable:/v1.29/rpm/\nenabled = 0\nname = Kubernetes\n\n',
    );
  });

  it('rejects what RawConfigParser rejects', () => {
    expect(() => parseRepoFile('name = x\n')).toThrow(/no section headers/);
    expect(() => parseRepoFile('[a]\nx=1\n[a]\n')).toThrow(/already exists/);
    expect(() => parseRepoFile('[a]\nx=1\nX=2\n')).toThrow(/already exists/);
    expect(() => parseRepoFile('[a]\njunk\n')).toThrow(/parsing errors/);
  });

  it('a replaced repo moves to the end with sorted keys; removing the last leaves nothing', () => {
    const f = parseRepoFile(fixture('ansible-step2.repo'));
    const next = withRepo(f, 'kubernetes', new Map([['name', 'K'], ['enabled', '0'], ['baseurl', 'http://x/']]));
    expect(renderRepoFile(next)).toMatch(/^\[cri-o\][^]*\n\[kubernetes\]\nbaseurl = http:\/\/x\/\nenabled = 0\nname = K\n\n$/);
    expect(renderRepoFile(withoutRepo(withoutRepo(f, 'kubernetes'), 'cri-o'))).toBe('');
  });

  const parse = (raw: Record<string, unknown>) => (yumRepository.args.parse(raw) as YumRepositoryArgs);
  const empty: RepoFileState = {
    dir: { path: '/etc/yum.repos.d', exists: true, type: 'directory' },
    file: { path: '/etc/yum.repos.d/k.repo', exists: false, type: 'absent' },
    umask: 0o022,
    user: { name: 'root', uid: 0, group: 'root', gid: 0 },
  };

  it('turns arguments into options as Ansible does (booleans 1/0, lists, comma strings, aliases)', () => {
    const a = parse({ name: 'k', description: 'K', baseurl: ['http://a/', 'http://b/'], gpgkey: 'http://k1,http://k2', exclude: 'x,y', enabled: 'yes', validate_certs: false, cost: 500 });
    expect(Object.fromEntries(repoOptions(a))).toEqual({ name: 'K', baseurl: 'http://a/\nhttp://b/', gpgkey: 'http://k1\nhttp://k2', exclude: 'x y', enabled: '1', sslverify: '0', cost: '500' });
  });

  it('plans a new file with the dump as diff, and nothing for an absent repo without a file', () => {
    const p = planYumRepository(parse({ name: 'k', description: 'K', baseurl: 'http://a/' }), empty, true);
    expect(p).toMatchObject({ changed: true, data: { path: '/etc/yum.repos.d/k.repo', content: '[k]\nbaseurl = http://a/\nname = K\n\n' } });
    expect(p.diff).toEqual([{ before: '', after: '[k]\nbaseurl = http://a/\nname = K\n\n', beforeHeader: '/etc/yum.repos.d/k.repo', afterHeader: '/etc/yum.repos.d/k.repo' }]);
    expect(planYumRepository(parse({ name: 'k', state: 'absent' }), empty, true)).toMatchObject({ changed: false, result: { repo: 'k', state: 'absent' } });
  });

  it('check mode on this machine writes nothing (a temp reposdir)', async () => {
    const { runModule, tempDir, snapshot } = await import('./harness.js');
    const t = tempDir('tsplay-yumrepo-');
    try {
      const before = snapshot(t.dir);
      const r = await runModule(yumRepository, { name: 'k', description: 'K', baseurl: 'http://a/', reposdir: t.dir }, { check: true, conn: new LocalConnection('localhost') });
      expect(r).toMatchObject({ changed: true });
      expect(snapshot(t.dir)).toEqual(before);
    } finally {
      t.cleanup();
    }
  });
});
