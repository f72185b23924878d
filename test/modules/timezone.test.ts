import { describe, expect, test } from 'vitest';
import { hwclockFromAdjtime, setAdjtimeClock, setSysconfigClockZone, validZoneName, zoneFromLink } from '../../src/modules/lib/timezone-files.js';
import timezone, { type TimezoneState } from '../../src/modules/timezone.js';
import { hostRead, plannedCommands, plannedWrites } from './system-doubles.js';

const state = (o: Omit<Partial<TimezoneState>, 'files'> & { files?: Record<string, string | undefined> }): TimezoneState => ({
  ...hostRead({ '/etc/timezone': undefined, '/etc/sysconfig/clock': undefined, '/etc/adjtime': undefined, ...o.files }),
  localtime: o.localtime ?? '/usr/share/zoneinfo/Etc/UTC',
  zoneExists: o.zoneExists ?? true,
  timedatectl: o.timedatectl ?? false,
  osFamily: o.osFamily,
});
const plan = (args: Record<string, unknown>, s: TimezoneState) => timezone.plan!(timezone.args.parse(args), s, { diff: true, now: new Date(0) });

describe('timezone: files', () => {
  test('zone names', () => {
    expect(['Asia/Shanghai', 'Etc/GMT+8', 'UTC', 'America/Argentina/Buenos_Aires'].every(validZoneName)).toBe(true);
    expect(['../etc/passwd', '/Asia/Shanghai', 'Asia//X', 'a b', ''].some(validZoneName)).toBe(false);
    expect(zoneFromLink('../usr/share/zoneinfo/Europe/Paris')).toBe('Europe/Paris');
    expect(zoneFromLink('/usr/share/zoneinfo/posix/Asia/Tokyo')).toBe('Asia/Tokyo');
    expect(zoneFromLink('')).toBeUndefined();
  });
  test('sysconfig/clock and adjtime', () => {
    expect(setSysconfigClockZone('ZONE="UTC"\nUTC=true\n', 'Asia/Shanghai')).toBe('ZONE="Asia/Shanghai"\nUTC=true\n');
    expect(hwclockFromAdjtime('0.0 0 0.0\n0\nLOCAL\n')).toBe('local');
    expect(hwclockFromAdjtime(undefined)).toBe('UTC');
    expect(setAdjtimeClock(undefined, 'local')).toBe('0.0 0 0.0\n0\nLOCAL\n');
    expect(setAdjtimeClock('1.5 2 3\n4\nLOCAL\n', 'UTC')).toBe('1.5 2 3\n4\nUTC\n');
  });
});

describe('timezone: plan', () => {
  const L = '/usr/share/zoneinfo/Asia/Shanghai';
  const rows: { name: string; args: Record<string, unknown>; state: TimezoneState; writes: Record<string, string>; commands: string[] }[] = [
    { name: 'timedatectl works: set-timezone', args: { name: 'Asia/Shanghai' }, state: state({ timedatectl: true }), writes: {}, commands: ['timedatectl set-timezone Asia/Shanghai'] },
    { name: 'timedatectl works, zone right: nothing', args: { name: 'Asia/Shanghai' }, state: state({ timedatectl: true, localtime: L }), writes: {}, commands: [] },
    { name: 'timedatectl on Debian: /etc/timezone kept in sync', args: { name: 'Asia/Shanghai' }, state: state({ timedatectl: true, osFamily: 'Debian', files: { '/etc/timezone': 'Etc/UTC\n' } }), writes: { '/etc/timezone': 'Asia/Shanghai\n' }, commands: ['timedatectl set-timezone Asia/Shanghai'] },
    { name: 'Debian without timedated: link + /etc/timezone', args: { name: 'Asia/Shanghai' }, state: state({ osFamily: 'Debian', files: { '/etc/timezone': 'Etc/UTC\n' } }), writes: { '/etc/timezone': 'Asia/Shanghai\n' }, commands: [`ln -sfn ${L} /etc/localtime`] },
    { name: 'Debian, link right, /etc/timezone stale', args: { name: 'Asia/Shanghai' }, state: state({ osFamily: 'Debian', localtime: L, files: { '/etc/timezone': 'Etc/UTC\n' } }), writes: { '/etc/timezone': 'Asia/Shanghai\n' }, commands: [] },
    { name: 'EL6: link + ZONE=', args: { name: 'Asia/Shanghai' }, state: state({ osFamily: 'RedHat', files: { '/etc/sysconfig/clock': 'ZONE="UTC"\n' } }), writes: { '/etc/sysconfig/clock': 'ZONE="Asia/Shanghai"\n' }, commands: [`ln -sfn ${L} /etc/localtime`] },
    { name: 'EL7 without timedated: link only', args: { name: 'Asia/Shanghai' }, state: state({ osFamily: 'RedHat' }), writes: {}, commands: [`ln -sfn ${L} /etc/localtime`] },
    { name: 'hwclock with timedatectl', args: { hwclock: 'local' }, state: state({ timedatectl: true }), writes: {}, commands: ['timedatectl set-local-rtc 1'] },
    { name: 'hwclock without: /etc/adjtime', args: { rtc: 'local' }, state: state({}), writes: { '/etc/adjtime': '0.0 0 0.0\n0\nLOCAL\n' }, commands: [] },
  ];
  test.each(rows)('$name', (row) => {
    const p = plan(row.args, row.state);
    expect(p.failed).toBeFalsy();
    expect(plannedWrites(p)).toEqual(row.writes);
    expect(plannedCommands(p)).toEqual(row.commands);
    expect(p.changed).toBe(row.commands.length + Object.keys(row.writes).length > 0);
  });

  test('diff {before: {name}, after: {name}} as "key: value" lines', () => {
    const p = plan({ name: 'Asia/Shanghai' }, state({ timedatectl: true }));
    expect(p.diff?.[0]).toEqual({ before: 'name: Etc/UTC\n', after: 'name: Asia/Shanghai\n', beforeHeader: 'timezone', afterHeader: 'timezone' });
  });

  test('an unknown zone fails; name or hwclock is required', () => {
    expect(plan({ name: 'Mars/Base' }, state({ zoneExists: false }))).toMatchObject({ failed: true, msg: 'given timezone "Mars/Base" is not available' });
    expect(timezone.args.safeParse({}).success).toBe(false);
    expect(timezone.args.parse({ hwclock: 'UTC' }).hwclock).toBe('UTC');
  });
});
