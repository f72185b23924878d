import { describe, expect, test } from 'vitest';
import { escapeFstab, parseMountinfo, setFstabEntry, unsetFstabEntry } from '../../src/modules/lib/fstab-edit.js';
import mount, { type MountState } from '../../src/modules/mount.js';
import { applyScripted, hostRead, plannedCommands, plannedWrites } from './system-doubles.js';

const FSTAB = '# /etc/fstab\nUUID=1 / ext4 defaults 0 1\n\n/dev/sdb1 /data xfs defaults 0 0 # data\n';
const MOUNTINFO = [
  '22 1 0:21 / / rw,relatime - overlay overlay rw,lowerdir=/',
  '40 22 0:35 / /data rw,relatime - xfs /dev/sdb1 rw',
  '41 22 0:36 / /mnt/my\\040dir rw - tmpfs tmpfs rw,size=8192k',
].join('\n');

const state = (fstab: string | undefined, o: { mounted?: string; exists?: boolean } = {}): MountState => ({
  ...hostRead({ '/etc/fstab': fstab }),
  mounts: parseMountinfo(MOUNTINFO + (o.mounted ? `\n50 22 0:40 / ${o.mounted} rw - tmpfs tmpfs rw` : '')),
  pathExists: o.exists ?? true,
});
const plan = (args: Record<string, unknown>, s: MountState) => mount.plan!(mount.args.parse(args), s, { diff: true, now: new Date(0) });

describe('mount: fstab lines', () => {
  const e = { src: '/dev/sdc1', path: '/srv/my data', fstype: 'ext4', opts: 'defaults', dump: '0', passno: '2' };
  test('escapes', () => {
    expect(escapeFstab('a b&c\\d')).toBe('a\\040b\\046c\\134d');
  });
  test('adds at the end, keeping everything else', () => {
    expect(setFstabEntry(FSTAB, e)).toEqual({ text: `${FSTAB}/dev/sdc1 /srv/my\\040data ext4 defaults 0 2\n`, changed: true });
  });
  test('a matching line is rewritten only when a field differs', () => {
    expect(setFstabEntry(FSTAB, { src: '/dev/sdb1', path: '/data', fstype: 'xfs', opts: 'defaults', dump: '0', passno: '0' })).toEqual({ text: FSTAB, changed: false });
    expect(setFstabEntry(FSTAB, { src: '/dev/sdb1', path: '/data', fstype: 'xfs', opts: 'noatime', dump: '0', passno: '0' }).text).toBe('# /etc/fstab\nUUID=1 / ext4 defaults 0 1\n\n/dev/sdb1 /data xfs noatime 0 0\n');
  });
  test('removes', () => {
    expect(unsetFstabEntry(FSTAB, { path: '/data' })).toEqual({ text: '# /etc/fstab\nUUID=1 / ext4 defaults 0 1\n\n', changed: true });
    expect(unsetFstabEntry(FSTAB, { path: '/nope' }).changed).toBe(false);
  });
  test('swap lines are told apart by their source', () => {
    const swaps = 'UUID=a none swap sw 0 0\nUUID=b none swap sw 0 0\n';
    expect(unsetFstabEntry(swaps, { path: 'none', src: 'UUID=b' }).text).toBe('UUID=a none swap sw 0 0\n');
  });
  test('mountinfo: unescaped mount points, the visible mount wins', () => {
    const m = parseMountinfo(MOUNTINFO);
    expect(m.get('/mnt/my dir')).toEqual({ src: 'tmpfs', fstype: 'tmpfs', opts: 'rw' });
    expect(m.get('/data')?.src).toBe('/dev/sdb1');
  });
});

