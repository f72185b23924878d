/**
 * dnf and yum, table-driven: rpm, dnf and yum cannot run on this Debian machine, so each case gives
 * the facts, the arguments and the recorded answers of the package tools before and after the
 * change (FakeRpmHost, a test double), and checks the exact commands sent, the outcome, that check
 * mode sends no writing command, and that a second run against the "after" answers is ok.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckOverlay } from '../../src/modules/lib/check-overlay.js';
import dnf from '../../src/modules/dnf.js';
import type { ModuleDef, ModuleResult } from '../../src/modules/types.js';
import yum from '../../src/modules/yum.js';
import type { Vars } from '../../src/vars/types.js';
import { runModule } from './harness.js';
import { FakeRpmHost, isWritingCall, type Recorded } from './rpm-fake-host.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/rpm', name), 'utf8');

// spelled out here, not imported: the test must notice if the module's queries change
const QF = '%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n';
const RQF = '%{name}\\t%{epoch}\\t%{version}\\t%{release}\\t%{arch}\\t%{repoid}';

const ROCKY9: Vars = { ansible_os_family: 'RedHat', ansible_pkg_mgr: 'dnf', ansible_distribution_major_version: '9' };
const ROCKY8: Vars = { ansible_os_family: 'RedHat', ansible_pkg_mgr: 'dnf', ansible_distribution_major_version: '8' };
const CENTOS7: Vars = { ansible_os_family: 'RedHat', ansible_pkg_mgr: 'yum', ansible_distribution_major_version: '7' };

const notInstalled = (...names: string[]) => names.map((n) => `package ${n} is not installed\n`).join('');
const rpmLine = (n: string, e: number, v: string, r: string, a = 'x86_64') => `${n}\t${e}\t${v}\t${r}\t${a}\n`;

interface Case {
  title: string;
  def: ModuleDef;
  facts: Vars;
  args: Record<string, unknown>;
  /** the programs the host has (default rpm, dnf, yum) */
  programs?: string[];
  before: Recorded[];
  /** the exact calls of the real run: queries, then the transaction */
  calls: string[][];
  result: Partial<ModuleResult>;
  after: Recorded[];
}

const K8S_Q = ['rpm', '-q', '--qf', QF, 'kubelet-1.28.2', 'kubelet', 'kubeadm-1.28.2', 'kubeadm', 'kubectl-1.28.2', 'kubectl'];
const K8S_INSTALLED =
  rpmLine('kubelet', 0, '1.28.2', '150500.1.1') + rpmLine('kubelet', 0, '1.28.2', '150500.1.1') + rpmLine('kubeadm', 0, '1.28.2', '150500.1.1') +
  rpmLine('kubeadm', 0, '1.28.2', '150500.1.1') + rpmLine('kubectl', 0, '1.28.2', '150500.1.1') + rpmLine('kubectl', 0, '1.28.2', '150500.1.1');
const K8S_REPOQUERY = ['dnf', '-q', 'repoquery', '--available', '--qf', RQF, '--disableexcludes=kubernetes', 'kubelet-1.28.2', 'kubeadm-1.28.2', 'kubectl-1.28.2'];
const K8S_INSTALL = ['dnf', 'install', '-y', '--disableexcludes=kubernetes', 'kubelet-1.28.2', 'kubeadm-1.28.2', 'kubectl-1.28.2'];

const DOCKER_LIST = ['yum', '-q', 'list', 'available', '--showduplicates', '--disablerepo=*', '--enablerepo=base', '--enablerepo=docker-ce-stable', 'docker-ce', 'containerd.io'];
const DOCKER_Q = ['rpm', '-q', '--qf', QF, 'docker-ce', 'containerd.io'];

