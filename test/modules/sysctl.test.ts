import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CheckOverlay } from '../../src/modules/lib/check-overlay.js';
import { parseSysctlValue, rewriteSysctlFile, sysctlFileValues, sysctlValuesEqual } from '../../src/modules/lib/sysctl-edit.js';
import sysctl, { type SysctlState } from '../../src/modules/sysctl.js';
import { runModule, snapshot, tempDir } from './harness.js';
import { applyScripted, hostRead, plannedCommands, plannedWrites } from './system-doubles.js';

const F = '/etc/sysctl.d/k8s.conf';
const state = (file: string | undefined, running: string | undefined): SysctlState => ({ ...hostRead({ [F]: file }), running });
const plan = (args: Record<string, unknown>, current: SysctlState) =>
  sysctl.plan!(sysctl.args.parse({ sysctl_file: F, ...args }), current, { diff: true, now: new Date(0) });

describe('sysctl: the file edit (Ansible\'s fix_lines)', () => {
  test.each([
    { name: 'appends a new key', before: '# k8s\n', key: 'a.b', value: '1', after: '# k8s\na.b=1\n' },
    { name: 'creates the file', before: undefined, key: 'a.b', value: '1', after: 'a.b=1\n' },
    { name: 'replaces and normalizes `k = v`', before: 'x.y = 2\n a.b = 0 \n# c\n', key: 'a.b', value: '1', after: 'x.y=2\na.b=1\n# c\n' },
    { name: 'keeps only the first of duplicates', before: 'a.b=0\na.b=2\n', key: 'a.b', value: '1', after: 'a.b=1\n' },
    { name: 'removes the key', before: '; semi\na.b=1\nx=2', key: 'a.b', value: undefined, after: '; semi\nx=2\n' },
    { name: 'multi-value keys keep their words', before: '', key: 'net.ipv4.ip_local_port_range', value: '1024 65000', after: 'net.ipv4.ip_local_port_range=1024 65000\n' },
  ])('$name', ({ before, key, value, after }) => {
    expect(rewriteSysctlFile(before, key, value)).toBe(after);
  });

  test('values: last occurrence wins; booleans become 1/0; whitespace-insensitive comparison', () => {
    expect(sysctlFileValues('a=1\n#a=3\na = 2\n')).toEqual(new Map([['a', '2']]));
    expect([parseSysctlValue(true), parseSysctlValue('yes'), parseSysctlValue('off'), parseSysctlValue(' 5 '), parseSysctlValue(10)]).toEqual(['1', '1', '0', '5', '10']);
    expect(sysctlValuesEqual('32768\t60999', '32768 60999')).toBe(true);
    expect(sysctlValuesEqual('32768\t60999', '32768')).toBe(false);
    expect(sysctlValuesEqual(undefined, '1')).toBe(false);
  });
});

describe('sysctl: plan (file text + running value + args -> writes and commands)', () => {
  const rows: { name: string; args: Record<string, unknown>; file?: string; running?: string; changed: boolean; writes: Record<string, string>; commands: string[] }[] = [
    { name: 'new key, kernel differs: write + reload', args: { name: 'net.ipv4.ip_forward', value: 1 }, file: '', running: '0', changed: true, writes: { [F]: 'net.ipv4.ip_forward=1\n' }, commands: [`sysctl -p ${F}`] },
    { name: 'new key, kernel already has it: write only', args: { name: 'net.ipv4.ip_forward', value: '1' }, file: '', running: '1', changed: true, writes: { [F]: 'net.ipv4.ip_forward=1\n' }, commands: [] },
    { name: 'file right, kernel differs: reload only', args: { name: 'vm.swappiness', value: 0 }, file: 'vm.swappiness=0\n', running: '60', changed: true, writes: {}, commands: [`sysctl -p ${F}`] },
    { name: 'file right, kernel differs, reload off: ok', args: { name: 'vm.swappiness', value: 0, reload: false }, file: 'vm.swappiness=0\n', running: '60', changed: false, writes: {}, commands: [] },
    { name: 'sysctl_set: -w then reload', args: { name: 'vm.swappiness', value: 0, sysctl_set: true }, file: 'vm.swappiness=0\n', running: '60', changed: true, writes: {}, commands: ['sysctl -w vm.swappiness=0', `sysctl -p ${F}`] },
    { name: 'sysctl_set without reload, ignoreerrors: -e -w', args: { name: 'vm.swappiness', value: 0, sysctl_set: true, reload: 'no', ignoreerrors: true }, file: 'vm.swappiness=0\n', running: '60', changed: true, writes: {}, commands: ['sysctl -e -w vm.swappiness=0'] },
    { name: 'multi-value with a tab in the kernel: equal', args: { name: 'net.ipv4.ip_local_port_range', value: '32768 60999', sysctl_set: true }, file: 'net.ipv4.ip_local_port_range=32768 60999\n', running: '32768\t60999', changed: false, writes: {}, commands: [] },
    { name: 'multi-value -w is one argument', args: { name: 'net.ipv4.ip_local_port_range', value: '1024 65000', sysctl_set: true, reload: false }, file: 'net.ipv4.ip_local_port_range=1024 65000\n', running: '32768\t60999', changed: true, writes: {}, commands: ["sysctl -w 'net.ipv4.ip_local_port_range=1024 65000'"] },
    { name: 'unknown key: reload (as Ansible), no -w', args: { name: 'no.such.key', value: 1, sysctl_set: true }, file: 'no.such.key=1\n', running: undefined, changed: true, writes: {}, commands: [`sysctl -p ${F}`] },
    { name: 'absent: removes the line, nothing to reload', args: { name: 'vm.swappiness', state: 'absent' }, file: '# x\nvm.swappiness=0\n', running: '0', changed: true, writes: { [F]: '# x\n' }, commands: [] },
    { name: 'absent and not there: ok', args: { name: 'vm.swappiness', state: 'absent' }, file: '# x\n', running: '0', changed: false, writes: {}, commands: [] },
    { name: 'same value written differently in the file: rewrite', args: { name: 'a.b', value: '1 2' }, file: 'a.b = 1  2\n', running: '1 2', changed: true, writes: { [F]: 'a.b=1 2\n' }, commands: [] },
  ];
  test.each(rows)('$name', (row) => {
    const p = plan(row.args, state(row.file, row.running));
    expect(p.failed).toBeFalsy();
    expect(p.changed).toBe(row.changed);
    expect(plannedWrites(p)).toEqual(row.writes);
    expect(plannedCommands(p)).toEqual(row.commands);
  });

  test('the diff shows the file before and after', () => {
    const p = plan({ name: 'a.b', value: 2 }, state('a.b=1\n', '2'));
    expect(p.diff).toEqual([{ before: 'a.b=1\n', after: 'a.b=2\n', beforeHeader: F, afterHeader: F }]);
  });

  test('arguments: aliases, required value, blank name', () => {
    expect(sysctl.args.parse({ key: 'a.b', val: 'on' })).toMatchObject({ name: 'a.b', value: 'on', sysctl_file: '/etc/sysctl.conf', reload: true, sysctl_set: false });
    expect(sysctl.args.safeParse({ name: 'a.b' }).success).toBe(false);
    expect(sysctl.args.safeParse({ name: ' ', value: 1 }).success).toBe(false);
    expect(sysctl.args.safeParse({ name: 'a.b', state: 'absent' }).success).toBe(true);
    expect(sysctl.args.safeParse({ name: 'a.b', value: 1, bogus: 1 }).success).toBe(false);
  });
});