describe('mount: plan (fstab + mount table -> writes and commands)', () => {
  const T = { src: 'tmpfs', fstype: 'tmpfs' };
  const rows: { name: string; args: Record<string, unknown>; s: MountState; commands: string[]; fstab?: string | null }[] = [
    { name: 'mounted, not there: mkdir, fstab, mount', args: { path: '/mnt/t', ...T, state: 'mounted' }, s: state(FSTAB, { exists: false }), commands: ['mkdir -p /mnt/t', 'mount /mnt/t'], fstab: `${FSTAB}tmpfs /mnt/t tmpfs defaults 0 0\n` },
    { name: 'mounted, fstab changed while mounted: remount', args: { path: '/data', src: '/dev/sdb1', fstype: 'xfs', opts: 'noatime', state: 'mounted' }, s: state(FSTAB), commands: ['mount -o remount /data'], fstab: '# /etc/fstab\nUUID=1 / ext4 defaults 0 1\n\n/dev/sdb1 /data xfs noatime 0 0\n' },
    { name: 'mounted and right: ok', args: { path: '/data', src: '/dev/sdb1', fstype: 'xfs', state: 'mounted' }, s: state(FSTAB), commands: [], fstab: null },
    { name: 'another fstab: mount -T', args: { path: '/mnt/t', ...T, state: 'mounted', fstab: '/tmp/fstab' }, s: { ...state(undefined), files: hostRead({ '/tmp/fstab': '' }).files }, commands: ['mount -T /tmp/fstab /mnt/t'] },
    { name: 'boot: false adds noauto', args: { path: '/mnt/t', ...T, state: 'present', boot: false }, s: state(''), commands: [], fstab: 'tmpfs /mnt/t tmpfs defaults,noauto 0 0\n' },
    { name: 'unmounted: umount', args: { path: '/data', state: 'unmounted' }, s: state(FSTAB), commands: ['umount /data'], fstab: null },
    { name: 'unmounted, not mounted: ok', args: { path: '/nope', state: 'unmounted' }, s: state(FSTAB), commands: [], fstab: null },
    { name: 'absent: fstab, umount, rmdir', args: { path: '/data', state: 'absent' }, s: state(FSTAB), commands: ['umount /data', 'rmdir /data'], fstab: '# /etc/fstab\nUUID=1 / ext4 defaults 0 1\n\n' },
    { name: 'absent_mount: keeps the directory', args: { path: '/data', state: 'absent_mount' }, s: state(FSTAB), commands: ['umount /data'], fstab: '# /etc/fstab\nUUID=1 / ext4 defaults 0 1\n\n' },
    { name: 'absent_from_fstab: fstab only', args: { path: '/data', state: 'absent_from_fstab' }, s: state(FSTAB), commands: [], fstab: '# /etc/fstab\nUUID=1 / ext4 defaults 0 1\n\n' },
    { name: 'remounted with options', args: { path: '/data', state: 'remounted', opts: 'ro' }, s: state(FSTAB), commands: ['mount -o remount,ro /data'], fstab: null },
    { name: 'ephemeral: mount -t -o, no fstab', args: { path: '/mnt/e', ...T, opts: 'size=1m', state: 'ephemeral' }, s: state(FSTAB, { exists: false }), commands: ['mkdir -p /mnt/e', 'mount -t tmpfs -o size=1m tmpfs /mnt/e'], fstab: null },
  ];
  test.each(rows)('$name', (row) => {
    const p = plan(row.args, row.s);
    expect(p.failed, p.msg).toBeFalsy();
    expect(plannedCommands(p)).toEqual(row.commands);
    if (row.fstab === null) expect(plannedWrites(p)).toEqual({});
    else if (row.fstab !== undefined) expect(plannedWrites(p)).toEqual({ '/etc/fstab': row.fstab });
  });

  test('src and fstype are required for mounted/present/ephemeral; name is an alias of path', () => {
    expect(mount.args.safeParse({ path: '/x', state: 'mounted' }).success).toBe(false);
    expect(mount.args.parse({ name: '/x', state: 'unmounted' }).path).toBe('/x');
  });

  test('apply: a failed remount falls back to umount + mount', async () => {
    const { result, sent } = await applyScripted(mount, { path: '/data', src: '/dev/sdb1', fstype: 'xfs', opts: 'noatime', state: 'mounted' }, state(FSTAB), [
      { when: 'mount -o remount', rc: 32, stderr: 'mount: /data: mount point not mounted or bad option.\n' },
    ]);
    expect(sent.slice(1)).toEqual(['mount -o remount /data', 'umount /data', 'mount /data']);
    expect(result.failed).toBeFalsy();
  });

  test('apply: a failed mount puts the old fstab back and removes the directory it made', async () => {
    const { result, sent } = await applyScripted(mount, { path: '/mnt/bad', src: '/dev/nope', fstype: 'ext4', state: 'mounted' }, state(FSTAB, { exists: false }), [
      { when: 'mount /mnt/bad', rc: 32, stderr: "mount: /mnt/bad: special device /dev/nope does not exist.\n" },
    ]);
    expect(result).toMatchObject({ failed: true, msg: 'Error mounting /mnt/bad: mount: /mnt/bad: special device /dev/nope does not exist.' });
    // write fstab, mkdir, mount (fails), write the old fstab back, rmdir
    expect(sent.filter((c) => !c.includes('mktemp'))).toEqual(['mkdir -p /mnt/bad', 'mount /mnt/bad', 'rmdir /mnt/bad']);
    expect(sent.filter((c) => c.includes('mktemp'))).toHaveLength(2);
  });
});
