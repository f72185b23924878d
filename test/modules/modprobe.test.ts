import { describe, expect, test } from 'vitest';
import { loadedPersistently, moduleLoaded, paramsAreSet, parseListing, planPersistence } from '../../src/modules/lib/modprobe-files.js';
import modprobe, { type ModprobeState } from '../../src/modules/modprobe.js';
import { applyScripted, plannedCommands, plannedWrites } from './system-doubles.js';

const PROC_MODULES = 'br_netfilter 32768 0 - Live 0x0000000000000000\nbridge 311296 1 br_netfilter, Live 0x0000000000000000\nip_vs_rr 12288 1 - Live 0x0000000000000000\n';
const BUILTIN = 'kernel/fs/overlayfs/overlay.ko\nkernel/net/ipv4/tcp_bbr.ko\n';

/** The state inspect would build for this /proc/modules (loaded) and these persistence files. */
const state = (name: string, o: { proc?: string; builtin?: string; sys?: boolean; load?: Record<string, string>; opts?: Record<string, string> } = {}): ModprobeState => ({
  umask: 0o022,
  user: { name: 'root', uid: 0, group: 'root', gid: 0 },
  loaded: moduleLoaded(name, { procModules: o.proc ?? PROC_MODULES, builtin: o.builtin ?? BUILTIN, sysModule: o.sys ?? false }),
  loadFiles: o.load ?? {},
  optionFiles: o.opts ?? {},
});
const plan = (args: Record<string, unknown>, s: ModprobeState) => modprobe.plan!(modprobe.args.parse(args), s, { diff: true, now: new Date(0) });

describe('modprobe: is it loaded?', () => {
  test.each([
    ['br_netfilter', {}, true],
    ['ip-vs-rr', {}, true], // dashes and underscores are the same module
    ['ip_vs', {}, false],
    ['overlay', {}, true], // built in
    // a kernel without module support: no /proc/modules, no modules.builtin, only /sys/module
    ['overlay', { procModules: undefined, builtin: undefined, sysModule: true }, true],
    ['nf_conntrack', { procModules: undefined, builtin: undefined, sysModule: false }, false],
  ] as const)('%s %j -> %s', (name, o, expected) => {
    expect(moduleLoaded(name, { procModules: PROC_MODULES, builtin: BUILTIN, sysModule: false, ...o })).toBe(expected);
  });
});

describe('modprobe: plan (/proc/modules contents + args -> commands)', () => {
  const rows: { name: string; args: Record<string, unknown>; s: ModprobeState; commands: string[] }[] = [
    { name: 'not loaded: modprobe', args: { name: 'ip_vs' }, s: state('ip_vs'), commands: ['modprobe ip_vs'] },
    { name: 'params are split like a shell', args: { name: 'dummy', params: "numdummies=2 name='a b'" }, s: state('dummy'), commands: ["modprobe dummy numdummies=2 'name=a b'"] },
    { name: 'loaded: nothing', args: { name: 'br_netfilter' }, s: state('br_netfilter'), commands: [] },
    { name: 'built in: nothing', args: { name: 'overlay' }, s: state('overlay'), commands: [] },
    { name: 'absent and loaded: modprobe -r', args: { name: 'ip_vs_rr', state: 'absent' }, s: state('ip_vs_rr'), commands: ['modprobe -r ip_vs_rr'] },
    { name: 'absent and not loaded: nothing', args: { name: 'ip_vs', state: 'absent' }, s: state('ip_vs'), commands: [] },
  ];
  test.each(rows)('$name', (row) => {
    const p = plan(row.args, row.s);
    expect(plannedCommands(p)).toEqual(row.commands);
    expect(p.changed).toBe(row.commands.length > 0);
  });

  test('persistent present: modules-load.d and modprobe.d files, old options commented out', () => {
    const s = state('br_netfilter', { load: { '/etc/modules-load.d/modules.conf': '# /etc/modules\nloop\n' }, opts: { '/etc/modprobe.d/old.conf': 'options br_netfilter x=1\nblacklist foo\n' } });
    const p = plan({ name: 'br_netfilter', persistent: 'present', params: 'a=1' }, s);
    expect(plannedCommands(p)).toEqual([]);
    expect(plannedWrites(p)).toEqual({
      '/etc/modules-load.d/br_netfilter.conf': 'br_netfilter\n',
      '/etc/modprobe.d/old.conf': '#options br_netfilter x=1\nblacklist foo\n',
      '/etc/modprobe.d/br_netfilter.conf': 'options br_netfilter a=1\n',
    });
  });

  test('persistent present when already listed elsewhere: ok', () => {
    const s = state('br_netfilter', { load: { '/etc/modules-load.d/k8s.conf': 'overlay\nbr_netfilter  # bridge\n' } });
    expect(plan({ name: 'br_netfilter', persistent: 'present' }, s).changed).toBe(false);
  });

  test('persistent absent: comments out the module and its options', () => {
    const s = state('ip_vs', { load: { '/etc/modules-load.d/ipvs.conf': 'ip_vs\nip_vs_rr\n' }, opts: { '/etc/modprobe.d/ip_vs.conf': 'options ip_vs conn_tab_bits=12\n' } });
    const p = plan({ name: 'ip_vs', state: 'absent', persistent: 'absent' }, s);
    expect(plannedWrites(p)).toEqual({ '/etc/modules-load.d/ipvs.conf': '#ip_vs\nip_vs_rr\n', '/etc/modprobe.d/ip_vs.conf': '#options ip_vs conn_tab_bits=12\n' });
    expect(plannedCommands(p)).toEqual([]);
  });

  test('helpers', () => {
    expect(loadedPersistently('ip_vs', { f: 'ip_vs_rr\n#ip_vs\n' })).toBe(false);
    expect(paramsAreSet('d', 'b=2 a=1', { f: 'options d a=1\noptions d b=2 # x\n' })).toBe(true);
    expect(planPersistence('d', '', 'present', { f: 'd\n' }, {}).files).toEqual({});
    expect(parseListing(`/etc/m/a.conf\n${Buffer.from('x\n').toString('base64')}\n/etc/m/b.conf\n\n`)).toEqual({ '/etc/m/a.conf': 'x\n', '/etc/m/b.conf': '' });
    expect(modprobe.args.safeParse({ name: 'a;b' }).success).toBe(false);
  });

  test('apply: modprobe\'s failure is the task\'s', async () => {
    const { result, sent } = await applyScripted(modprobe, { name: 'ip_vs' }, state('ip_vs'), [{ when: 'modprobe', rc: 1, stderr: "modprobe: FATAL: Module ip_vs not found in directory /lib/modules/6.1.0\n" }]);
    expect(sent).toEqual(['modprobe ip_vs']);
    expect(result).toMatchObject({ failed: true, rc: 1, msg: 'Failed to load ip_vs: modprobe: FATAL: Module ip_vs not found in directory /lib/modules/6.1.0' });
  });
});
