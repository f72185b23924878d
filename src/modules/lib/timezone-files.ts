/**
 * The files that name the timezone on hosts without a working timedatectl, read and written
 * purely: /etc/localtime (a link into the zoneinfo database), Debian's /etc/timezone, EL6's
 * /etc/sysconfig/clock, and /etc/adjtime for the hardware clock.
 */

export const ZONEINFO = '/usr/share/zoneinfo';

/** A zone name as the database spells it: no `..`, no leading slash, nothing to escape. */
export function validZoneName(name: string): boolean {
  return /^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(name) && !name.split('/').includes('..');
}

/** The zone a /etc/localtime link points to (absolute or relative), or undefined. */
export function zoneFromLink(target: string | undefined): string | undefined {
  if (!target) return undefined;
  const at = target.indexOf('zoneinfo/');
  if (at < 0) return undefined;
  // Debian's "posix/" and "right/" trees hold the same zones
  return target.slice(at + 'zoneinfo/'.length).replace(/^(posix|right)\//, '');
}

/** ZONE="Asia/Shanghai" from /etc/sysconfig/clock. */
export function zoneFromSysconfigClock(text: string | undefined): string | undefined {
  const m = text === undefined ? null : /^ZONE=(.*)$/m.exec(text);
  return m ? m[1].trim().replace(/^["']|["']$/g, '') : undefined;
}

export function setSysconfigClockZone(text: string, name: string): string {
  const line = `ZONE="${name}"`;
  if (/^ZONE=.*$/m.test(text)) return text.replace(/^ZONE=.*$/m, line);
  return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`;
}

/** /etc/adjtime's third line: LOCAL or UTC (UTC when the file is missing, as hwclock assumes). */
export function hwclockFromAdjtime(text: string | undefined): 'local' | 'UTC' {
  return text?.split('\n')[2]?.trim() === 'LOCAL' ? 'local' : 'UTC';
}

export function setAdjtimeClock(text: string | undefined, clock: 'local' | 'UTC'): string {
  const lines = (text ?? '0.0 0 0.0\n0\nUTC\n').replace(/\n$/, '').split('\n');
  while (lines.length < 3) lines.push(lines.length === 0 ? '0.0 0 0.0' : '0');
  lines[2] = clock === 'local' ? 'LOCAL' : 'UTC';
  return `${lines.join('\n')}\n`;
}
