/**
 * package picks the module of the host's package manager and hands it name and state. The RPM
 * side is table-driven against FakeRpmHost (a test double for rpm/dnf/yum, which cannot run on
 * this Debian machine); the apt side runs for real in test/integration/yum-repository.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import apt from '../../src/modules/apt.js';
import dnf from '../../src/modules/dnf.js';
import pkg, { packageBackend } from '../../src/modules/package.js';
import yum from '../../src/modules/yum.js';
import type { Vars } from '../../src/vars/types.js';
import { runModule } from './harness.js';
import { FakeRpmHost, isWritingCall } from './rpm-fake-host.js';

const QF = '%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n';
const RQF = '%{name}\\t%{epoch}\\t%{version}\\t%{release}\\t%{arch}\\t%{repoid}';

let host: FakeRpmHost | undefined;
afterEach(() => host?.cleanup());

describe('package', () => {
  it('maps each package manager to its module', () => {
    expect(packageBackend('apt')).toBe(apt);
    expect(packageBackend('dnf')).toBe(dnf);
    expect(packageBackend('yum')).toBe(yum);
    expect(packageBackend('unknown')).toBeUndefined();
  });

  const rpmCases: [string, Vars, string[] | undefined, string[][]][] = [
    ['ansible_pkg_mgr dnf -> dnf', { ansible_pkg_mgr: 'dnf' }, undefined, [['dnf', '-q', 'repoquery', '--available', '--qf', RQF, 'tmux'], ['dnf', 'install', '-y', 'tmux']]],
    ['ansible_pkg_mgr yum -> yum 3', { ansible_pkg_mgr: 'yum' }, undefined, [['yum', '-q', 'list', 'available', '--showduplicates', 'tmux'], ['yum', 'install', '-y', 'tmux']]],
    ['no facts, dnf on the host -> dnf', {}, undefined, [['dnf', '-q', 'repoquery', '--available', '--qf', RQF, 'tmux'], ['dnf', 'install', '-y', 'tmux']]],
    ['no facts, only yum on the host -> yum 3', {}, ['rpm', 'yum'], [['yum', '-q', 'list', 'available', '--showduplicates', 'tmux'], ['yum', 'install', '-y', 'tmux']]],
  ];
  for (const [title, facts, programs, tail] of rpmCases) {
    it(`dispatches: ${title}, with only name and state`, async () => {
      host = new FakeRpmHost(programs).answer([
        { argv: ['rpm', '-q', '--qf', QF, 'tmux'], stdout: 'package tmux is not installed\n', rc: 1 },
        { argv: ['dnf', '-q', 'repoquery', '--available', '--qf', RQF, 'tmux'], stdout: 'tmux\t0\t3.2a\t5.el9\tx86_64\tbaseos\n' },
        { argv: ['yum', '-q', 'list', 'available', '--showduplicates', 'tmux'], stdout: 'Available Packages\ntmux.x86_64    1.8-4.el7    base\n' },
        { argv: ['dnf', 'install', '-y', 'tmux'] },
        { argv: ['yum', 'install', '-y', 'tmux'] },
      ]);
      const check = await runModule(pkg, { name: 'tmux', state: 'present' }, { conn: host, vars: facts, check: true });
      expect(check).toMatchObject({ changed: true });
      expect(host.takeCalls().filter(isWritingCall)).toEqual([]);
      const r = await runModule(pkg, { name: 'tmux', state: 'present' }, { conn: host, vars: facts });
      expect(r.failed, String(r.msg)).toBeFalsy();
      expect(r).toMatchObject({ changed: true });
      expect(host.takeCalls()).toEqual([['rpm', '-q', '--qf', QF, 'tmux'], ...tail]);
      host.answer([{ argv: ['rpm', '-q', '--qf', QF, 'tmux'], stdout: 'tmux\t0\t3.2a\t5.el9\tx86_64\n' }]);
      expect(await runModule(pkg, { name: 'tmux', state: 'present' }, { conn: host, vars: facts })).toMatchObject({ changed: false });
      expect(host.takeCalls()).toEqual([['rpm', '-q', '--qf', QF, 'tmux']]);
    });
  }

  it('use overrides the fact; removal goes through the same module', async () => {
    host = new FakeRpmHost().answer([
      { argv: ['rpm', '-q', '--qf', QF, 'tmux'], stdout: 'tmux\t0\t3.2a\t5.el9\tx86_64\n' },
      { argv: ['yum', 'remove', '-y', 'tmux'] },
    ]);
    const r = await runModule(pkg, { name: ['tmux'], state: 'absent', use: 'yum' }, { conn: host, vars: { ansible_pkg_mgr: 'apt' } });
    expect(r).toMatchObject({ changed: true, results: ['Removed: tmux-3.2a-5.el9.x86_64'] });
    // the yum module then picks yum 3 or dnf from the same facts: not dnf, so yum 3
    expect(host.takeCalls()).toEqual([['rpm', '-q', '--qf', QF, 'tmux'], ['yum', 'remove', '-y', 'tmux']]);
  });

  it('fails as Ansible does for a package manager it has no module for, and for arguments the module rejects', async () => {
    host = new FakeRpmHost();
    expect(await runModule(pkg, { name: 'x', state: 'present' }, { conn: host, vars: { ansible_pkg_mgr: 'zypper' } })).toMatchObject({
      failed: true,
      msg: 'Could not detect which package manager to use. Try gathering facts or setting the "use" option.',
    });
    expect((await runModule(pkg, { name: 'x', state: 'fixed' }, { conn: host, vars: { ansible_pkg_mgr: 'dnf' } })).msg).toContain('dnf: state');
    expect((await runModule(pkg, { name: 'x' }, { conn: host, vars: { ansible_pkg_mgr: 'dnf' } })).failed).toBe(true);
    expect(host.takeCalls()).toEqual([]);
  });
});
