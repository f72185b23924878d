import { posix } from 'node:path';
import { findGroup, type GroupEntry, type PasswdEntry, type ShadowEntry } from './user-getent.js';

/** The user module's arguments after validation (Ansible's names). */
export interface UserArgs {
  name: string;
  state: 'present' | 'absent';
  uid?: number;
  group?: string;
  /** comma-joined as Ansible does; '' asks for no supplementary groups */
  groups?: string;
  append: boolean;
  comment?: string;
  home?: string;
  create_home: boolean;
  move_home: boolean;
  shell?: string;
  system: boolean;
  password?: string;
  update_password: 'always' | 'on_create';
  remove: boolean;
  force: boolean;
  /** seconds since the epoch; negative removes the expiry */
  expires?: number;
  password_lock?: boolean;
  generate_ssh_key: boolean;
  ssh_key_bits: number;
  ssh_key_type: string;
  ssh_key_file?: string;
  ssh_key_comment?: string;
  non_unique: boolean;
  skeleton?: string;
  umask?: string;
}

/** What the host has, read in one round trip. */
export interface UserCurrent {
  passwd?: PasswdEntry;
  shadow?: ShadowEntry;
  groups: GroupEntry[];
  hostname: string;
  /** whether the home directory (desired, else current) exists */
  homeExists: boolean;
  /** the ssh key file (resolved against the home), when generate_ssh_key */
  sshKey?: { path: string; exists: boolean; publicKey?: string };
}

/**
 * One step of the change: a command (whose `stdin` carries secrets, a password hash, out of argv),
 * or one of the two small shell recipes Ansible implements in Python (home from the skeleton, .ssh).
 */
export type UserStep =
  | { argv: string[]; stdin?: string }
  | { createHome: { home: string; skeleton: string; user: string } }
  | { sshDir: { dir: string; user: string } };

export interface UserPlanData {
  /** shell fragments already quoted, run in order with && (see userScript) */
  steps: UserStep[];
  sshKeyPath?: string;
}

export interface UserPlanOut {
  changed: boolean;
  failed?: boolean;
  msg?: string;
  data: UserPlanData;
  result: Record<string, unknown>;
}

/** `useradd -D` default: where a new user's home goes when `home` is not given. */
export function defaultHome(name: string): string {
  return `/home/${name}`;
}

/** Ansible's groups argument as a set of names (empty entries dropped). */
export function groupList(groups: string | undefined): string[] {
  if (groups === undefined) return [];
  return [...new Set(groups.split(',').map((g) => g.trim()).filter(Boolean))];
}

/** The date useradd -e takes, from epoch seconds (UTC, as Ansible's time.gmtime). */
export function expiryDate(expires: number): string {
  return new Date(Math.floor(expires) * 1000).toISOString().slice(0, 10);
}

/** The ssh key file: relative paths are below the home directory (Ansible's default .ssh/id_TYPE). */
export function sshKeyPath(a: Pick<UserArgs, 'ssh_key_file' | 'ssh_key_type'>, home: string): string {
  const file = a.ssh_key_file ?? `.ssh/id_${a.ssh_key_type}`;
  return file.startsWith('/') ? file : posix.join(home, file);
}

const fail = (msg: string, result: Record<string, unknown>): UserPlanOut => ({ changed: false, failed: true, msg, data: { steps: [] }, result });

/**
 * Pure: desired account vs the host's records -> the useradd / usermod / userdel / chpasswd steps,
 * following Ansible's Linux implementation (create_user_useradd, modify_user_usermod).
 */
