import { describe, expect, test } from 'vitest';
import { configValue, runtimeState, setConfigValue } from '../../src/modules/lib/selinux-config.js';
import selinux, { type SelinuxHostState } from '../../src/modules/selinux.js';
import { applyScripted, hostRead, plannedCommands, plannedWrites } from './system-doubles.js';

const C = '/etc/selinux/config';
const CFG = '# comment\nSELINUX=enforcing\nSELINUXTYPE=targeted\n';
const state = (config: string | undefined, enforce: string | undefined): SelinuxHostState => ({ ...hostRead({ [C]: config }), enforce });
const plan = (args: Record<string, unknown>, s: SelinuxHostState) => selinux.plan!(selinux.args.parse(args), s, { diff: true, now: new Date(0) });

describe('selinux: config file', () => {
  test('reads and sets lines; appends a missing one', () => {
    expect(configValue(CFG, 'SELINUX')).toBe('enforcing');
    expect(setConfigValue(CFG, 'SELINUX', 'permissive')).toBe('# comment\nSELINUX=permissive\nSELINUXTYPE=targeted\n');
    expect(setConfigValue('# x', 'SELINUX', 'disabled')).toBe('# x\nSELINUX=disabled\n');
    expect([runtimeState('1\n'), runtimeState('0'), runtimeState(undefined)]).toEqual(['enforcing', 'permissive', 'disabled']);
  });
});

describe('selinux: plan (config + /sys/fs/selinux/enforce -> setenforce and config)', () => {
  const rows: { name: string; args: Record<string, unknown>; s: SelinuxHostState; config?: string; commands: string[]; reboot: boolean; changed: boolean }[] = [
    { name: 'enforcing -> permissive: setenforce 0 and config', args: { state: 'permissive', policy: 'targeted' }, s: state(CFG, '1'), config: 'SELINUX=permissive', commands: ['setenforce 0'], reboot: false, changed: true },
    { name: 'permissive -> enforcing at runtime only', args: { state: 'enforcing', policy: 'targeted' }, s: state(CFG, '0'), commands: ['setenforce 1'], reboot: false, changed: true },
    { name: 'enforcing -> disabled: permissive now, disabled after reboot', args: { state: 'disabled' }, s: state(CFG, '1'), config: 'SELINUX=disabled', commands: ['setenforce 0'], reboot: true, changed: true },
    { name: 'permissive -> disabled: config only, reboot', args: { state: 'disabled' }, s: state(CFG.replace('enforcing', 'permissive'), '0'), config: 'SELINUX=disabled', commands: [], reboot: true, changed: true },
    { name: 'SELinux off in the kernel, config enforcing -> permissive: reboot required', args: { state: 'permissive', policy: 'targeted' }, s: state(CFG, undefined), config: 'SELINUX=permissive', commands: [], reboot: true, changed: true },
    { name: 'policy change: reboot required', args: { state: 'enforcing', policy: 'mls' }, s: state(CFG, '1'), config: 'SELINUXTYPE=mls', commands: [], reboot: true, changed: true },
    { name: 'all right: ok', args: { state: 'enforcing', policy: 'targeted' }, s: state(CFG, '1'), commands: [], reboot: false, changed: false },
    { name: 'no SELinux, no config, disabled: ok', args: { state: 'disabled' }, s: state(undefined, undefined), commands: [], reboot: false, changed: false },
  ];
  test.each(rows)('$name', (row) => {
    const p = plan(row.args, row.s);
    expect(p.failed).toBeFalsy();
    expect(p.changed).toBe(row.changed);
    expect(plannedCommands(p)).toEqual(row.commands);
    expect(p.result?.reboot_required).toBe(row.reboot);
    const writes = plannedWrites(p);
    if (row.config) expect(writes[C]).toContain(row.config);
    else expect(writes).toEqual({});
  });

  test('enforcing without the config file fails; policy is required unless disabled', () => {
    expect(plan({ state: 'enforcing', policy: 'targeted' }, state(undefined, undefined))).toMatchObject({ failed: true, msg: `Unable to find file ${C}` });
    expect(selinux.args.safeParse({ state: 'enforcing' }).success).toBe(false);
    expect(selinux.args.parse({ state: 'disabled', conf: '/x' }).configfile).toBe('/x');
  });

  test('apply: a refused setenforce fails the task after the config was written', async () => {
    const { result, sent } = await applyScripted(selinux, { state: 'permissive', policy: 'targeted' }, state(CFG, '1'), [{ when: 'setenforce', rc: 1, stderr: 'setenforce: security_setenforce() failed: Permission denied\n' }]);
    expect(sent.at(-1)).toBe('setenforce 0');
    expect(result).toMatchObject({ failed: true, msg: 'Failed to set SELinux state: setenforce: security_setenforce() failed: Permission denied' });
  });
});