const CASES: Case[] = [
  {
    title: 'Rocky 9, dnf: pinned Kubernetes packages from the repo whose exclude= holds them (disable_excludes)',
    def: dnf,
    facts: ROCKY9,
    args: { name: ['kubelet-1.28.2', 'kubeadm-1.28.2', 'kubectl-1.28.2'], disable_excludes: 'kubernetes' },
    before: [
      { argv: K8S_Q, stdout: notInstalled(...K8S_Q.slice(4)), rc: 6 },
      { argv: K8S_REPOQUERY, stdout: fixture('rocky9-repoquery-k8s-1.28.2.txt') },
      { argv: K8S_INSTALL, stdout: 'Installed:\n  kubeadm-1.28.2-150500.1.1.x86_64 kubectl-1.28.2-150500.1.1.x86_64 kubelet-1.28.2-150500.1.1.x86_64\n\nComplete!\n' },
    ],
    calls: [K8S_Q, K8S_REPOQUERY, K8S_INSTALL],
    result: { changed: true, msg: '', rc: 0, results: ['Installed: kubelet-1.28.2-150500.1.1.x86_64', 'Installed: kubeadm-1.28.2-150500.1.1.x86_64', 'Installed: kubectl-1.28.2-150500.1.1.x86_64'] },
    after: [{ argv: K8S_Q, stdout: K8S_INSTALLED }],
  },
  {
    title: 'CentOS 7, yum 3: latest of one installed and one missing package, repos chosen, epochs respected',
    def: yum,
    facts: CENTOS7,
    args: { name: 'docker-ce,containerd.io', state: 'latest', disablerepo: '*', enablerepo: ['base', 'docker-ce-stable'] },
    before: [
      { argv: DOCKER_Q, stdout: notInstalled('docker-ce') + rpmLine('containerd.io', 0, '1.6.21', '3.1.el7'), rc: 1 },
      { argv: DOCKER_LIST, stdout: fixture('centos7-yum-list-available.txt') },
      { argv: ['yum', 'install', '-y', '--disablerepo=*', '--enablerepo=base', '--enablerepo=docker-ce-stable', 'docker-ce'], stdout: 'Complete!\n' },
      { argv: ['yum', 'update', '-y', '--disablerepo=*', '--enablerepo=base', '--enablerepo=docker-ce-stable', 'containerd.io'], stdout: 'Complete!\n' },
    ],
    calls: [
      DOCKER_Q,
      DOCKER_LIST,
      ['yum', 'install', '-y', '--disablerepo=*', '--enablerepo=base', '--enablerepo=docker-ce-stable', 'docker-ce'],
      ['yum', 'update', '-y', '--disablerepo=*', '--enablerepo=base', '--enablerepo=docker-ce-stable', 'containerd.io'],
    ],
    result: { changed: true, results: ['Installed: docker-ce-3:24.0.7-1.el7.x86_64', 'Installed: containerd.io-1.6.24-3.1.el7.x86_64'] },
    after: [
      { argv: DOCKER_Q, stdout: rpmLine('docker-ce', 3, '24.0.7', '1.el7') + rpmLine('containerd.io', 0, '1.6.24', '3.1.el7') },
      { argv: DOCKER_LIST, stdout: fixture('centos7-yum-list-available-after.txt') },
    ],
  },
  {
    title: 'Rocky 8, the yum module runs dnf: removes a glob and a name, removed versions reported',
    def: yum,
    facts: ROCKY8,
    args: { name: ['podman*', 'buildah', 'skopeo'], state: 'removed' },
    before: [
      { argv: ['rpm', '-q', '--qf', QF, 'buildah', 'skopeo'], stdout: rpmLine('buildah', 1, '1.31.3', '1.module+el8.9.0+1534+2e3e0d0c') + notInstalled('skopeo'), rc: 1 },
      { argv: ['rpm', '-qa', '--qf', QF, 'podman*'], stdout: rpmLine('podman', 3, '4.6.1', '5.module+el8.9.0+1534+2e3e0d0c') + rpmLine('podman-catatonit', 3, '4.6.1', '5.module+el8.9.0+1534+2e3e0d0c') },
      { argv: ['dnf', 'remove', '-y', 'podman*', 'buildah'], stdout: 'Removed:\n  buildah podman podman-catatonit\nComplete!\n' },
    ],
    calls: [['rpm', '-q', '--qf', QF, 'buildah', 'skopeo'], ['rpm', '-qa', '--qf', QF, 'podman*'], ['dnf', 'remove', '-y', 'podman*', 'buildah']],
    result: {
      changed: true,
      results: [
        'Removed: podman-3:4.6.1-5.module+el8.9.0+1534+2e3e0d0c.x86_64',
        'Removed: podman-catatonit-3:4.6.1-5.module+el8.9.0+1534+2e3e0d0c.x86_64',
        'Removed: buildah-1:1.31.3-1.module+el8.9.0+1534+2e3e0d0c.x86_64',
      ],
    },
    after: [
      { argv: ['rpm', '-q', '--qf', QF, 'buildah', 'skopeo'], stdout: notInstalled('buildah', 'skopeo'), rc: 2 },
      { argv: ['rpm', '-qa', '--qf', QF, 'podman*'], stdout: '' },
    ],
  },
  {
    title: 'Rocky 9, dnf: allow_downgrade takes kubelet back to an older pinned version',
    def: dnf,
    facts: ROCKY9,
    args: { name: 'kubelet-1.27.6', allow_downgrade: true, disable_excludes: 'kubernetes' },
    before: [
      { argv: ['rpm', '-q', '--qf', QF, 'kubelet-1.27.6', 'kubelet'], stdout: notInstalled('kubelet-1.27.6') + rpmLine('kubelet', 0, '1.28.2', '150500.1.1'), rc: 1 },
      { argv: ['dnf', '-q', 'repoquery', '--available', '--qf', RQF, '--disableexcludes=kubernetes', 'kubelet-1.27.6'], stdout: fixture('rocky9-repoquery-kubelet-1.27.6.txt') },
      { argv: ['dnf', 'downgrade', '-y', '--disableexcludes=kubernetes', 'kubelet-1.27.6'], stdout: 'Downgraded:\n  kubelet-1.27.6-150500.1.1.x86_64\nComplete!\n' },
    ],
    calls: [
      ['rpm', '-q', '--qf', QF, 'kubelet-1.27.6', 'kubelet'],
      ['dnf', '-q', 'repoquery', '--available', '--qf', RQF, '--disableexcludes=kubernetes', 'kubelet-1.27.6'],
      ['dnf', 'downgrade', '-y', '--disableexcludes=kubernetes', 'kubelet-1.27.6'],
    ],
    result: { changed: true, results: ['Installed: kubelet-1.27.6-150500.1.1.x86_64'] },
    after: [{ argv: ['rpm', '-q', '--qf', QF, 'kubelet-1.27.6', 'kubelet'], stdout: rpmLine('kubelet', 0, '1.27.6', '150500.1.1').repeat(2) }],
  },
  {
    title: "Rocky 9, dnf: name '*' state latest upgrades what check-update lists (exit 100)",
    def: dnf,
    facts: ROCKY9,
    args: { name: '*', state: 'latest', exclude: 'kernel*' },
    before: [
      { argv: ['dnf', '-q', 'check-update', '--exclude=kernel*'], stdout: fixture('rocky9-check-update.txt'), rc: 100 },
      { argv: ['dnf', 'upgrade', '-y', '--exclude=kernel*'], stdout: 'Complete!\n' },
    ],
    calls: [['dnf', '-q', 'check-update', '--exclude=kernel*'], ['dnf', 'upgrade', '-y', '--exclude=kernel*']],
    result: { changed: true, results: ['Installed: kernel-5.14.0-362.13.1.el9_3.x86_64', 'Installed: python3-dnf-plugin-versionlock-4.3.0-11.el9_3.noarch'] },
    after: [{ argv: ['dnf', '-q', 'check-update', '--exclude=kernel*'], stdout: '' }],
  },
  {
    title: 'CentOS 7, yum 3: check-update with a wrapped name and obsoletes',
    def: yum,
    facts: CENTOS7,
    args: { name: '*', state: 'latest' },
    before: [
      { argv: ['yum', '-q', 'check-update'], stdout: fixture('centos7-check-update.txt'), rc: 100 },
      { argv: ['yum', 'update', '-y'], stdout: 'Complete!\n' },
    ],
    calls: [['yum', '-q', 'check-update'], ['yum', 'update', '-y']],
    result: {
      changed: true,
      results: ['Installed: bind-export-libs-32:9.11.4-26.P2.el7_9.15.x86_64', 'Installed: device-mapper-persistent-data-0.8.5-3.el7_9.2.x86_64', 'Installed: kernel-3.10.0-1160.105.1.el7.x86_64'],
    },
    after: [{ argv: ['yum', '-q', 'check-update'], stdout: '', rc: 0 }],
  },
  {
    title: 'Rocky 9, dnf: autoremove alone removes what dnf lists as unneeded',
    def: dnf,
    facts: ROCKY9,
    args: { autoremove: true },
    before: [
      { argv: ['dnf', '-q', 'repoquery', '--unneeded', '--qf', RQF], stdout: 'libslirp\t0\t4.4.0\t8.el9\tx86_64\t@System\n' },
      { argv: ['dnf', 'autoremove', '-y'], stdout: 'Removed:\n  libslirp-4.4.0-8.el9.x86_64\nComplete!\n' },
    ],
    calls: [['dnf', '-q', 'repoquery', '--unneeded', '--qf', RQF], ['dnf', 'autoremove', '-y']],
    result: { changed: true, results: ['Removed: libslirp-4.4.0-8.el9.x86_64'] },
    after: [{ argv: ['dnf', '-q', 'repoquery', '--unneeded', '--qf', RQF], stdout: '' }],
  },
  {
    title: 'no facts, a host with only yum (EL7): detects yum 3 in one command; gpg check off, weak deps ignored by yum 3',
    def: yum,
    facts: {},
    programs: ['rpm', 'yum'],
    args: { name: 'tmux', disable_gpg_check: true, install_weak_deps: false },
    before: [
      { argv: ['rpm', '-q', '--qf', QF, 'tmux'], stdout: notInstalled('tmux'), rc: 1 },
      { argv: ['yum', '-q', 'list', 'available', '--showduplicates', 'tmux'], stdout: 'Available Packages\ntmux.x86_64                     1.8-4.el7                      base\n' },
      { argv: ['yum', 'install', '-y', '--nogpgcheck', 'tmux'], stdout: 'Complete!\n' },
    ],
    calls: [['rpm', '-q', '--qf', QF, 'tmux'], ['yum', '-q', 'list', 'available', '--showduplicates', 'tmux'], ['yum', 'install', '-y', '--nogpgcheck', 'tmux']],
    result: { changed: true, results: ['Installed: tmux-1.8-4.el7.x86_64'] },
    after: [{ argv: ['rpm', '-q', '--qf', QF, 'tmux'], stdout: rpmLine('tmux', 0, '1.8', '4.el7') }],
  },
  {
    title: 'no facts, a host with dnf: the dnf backend, with weak deps off and excludes',
    def: yum,
    facts: {},
    args: { name: ['tmux.x86_64'], install_weak_deps: 'no', exclude: ['tmux-2*'] },
    before: [
      { argv: ['rpm', '-q', '--qf', QF, 'tmux.x86_64', 'tmux'], stdout: notInstalled('tmux.x86_64', 'tmux'), rc: 2 },
      { argv: ['dnf', '-q', 'repoquery', '--available', '--qf', RQF, '--exclude=tmux-2*', 'tmux.x86_64'], stdout: 'tmux\t0\t3.2a\t5.el9\tx86_64\tbaseos\n' },
      { argv: ['dnf', 'install', '-y', '--exclude=tmux-2*', '--setopt=install_weak_deps=False', 'tmux.x86_64'], stdout: 'Complete!\n' },
    ],
    calls: [
      ['rpm', '-q', '--qf', QF, 'tmux.x86_64', 'tmux'],
      ['dnf', '-q', 'repoquery', '--available', '--qf', RQF, '--exclude=tmux-2*', 'tmux.x86_64'],
      ['dnf', 'install', '-y', '--exclude=tmux-2*', '--setopt=install_weak_deps=False', 'tmux.x86_64'],
    ],
    result: { changed: true, results: ['Installed: tmux-3.2a-5.el9.x86_64'] },
    after: [{ argv: ['rpm', '-q', '--qf', QF, 'tmux.x86_64', 'tmux'], stdout: rpmLine('tmux', 0, '3.2a', '5.el9') + rpmLine('tmux', 0, '3.2a', '5.el9') }],
  },
];