describe('sysctl: apply against recorded sysctl outputs', () => {
  test('a reload that sysctl refuses fails with its message', async () => {
    const { result, sent } = await applyScripted(sysctl, { name: 'vm.swappiness', value: 10, sysctl_file: F }, state('vm.swappiness=10\n', '60'), [
      { when: 'sysctl -p', rc: 1, stderr: 'sysctl: permission denied on key "vm.swappiness"\n' },
    ]);
    expect(sent).toEqual([`sysctl -p ${F}`]);
    expect(result).toMatchObject({ failed: true, msg: 'Failed to reload sysctl: sysctl: permission denied on key "vm.swappiness"', rc: 1 });
  });

  test('exit status 0 with "Invalid argument" still fails (Ansible\'s stderr check)', async () => {
    const { result } = await applyScripted(sysctl, { name: 'vm.swappiness', value: 10, sysctl_set: true, reload: false, sysctl_file: F }, state('vm.swappiness=10\n', '60'), [
      { when: 'sysctl -w', rc: 0, stderr: 'sysctl: setting key "vm.swappiness": Invalid argument\n' },
    ]);
    expect(result).toMatchObject({ failed: true, msg: 'setting vm.swappiness failed: sysctl: setting key "vm.swappiness": Invalid argument' });
  });

  test('ignoreerrors: the failure becomes a warning', async () => {
    const { result, sent } = await applyScripted(sysctl, { name: 'vm.swappiness', value: 10, ignoreerrors: true, sysctl_file: F }, state('', '60'), [
      { when: 'sysctl -e -p', rc: 1, stderr: 'sysctl: permission denied on key "vm.swappiness"\n' },
    ]);
    expect(sent.at(-1)).toBe(`sysctl -e -p ${F}`);
    expect(sent.length).toBe(2); // the file write, then the reload
    expect(result.failed).toBeFalsy();
    expect(result).toMatchObject({ changed: true, warnings: ['Failed to reload sysctl: sysctl: permission denied on key "vm.swappiness"'] });
  });
});

describe('sysctl: on this machine, files only (reload: false)', () => {
  test('check mode writes nothing and a later check-mode task sees the predicted file', async () => {
    const { dir, cleanup } = tempDir('tsplay-sysctl-');
    try {
      const file = join(dir, 'sysctl.d', '90-k8s.conf');
      const overlay = new CheckOverlay();
      const before = snapshot(dir);
      const first = await runModule(sysctl, { name: 'net.ipv4.ip_forward', value: 1, sysctl_file: file, reload: false }, { check: true, overlay });
      expect(first).toMatchObject({ changed: true });
      const second = await runModule(sysctl, { name: 'net.ipv4.ip_forward', value: 1, sysctl_file: file, reload: false }, { check: true, overlay });
      expect(second).toMatchObject({ changed: false });
      expect(snapshot(dir)).toEqual(before);
      const real = await runModule(sysctl, { name: 'net.ipv4.ip_forward', value: 1, sysctl_file: file, reload: false, mode: '0600' });
      expect(real).toMatchObject({ changed: true });
      expect(readFileSync(file, 'utf8')).toBe('net.ipv4.ip_forward=1\n');
      expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
    } finally {
      cleanup();
    }
  });
});
