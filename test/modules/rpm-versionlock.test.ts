/**
 * yum_versionlock, table-driven: the versionlock plugins of yum 3 and dnf cannot run on this Debian
 * machine, so FakeRpmHost (a test double) answers `versionlock list` from recorded listings, and
 * the test checks the exact commands, check mode sending no writing command, and the second run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import yumVersionlock from '../../src/modules/yum-versionlock.js';
import type { Vars } from '../../src/vars/types.js';
import { runModule } from './harness.js';
import { FakeRpmHost, isWritingCall, type Recorded } from './rpm-fake-host.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/rpm', name), 'utf8');
const ROCKY9: Vars = { ansible_os_family: 'RedHat', ansible_pkg_mgr: 'dnf', ansible_distribution_major_version: '9' };
const CENTOS7: Vars = { ansible_os_family: 'RedHat', ansible_distribution_major_version: '7' };

interface Case {
  title: string;
  facts: Vars;
  args: Record<string, unknown>;
  /** the names as the module reports them (meta.packages) */
  packages: string[];
  before: Recorded[];
  calls: string[][];
  after: Recorded[];
}

const CASES: Case[] = [
  {
    title: 'Rocky 9: dnf versionlock add for the one name not held yet',
    facts: ROCKY9,
    args: { name: ['kubelet', 'kubeadm', 'kubectl'] },
    packages: ['kubelet', 'kubeadm', 'kubectl'],
    before: [
      { argv: ['dnf', '-q', 'versionlock', 'list'], stdout: fixture('rocky9-versionlock-list.txt') },
      { argv: ['dnf', '-q', 'versionlock', 'add', 'kubectl'], stdout: 'Adding versionlock on: kubectl-0:1.28.2-150500.1.1.*\n' },
    ],
    calls: [['dnf', '-q', 'versionlock', 'list'], ['dnf', '-q', 'versionlock', 'add', 'kubectl']],
    after: [{ argv: ['dnf', '-q', 'versionlock', 'list'], stdout: fixture('rocky9-versionlock-list.txt') + 'kubectl-0:1.28.2-150500.1.1.*\n' }],
  },
  {
    title: 'CentOS 7 (no pkg_mgr fact, major version 7): yum versionlock delete',
    facts: CENTOS7,
    args: { name: 'kubelet,kubeadm', state: 'absent' },
    packages: ['kubelet', 'kubeadm'],
    before: [
      { argv: ['yum', '-q', 'versionlock', 'list'], stdout: fixture('centos7-versionlock-list.txt') },
      { argv: ['yum', '-q', 'versionlock', 'delete', 'kubelet'], stdout: 'Deleting versionlock for: 0:kubelet-1.28.2-150500.1.1.*\n' },
    ],
    calls: [['yum', '-q', 'versionlock', 'list'], ['yum', '-q', 'versionlock', 'delete', 'kubelet']],
    after: [{ argv: ['yum', '-q', 'versionlock', 'list'], stdout: '' }],
  },
];

let host: FakeRpmHost | undefined;
afterEach(() => host?.cleanup());

describe('yum_versionlock against recorded versionlock listings', () => {
  for (const c of CASES) {
    it(c.title, async () => {
      host = new FakeRpmHost().answer(c.before);
      const check = await runModule(yumVersionlock, c.args, { conn: host, vars: c.facts, check: true });
      expect(check).toMatchObject({ changed: true });
      expect(host.takeCalls()).toEqual(c.calls.filter((x) => !isWritingCall(x)));
      const first = await runModule(yumVersionlock, c.args, { conn: host, vars: c.facts });
      expect(first.failed, String(first.msg)).toBeFalsy();
      expect(first).toMatchObject({ changed: true, meta: { packages: c.packages, state: c.args.state ?? 'present' } });
      expect(host.takeCalls()).toEqual(c.calls);
      host.answer(c.after);
      const second = await runModule(yumVersionlock, c.args, { conn: host, vars: c.facts });
      expect(second).toMatchObject({ changed: false });
      expect(host.takeCalls()).toEqual(c.calls.slice(0, 1));
    });
  }

  it('a glob holds what it matches; delete of a name that is not held is ok', async () => {
    host = new FakeRpmHost().answer([{ argv: ['dnf', '-q', 'versionlock', 'list'], stdout: fixture('rocky9-versionlock-list.txt') }]);
    expect(await runModule(yumVersionlock, { name: 'kube*' }, { conn: host, vars: ROCKY9 })).toMatchObject({ changed: false });
    expect(await runModule(yumVersionlock, { name: 'containerd.io', state: 'absent' }, { conn: host, vars: ROCKY9 })).toMatchObject({ changed: false });
    expect(host.takeCalls().filter(isWritingCall)).toEqual([]);
  });

  it('says which plugin to install when versionlock is not a command', async () => {
    host = new FakeRpmHost().answer([{ argv: ['dnf', '-q', 'versionlock', 'list'], stderr: 'No such command: versionlock. Please use /usr/bin/dnf --help\n', rc: 1 }]);
    const r = await runModule(yumVersionlock, { name: 'kubelet' }, { conn: host, vars: ROCKY9 });
    expect(r).toMatchObject({ failed: true });
    expect(r.msg).toContain('Please install rpm package python3-dnf-plugin-versionlock');
  });
});