let host: FakeRpmHost | undefined;
afterEach(() => host?.cleanup());

describe('dnf and yum against recorded rpm/dnf/yum answers', () => {
  for (const c of CASES) {
    it(c.title, async () => {
      host = new FakeRpmHost(c.programs);
      const run = (check: boolean) => runModule(c.def, c.args, { conn: host!, vars: c.facts, check, diff: true, overlay: check ? new CheckOverlay() : undefined });

      host.answer(c.before);
      const check = await run(true);
      expect(check.failed, String(check.msg)).toBeFalsy();
      expect(check).toMatchObject({ changed: true, msg: 'Check mode: No changes made, but would have if not in check mode' });
      const checkCalls = host.takeCalls();
      expect(checkCalls.filter(isWritingCall)).toEqual([]);
      expect(checkCalls).toEqual(c.calls.filter((x) => !isWritingCall(x)));

      const first = await run(false);
      expect(first.failed, String(first.msg)).toBeFalsy();
      expect(host.takeCalls()).toEqual(c.calls);
      expect(first).toMatchObject(c.result);

      host.answer(c.after);
      const second = await run(false);
      expect(second.failed, String(second.msg)).toBeFalsy();
      expect(second).toMatchObject({ changed: false, msg: 'Nothing to do', results: [] });
      expect(host.takeCalls().filter(isWritingCall)).toEqual([]);
    });
  }

  it('leaves a newer installed version alone without allow_downgrade, asking the repositories nothing', async () => {
    host = new FakeRpmHost().answer([{ argv: ['rpm', '-q', '--qf', QF, 'kubelet-1.27.6', 'kubelet'], stdout: rpmLine('kubelet', 0, '1.28.2', '150500.1.1'), rc: 1 }]);
    const r = await runModule(dnf, { name: 'kubelet-1.27.6' }, { conn: host, vars: ROCKY9 });
    expect(r).toMatchObject({ changed: false, msg: 'Nothing to do' });
    expect(host.takeCalls()).toEqual([['rpm', '-q', '--qf', QF, 'kubelet-1.27.6', 'kubelet']]);
  });

  it('fails like Ansible for a package no repository offers, before sending any transaction', async () => {
    host = new FakeRpmHost().answer([
      { argv: ['rpm', '-q', '--qf', QF, 'nosuch'], stdout: notInstalled('nosuch'), rc: 1 },
      { argv: ['dnf', '-q', 'repoquery', '--available', '--qf', RQF, 'nosuch'], stdout: '' },
    ]);
    const r = await runModule(dnf, { name: 'nosuch' }, { conn: host, vars: ROCKY9 });
    expect(r).toMatchObject({ failed: true, msg: 'Failed to install some of the specified packages', failures: ['No package nosuch available.'], rc: 1 });
    expect(host.takeCalls().filter(isWritingCall)).toEqual([]);
  });

  it('in a dry run after yum_repository would add a repository, a package no repository offers yet is predicted, not missing', async () => {
    const answers = () => [
      { argv: ['rpm', '-q', '--qf', QF, 'kubelet'], stdout: notInstalled('kubelet'), rc: 1 },
      { argv: ['dnf', '-q', 'repoquery', '--available', '--qf', RQF, 'kubelet'], stdout: '' },
    ];
    host = new FakeRpmHost().answer(answers());
    const overlay = new CheckOverlay();
    overlay.record({ path: '/etc/yum.repos.d/kubernetes.repo', kind: 'file', content: Buffer.from('[kubernetes]\n') });
    const predicted = await runModule(dnf, { name: 'kubelet' }, { conn: host, vars: ROCKY9, check: true, overlay });
    expect(predicted).toMatchObject({ changed: true, msg: 'Check mode: No changes made, but would have if not in check mode' });
    expect(host.takeCalls().filter(isWritingCall)).toEqual([]);
    // without that earlier task, the same dry run fails as Ansible's does
    host.answer(answers());
    const alone = await runModule(dnf, { name: 'kubelet' }, { conn: host, vars: ROCKY9, check: true, overlay: new CheckOverlay() });
    expect(alone).toMatchObject({ failed: true, failures: ['No package kubelet available.'] });
  });

  it('update_cache refreshes in the same round trip when not in check mode, and alone reports "Cache updated"', async () => {
    host = new FakeRpmHost().answer([
      { argv: ['dnf', '-q', 'makecache', '--refresh', '--enablerepo=kubernetes'], stdout: '' },
      { argv: ['rpm', '-q', '--qf', QF, 'tmux'], stdout: rpmLine('tmux', 0, '3.2a', '5.el9') },
    ]);
    const withName = await runModule(dnf, { name: 'tmux', update_cache: true, enablerepo: 'kubernetes' }, { conn: host, vars: ROCKY9 });
    expect(withName).toMatchObject({ changed: false, msg: 'Nothing to do' });
    expect(host.takeCalls()).toEqual([['dnf', '-q', 'makecache', '--refresh', '--enablerepo=kubernetes'], ['rpm', '-q', '--qf', QF, 'tmux']]);
    const checked = await runModule(dnf, { name: 'tmux', update_cache: true, enablerepo: 'kubernetes' }, { conn: host, vars: ROCKY9, check: true });
    expect(checked).toMatchObject({ changed: false });
    expect(host.takeCalls()).toEqual([['rpm', '-q', '--qf', QF, 'tmux']]);
    const alone = await runModule(dnf, { update_cache: true, enablerepo: 'kubernetes' }, { conn: host, vars: ROCKY9 });
    expect(alone).toMatchObject({ changed: false, msg: 'Cache updated', results: [], rc: 0 });
    expect(host.takeCalls()).toEqual([['dnf', '-q', 'makecache', '--refresh', '--enablerepo=kubernetes']]);
  });

  it('without names (Ansible fills in an empty list) there is nothing to do', async () => {
    host = new FakeRpmHost();
    expect(await runModule(dnf, { state: 'present' }, { conn: host, vars: ROCKY9 })).toMatchObject({ changed: false, msg: 'Nothing to do', results: [] });
    expect(host.takeCalls()).toEqual([]);
  });

  it('a group is dnf’s to judge: installed when asked, and "Nothing to do" from dnf makes the run ok', async () => {
    host = new FakeRpmHost().answer([{ argv: ['dnf', 'install', '-y', '@container-tools'], stdout: 'Installed:\n  podman-4.6.1-5.el9.x86_64\n\nComplete!\n' }]);
    const first = await runModule(dnf, { name: '@container-tools' }, { conn: host, vars: ROCKY9 });
    expect(first).toMatchObject({ changed: true, results: ['Installed: @container-tools'] });
    expect(host.takeCalls()).toEqual([['dnf', 'install', '-y', '@container-tools']]);
    host.answer([{ argv: ['dnf', 'install', '-y', '@container-tools'], stdout: 'Dependencies resolved.\nNothing to do.\nComplete!\n' }]);
    expect(await runModule(dnf, { name: '@container-tools' }, { conn: host, vars: ROCKY9 })).toMatchObject({ changed: false, msg: 'Nothing to do', results: [] });
  });

  it('reports a failed transaction with its output', async () => {
    host = new FakeRpmHost().answer([
      { argv: ['rpm', '-q', '--qf', QF, 'tmux'], stdout: notInstalled('tmux'), rc: 1 },
      { argv: ['dnf', '-q', 'repoquery', '--available', '--qf', RQF, 'tmux'], stdout: 'tmux\t0\t3.2a\t5.el9\tx86_64\tbaseos\n' },
      { argv: ['dnf', 'install', '-y', 'tmux'], stderr: 'Error: Failed to download metadata for repo baseos\n', rc: 1 },
    ]);
    const r = await runModule(dnf, { name: 'tmux' }, { conn: host, vars: ROCKY9 });
    expect(r).toMatchObject({ failed: true, changed: false, msg: 'Failed to install some of the specified packages', rc: 1, failures: ['Error: Failed to download metadata for repo baseos'] });
  });

  it('rejects what Ansible rejects', async () => {
    host = new FakeRpmHost();
    const bad = async (args: Record<string, unknown>) => (await runModule(dnf, args, { conn: host!, vars: ROCKY9 })).msg;
    expect(await bad({ name: 'tmux vim' })).toContain('space separated string of packages');
    expect(await bad({ name: 'tmux', autoremove: true, state: 'present' })).toContain('Autoremove should be used alone or with state=absent');
    expect(await bad({ name: 'tmux', download_only: true })).toContain('download_only');
  });
});
