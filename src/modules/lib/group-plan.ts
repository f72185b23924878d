import type { GroupEntry } from './user-getent.js';

/** The group module's arguments after validation. */
export interface GroupArgs {
  name: string;
  state: 'present' | 'absent';
  gid?: number;
  system: boolean;
  local: boolean;
  non_unique: boolean;
  force: boolean;
}

/** What the host has: the group's record, if any. */
export interface GroupCurrent {
  entry?: GroupEntry;
}

export interface GroupPlanOut {
  changed: boolean;
  /** argv of the one command that makes the change */
  command?: string[];
  /** the gid the group will have (undefined when absent, or not yet known before groupadd picks one) */
  gid?: number;
}

/** Pure: desired group vs the host's record -> the groupadd / groupmod / groupdel argv. */
export function planGroup(a: GroupArgs, cur: GroupCurrent): GroupPlanOut {
  const e = cur.entry;
  if (a.state === 'absent') {
    if (!e) return { changed: false };
    return { changed: true, command: ['groupdel', ...(a.force ? ['-f'] : []), a.name] };
  }
  if (!e) {
    const cmd = ['groupadd'];
    if (a.gid !== undefined) cmd.push('-g', String(a.gid));
    if (a.non_unique) cmd.push('-o');
    if (a.system) cmd.push('-r');
    cmd.push(a.name);
    return { changed: true, command: cmd, gid: a.gid };
  }
  if (a.gid !== undefined && a.gid !== e.gid) {
    return { changed: true, command: ['groupmod', '-g', String(a.gid), ...(a.non_unique ? ['-o'] : []), a.name], gid: a.gid };
  }
  return { changed: false, gid: e.gid };
}