export function planUser(a: UserArgs, cur: UserCurrent): UserPlanOut {
  const result: Record<string, unknown> = { name: a.name, state: a.state };
  const steps: UserStep[] = [];
  if (a.state === 'absent') {
    if (!cur.passwd) return { changed: false, data: { steps }, result };
    steps.push({ argv: ['userdel', ...(a.force ? ['-f'] : []), ...(a.remove ? ['-r'] : []), a.name] });
    return { changed: true, data: { steps }, result: { ...result, force: a.force, remove: a.remove } };
  }

  if (a.password !== undefined) result.password = 'NOT_LOGGING_PASSWORD';
  if (a.groups !== undefined) result.groups = a.groups;
  if (a.group !== undefined && !findGroup(cur.groups, a.group)) return fail(`Group ${a.group} does not exist`, result);
  const wanted = groupList(a.groups);
  for (const g of wanted) if (!findGroup(cur.groups, g)) return fail(`Group ${g} does not exist`, result);
  // names, not numbers, are what /etc/group member lists are compared by
  const wantedNames = wanted.map((g) => findGroup(cur.groups, g)!.name);

  const e = cur.passwd;
  const lockedHash = (hash: string) => (a.password_lock ? `!${hash}` : hash);
  if (!e) {
    const cmd = ['useradd'];
    if (a.uid !== undefined) cmd.push('-u', String(a.uid), ...(a.non_unique ? ['-o'] : []));
    if (a.group !== undefined) cmd.push('-g', a.group);
    // a group named like the user exists already: useradd would fail trying to create it
    else if (cur.groups.some((g) => g.name === a.name)) cmd.push('-N');
    if (wanted.length) cmd.push('-G', wanted.join(','));
    if (a.comment !== undefined) cmd.push('-c', a.comment);
    if (a.home !== undefined) {
      // useradd -m cannot create missing parents; Ansible creates them first
      if (a.create_home) steps.push({ argv: ['mkdir', '-p', '--', posix.dirname(a.home)] });
      cmd.push('-d', a.home);
    }
    if (a.shell !== undefined) cmd.push('-s', a.shell);
    if (a.expires !== undefined) cmd.push('-e', a.expires < 0 ? '' : expiryDate(a.expires));
    if (a.create_home) {
      cmd.push('-m');
      if (a.skeleton !== undefined) cmd.push('-k', a.skeleton);
      if (a.umask !== undefined) cmd.push('-K', `UMASK=${a.umask}`);
    } else cmd.push('-M');
    if (a.system) cmd.push('-r');
    cmd.push(a.name);
    steps.push({ argv: cmd });
    if (a.password !== undefined) steps.push({ argv: ['chpasswd', '-e'], stdin: `${a.name}:${lockedHash(a.password)}\n` });
    else if (a.password_lock) steps.push({ argv: ['usermod', '-L', a.name] });
    const home = a.home ?? defaultHome(a.name);
    const sshPath = a.generate_ssh_key ? sshKeyPath(a, home) : undefined;
    if (sshPath) steps.push(...sshKeySteps(a, cur, sshPath));
    return { changed: true, data: { steps, sshKeyPath: sshPath }, result: { ...result, system: a.system, create_home: a.create_home } };
  }

  // modify, as modify_user_usermod
  const cmd = ['usermod'];
  if (a.uid !== undefined && e.uid !== a.uid) cmd.push('-u', String(a.uid), ...(a.non_unique ? ['-o'] : []));
  if (a.group !== undefined) {
    const g = findGroup(cur.groups, a.group)!;
    if (e.gid !== g.gid) cmd.push('-g', String(g.gid));
  }
  if (a.groups !== undefined) {
    const current = cur.groups.filter((g) => g.members.includes(a.name)).map((g) => g.name);
    const diff = symmetricDifference(current, wantedNames);
    let need = false;
    if (wanted.length === 0) need = current.length > 0 && !a.append;
    else if (diff.length) need = a.append ? wantedNames.some((g) => diff.includes(g)) : true;
    if (need) cmd.push(...(a.append ? ['-a'] : []), '-G', wanted.join(','));
  }
  if (a.comment !== undefined && e.comment !== a.comment) cmd.push('-c', a.comment);
  if (a.home !== undefined && e.home !== a.home) cmd.push('-d', a.home, ...(a.move_home ? ['-m'] : []));
  if (a.shell !== undefined && e.shell !== a.shell) cmd.push('-s', a.shell);
  if (a.expires !== undefined) {
    const currentDays = cur.shadow?.expireDays ?? -1;
    if (a.expires < 0) {
      if (currentDays >= 0) cmd.push('-e', '');
    } else if (currentDays < 0 || expiryDate(currentDays * 86400) !== expiryDate(a.expires)) cmd.push('-e', expiryDate(a.expires));
  }
  const hash = cur.shadow?.hash ?? '';
  const setPassword = a.update_password === 'always' && a.password !== undefined && hash.replace(/^!+/, '') !== a.password.replace(/^!+/, '');
  if (!setPassword) {
    if (a.password_lock === true && !hash.startsWith('!')) cmd.push('-L');
    else if (a.password_lock === false && hash.startsWith('!')) cmd.push('-U');
  }
  if (cmd.length > 1) steps.push({ argv: [...cmd, a.name] });
  if (setPassword) steps.push({ argv: ['chpasswd', '-e'], stdin: `${a.name}:${lockedHash(a.password!)}\n` });

  const home = a.home ?? e.home;
  if (a.create_home && !cur.homeExists && !(a.home !== undefined && a.move_home && e.home !== a.home)) {
    steps.push({ createHome: { home, skeleton: a.skeleton ?? '/etc/skel', user: a.name } });
  }
  const sshPath = a.generate_ssh_key ? sshKeyPath(a, home) : undefined;
  if (sshPath) steps.push(...sshKeySteps(a, cur, sshPath));
  return { changed: steps.length > 0, data: { steps, sshKeyPath: sshPath }, result: { ...result, append: a.append, move_home: a.move_home } };
}

/** ssh-keygen for the user unless the key exists (Ansible keeps an existing key). */
function sshKeySteps(a: UserArgs, cur: UserCurrent, path: string): UserStep[] {
  if (cur.sshKey?.exists && cur.sshKey.path === path) return [];
  const comment = a.ssh_key_comment ?? `ansible-generated on ${cur.hostname}`;
  const keygen = ['ssh-keygen', '-q', '-t', a.ssh_key_type, ...(a.ssh_key_bits > 0 ? ['-b', String(a.ssh_key_bits)] : []), '-C', comment, '-f', path, '-N', ''];
  return [{ sshDir: { dir: posix.dirname(path), user: a.name } }, { argv: keygen }, { argv: ['chown', `${a.name}:`, '--', path, `${path}.pub`] }];
}

function symmetricDifference(x: readonly string[], y: readonly string[]): string[] {
  return [...x.filter((v) => !y.includes(v)), ...y.filter((v) => !x.includes(v))];
}
