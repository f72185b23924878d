import { describe, expect, test } from 'vitest';
import hostname, { type HostnameState } from '../../src/modules/hostname.js';
import { autoStrategy, readPermanentName, writePermanentName } from '../../src/modules/lib/hostname-strategy.js';
import { applyScripted, hostRead, plannedCommands, plannedWrites } from './system-doubles.js';

const state = (o: Omit<Partial<HostnameState>, 'files'> & { files?: Record<string, string | undefined> }): HostnameState => ({
  ...hostRead(o.files ?? { '/etc/hostname': 'old\n' }),
  running: o.running ?? 'old',
  serviceMgr: o.serviceMgr,
  osFamily: o.osFamily,
  hostnamectl: o.hostnamectl ?? false,
});
const plan = (args: Record<string, unknown>, s: HostnameState) => hostname.plan!(hostname.args.parse(args), s, { diff: true, now: new Date(0) });

describe('hostname: strategy', () => {
  test.each([
    ['systemd', 'Debian', 'systemd'],
    ['systemd', 'RedHat', 'systemd'],
    ['sysvinit', 'Debian', 'debian'],
    ['upstart', 'RedHat', 'redhat'],
    ['openrc', 'Alpine', 'alpine'],
    ['openrc', 'Gentoo', 'openrc'],
    [undefined, undefined, 'generic'],
  ])('service manager %s, family %s -> %s', (mgr, family, expected) => {
    expect(autoStrategy(mgr, family)).toBe(expected);
  });

  test('permanent-name files', () => {
    expect(readPermanentName('redhat', 'NETWORKING=yes\nHOSTNAME="a.b"\n')).toBe('a.b');
    expect(writePermanentName('redhat', 'NETWORKING=yes\nHOSTNAME=x\n', 'n1')).toBe('NETWORKING=yes\nHOSTNAME=n1\n');
    expect(writePermanentName('redhat', 'NETWORKING=yes', 'n1')).toBe('NETWORKING=yes\nHOSTNAME=n1\n');
    expect(writePermanentName('openrc', undefined, 'n1')).toBe('hostname="n1"\n');
    expect(readPermanentName('debian', 'n1')).toBe('n1');
  });
});

describe('hostname: plan (state + facts -> files and commands)', () => {
  const rows: { name: string; args: Record<string, unknown>; state: HostnameState; writes: Record<string, string>; commands: string[]; warn?: boolean }[] = [
    { name: 'systemd with hostnamed: hostnamectl only', args: { name: 'n1' }, state: state({ serviceMgr: 'systemd', hostnamectl: true }), writes: {}, commands: ['hostnamectl set-hostname n1'] },
    { name: 'systemd, only /etc/hostname differs: hostnamectl', args: { name: 'n1' }, state: state({ serviceMgr: 'systemd', hostnamectl: true, running: 'n1' }), writes: {}, commands: ['hostnamectl set-hostname n1'] },
    { name: 'systemd without hostnamed: file + hostname, with a warning', args: { name: 'n1' }, state: state({ serviceMgr: 'systemd' }), writes: { '/etc/hostname': 'n1\n' }, commands: ['hostname n1'], warn: true },
    { name: 'debian: file + hostname', args: { name: 'n1' }, state: state({ osFamily: 'Debian' }), writes: { '/etc/hostname': 'n1\n' }, commands: ['hostname n1'] },
    { name: 'debian, file already right: hostname only', args: { name: 'n1' }, state: state({ osFamily: 'Debian', files: { '/etc/hostname': 'n1' } }), writes: {}, commands: ['hostname n1'] },
    { name: 'redhat 6: /etc/sysconfig/network', args: { name: 'n1' }, state: state({ osFamily: 'RedHat', files: { '/etc/sysconfig/network': 'NETWORKING=yes\nHOSTNAME=old\n' } }), writes: { '/etc/sysconfig/network': 'NETWORKING=yes\nHOSTNAME=n1\n' }, commands: ['hostname n1'] },
    { name: 'alpine: hostname -F', args: { name: 'n1', use: 'alpine' }, state: state({}), writes: { '/etc/hostname': 'n1\n' }, commands: ['hostname -F /etc/hostname'] },
    { name: 'generic: running name only', args: { name: 'n1', use: 'generic' }, state: state({}), writes: {}, commands: ['hostname n1'] },
    { name: 'all right: nothing', args: { name: 'n1' }, state: state({ osFamily: 'Debian', running: 'n1', files: { '/etc/hostname': 'n1\n' } }), writes: {}, commands: [] },
    { name: 'a name that looks like an option stays one argument', args: { name: '-x;reboot' , use: 'generic' }, state: state({}), writes: {}, commands: ["hostname '-x;reboot'"] },
  ];
  test.each(rows)('$name', (row) => {
    const p = plan(row.args, row.state);
    expect(p.failed).toBeFalsy();
    expect(p.changed).toBe(row.commands.length > 0 || Object.keys(row.writes).length > 0);
    expect(plannedWrites(p)).toEqual(row.writes);
    expect(plannedCommands(p)).toEqual(row.commands);
    expect(p.result?.warnings !== undefined).toBe(row.warn ?? false);
  });

  test('facts and diff as Ansible', () => {
    const p = plan({ name: 'm1.k8s.local' }, state({ osFamily: 'Debian' }));
    expect(p.result).toMatchObject({ name: 'm1.k8s.local', ansible_facts: { ansible_hostname: 'm1', ansible_nodename: 'm1.k8s.local', ansible_fqdn: 'm1.k8s.local', ansible_domain: 'k8s.local' } });
    expect(p.diff?.at(-1)).toEqual({ before: 'hostname = old\n', after: 'hostname = m1.k8s.local\n', beforeHeader: 'hostname', afterHeader: 'hostname' });
    expect(plan({ name: 'x', use: 'freebsd' }, state({}))).toMatchObject({ failed: true });
  });

  test('apply: a failing hostnamectl fails the task with its message', async () => {
    const { result, sent } = await applyScripted(hostname, { name: 'n1' }, state({ serviceMgr: 'systemd', hostnamectl: true }), [{ when: 'hostnamectl', rc: 1, stderr: 'Could not set hostname: Access denied\n' }]);
    expect(sent).toEqual(['hostnamectl set-hostname n1']);
    expect(result).toMatchObject({ failed: true, msg: 'Command failed: Could not set hostname: Access denied' });
  });
});
