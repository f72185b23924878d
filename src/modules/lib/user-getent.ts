/**
 * Parsers for the account databases as `getent` prints them (passwd, group, shadow): the user and
 * group modules read the host's state through these, so `plan` works on plain records.
 */
import type { GroupEffect } from '../types.js';

/** One `getent passwd` line. */
export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
}

/** One `getent group` line. */
export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** One `getent shadow` line (the fields the user module compares). */
export interface ShadowEntry {
  name: string;
  /** the crypted hash, `!` or `*` prefixes included */
  hash: string;
  /** account expiry in days since 1970-01-01; -1 when unset */
  expireDays: number;
}

export function parsePasswdLine(line: string): PasswdEntry | undefined {
  const f = line.split(':');
  if (f.length < 7 || f[0] === '') return undefined;
  return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), comment: f[4], home: f[5], shell: f.slice(6).join(':') };
}

export function parseGroupLine(line: string): GroupEntry | undefined {
  const f = line.split(':');
  if (f.length < 4 || f[0] === '') return undefined;
  return { name: f[0], gid: Number(f[2]), members: f[3] === '' ? [] : f[3].split(',') };
}

export function parseShadowLine(line: string): ShadowEntry | undefined {
  const f = line.split(':');
  if (f.length < 8 || f[0] === '') return undefined;
  return { name: f[0], hash: f[1], expireDays: f[7] === '' ? -1 : Number(f[7]) };
}

/** All records of a `getent group` listing. */
export function parseGroupDb(text: string): GroupEntry[] {
  return text.split('\n').map(parseGroupLine).filter((g): g is GroupEntry => g !== undefined);
}

/**
 * The host's groups as earlier check-mode tasks would leave them: predicted groups added (their
 * number unknown, NaN, unless the task gave one), removed ones dropped.
 */
export function withPredictedGroups(db: readonly GroupEntry[], predicted: readonly GroupEffect[]): GroupEntry[] {
  let out = [...db];
  for (const p of predicted) {
    const have = out.find((g) => g.name === p.name);
    if (!p.present) out = out.filter((g) => g.name !== p.name);
    else if (!have) out.push({ name: p.name, gid: p.gid ?? NaN, members: [] });
    else if (p.gid !== undefined) out = out.map((g) => (g === have ? { ...g, gid: p.gid! } : g));
  }
  return out;
}

/** A group given by name or number, looked up in a listing. */
export function findGroup(db: readonly GroupEntry[], nameOrGid: string): GroupEntry | undefined {
  if (/^\d+$/.test(nameOrGid)) return db.find((g) => g.gid === Number(nameOrGid)) ?? db.find((g) => g.name === nameOrGid);
  return db.find((g) => g.name === nameOrGid);
}
