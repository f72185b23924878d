import { z } from 'zod';
import { argv } from '../connection/quote.js';
import { withAliases } from './lib/arg-types.js';
import { applySystemChange, failedPlan, planFile, systemPlan, type FilePart, type HostCommand, type SystemChange } from './lib/system-change.js';
import { OS_RELEASE_IDS, osFamilyFact, osFamilyFromRelease, SYSTEMD_BOOTED } from './lib/system-facts.js';
import { fileText, readHost, type HostRead } from './lib/system-inspect.js';
import {
  hwclockFromAdjtime, setAdjtimeClock, setSysconfigClockZone, validZoneName, ZONEINFO, zoneFromLink, zoneFromSysconfigClock,
} from './lib/timezone-files.js';
import { defineModule } from './types.js';

const fields = z
  .object({
    name: z.string().trim().min(1).optional(),
    hwclock: z.preprocess((v) => (typeof v === 'string' && v.toLowerCase() === 'utc' ? 'UTC' : typeof v === 'string' ? v.toLowerCase() : v), z.enum(['local', 'UTC'])).optional(),
  })
  .strict()
  .refine((a) => a.name !== undefined || a.hwclock !== undefined, { message: 'one of the following is required: name, hwclock' });

export type TimezoneArgs = z.infer<typeof fields>;

const TIMEZONE = '/etc/timezone';
const CLOCK = '/etc/sysconfig/clock';
const ADJTIME = '/etc/adjtime';

export interface TimezoneState extends Pick<HostRead, 'files' | 'umask' | 'user'> {
  /** where /etc/localtime points ('' when it is not a link) */
  localtime: string;
  /** the zone named by the task exists in the zoneinfo database */
  zoneExists: boolean;
  /** timedatectl reached systemd-timedated (over D-Bus) */
  timedatectl: boolean;
  osFamily: string | undefined;
}

/**
 * community.general.timezone. With a working timedatectl: `timedatectl set-timezone` (and
 * set-local-rtc). Otherwise the files, without running dpkg-reconfigure: the /etc/localtime link,
 * /etc/timezone on Debian (or wherever it exists), ZONE= in /etc/sysconfig/clock where that file
 * exists, and /etc/adjtime for hwclock.
 */
export default defineModule<TimezoneArgs, TimezoneState, SystemChange>({
  name: 'timezone',
  args: withAliases({ rtc: 'hwclock' }, fields),
  async inspect(ctx, a) {
    const zone = a.name && validZoneName(a.name) ? `[ -f ${argv([`${ZONEINFO}/${a.name}`])} ]` : 'false';
    const read = await readHost(ctx, {
      files: [TIMEZONE, CLOCK, ADJTIME],
      commands: { localtime: 'readlink /etc/localtime', zone, timedatectl: `${SYSTEMD_BOOTED} && timedatectl show -p Timezone --value`, os: OS_RELEASE_IDS },
    });
    const c = read.commands;
    return {
      files: read.files, umask: read.umask, user: read.user,
      localtime: c.localtime.stdout.trim(),
      zoneExists: c.zone.rc === 0,
      timedatectl: c.timedatectl.rc === 0,
      osFamily: osFamilyFact(ctx.vars) ?? osFamilyFromRelease(c.os.stdout),
    };
  },
  plan(a, current, pctx) {
    if (a.name !== undefined && !current.zoneExists) return failedPlan(`given timezone "${a.name}" is not available`);
    const timezoneText = fileText(current, TIMEZONE);
    const clockText = fileText(current, CLOCK);
    const adjtimeText = fileText(current, ADJTIME);
    const currentName = zoneFromLink(current.localtime) ?? timezoneText?.trim() ?? zoneFromSysconfigClock(clockText) ?? 'n/a';
    const currentClock = hwclockFromAdjtime(adjtimeText);
    const parts: FilePart[] = [];
    const commands: HostCommand[] = [];
    const before: Record<string, string> = {};
    const after: Record<string, string> = {};
    if (a.name !== undefined) {
      before.name = currentName;
      after.name = a.name;
      const target = `${ZONEINFO}/${a.name}`;
      if (current.timedatectl) {
        if (currentName !== a.name) commands.push({ argv: ['timedatectl', 'set-timezone', a.name], what: 'Error setting timezone', effect: { path: '/etc/localtime', kind: 'link', target } });
      } else {
        if (zoneFromLink(current.localtime) !== a.name) {
          commands.push({ argv: ['ln', '-sfn', target, '/etc/localtime'], what: 'Error linking /etc/localtime', effect: { path: '/etc/localtime', kind: 'link', target } });
        }
        if (clockText !== undefined && zoneFromSysconfigClock(clockText) !== a.name) parts.push(planFile(current, CLOCK, setSysconfigClockZone(clockText, a.name), pctx));
      }
      // Debian's tools still read /etc/timezone (Debian's timedated keeps it in sync too)
      const debian = current.osFamily === 'Debian' || timezoneText !== undefined;
      if (debian && timezoneText?.trim() !== a.name) parts.push(planFile(current, TIMEZONE, `${a.name}\n`, pctx));
    }
    if (a.hwclock !== undefined) {
      before.hwclock = currentClock;
      after.hwclock = a.hwclock;
      if (currentClock !== a.hwclock) {
        if (current.timedatectl) commands.push({ argv: ['timedatectl', 'set-local-rtc', a.hwclock === 'local' ? '1' : '0'], what: 'Error setting hwclock' });
        else parts.push(planFile(current, ADJTIME, setAdjtimeClock(adjtimeText, a.hwclock), pctx));
      }
    }
    const fileDiffs = parts.flatMap((p) => p.diff ?? []);
    for (const p of parts) delete p.diff;
    const changed = commands.length > 0 || parts.some((p) => p.changed);
    // Ansible's diff is {before: {name}, after: {name}}: shown as "key: value" lines, then the files
    const render = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `${k}: ${v}\n`).join('');
    if (changed) parts.push({ changed: true, diff: [{ before: render(before), after: render(after), beforeHeader: 'timezone', afterHeader: 'timezone' }, ...fileDiffs] });
    return systemPlan(parts, commands, { ...(a.name !== undefined ? { name: a.name } : {}), ...(a.hwclock !== undefined ? { hwclock: a.hwclock } : {}) });
  },
  apply: (ctx, _a, plan) => applySystemChange(ctx, plan.data!),
});
