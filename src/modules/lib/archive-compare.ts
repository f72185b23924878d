import { applySymbolicMode, isSymbolicMode } from './file-state.js';
import type { ArchiveMember } from './archive-list.js';
import { fnmatch } from '../../util/fnmatch.js';

/** A path under dest as `stat` reports it (relative path, as sent). */
export interface DestEntry {
  path: string;
  type: 'file' | 'directory' | 'link' | 'other';
  mode: string;
  size: number;
  mtime: number;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  linkTarget?: string;
}

export interface CompareOptions {
  /** normalised desired mode (octal or symbolic): replaces the archive's mode in the comparison */
  mode?: string;
  owner?: string;
  group?: string;
  keepNewer: boolean;
  /** the host's UTC offset in seconds: zip times without a UTC stamp are extracted as local time */
  hostUtcOffset: number;
}

/** One member that extraction would change, and why. */
export interface MemberDifference {
  path: string;
  reasons: string[];
}

/**
 * Pure: which members are missing or differ in dest (type, size, mtime, mode, link target, and
 * owner/group when asked for), in the spirit of Ansible's `tar --diff` / zip comparison.
 * Directory mtimes are not compared: extracting other members changes them anyway.
 */
export function compareMembers(members: readonly ArchiveMember[], dest: ReadonlyMap<string, DestEntry>, o: CompareOptions): MemberDifference[] {
  const out: MemberDifference[] = [];
  for (const m of members) {
    const d = dest.get(m.path);
    const reasons: string[] = [];
    if (!d) {
      out.push({ path: m.path, reasons: ['missing'] });
      continue;
    }
    const wantType = m.type === 'hardlink' ? 'file' : m.type;
    if (wantType !== 'other' && d.type !== wantType) reasons.push(`type ${d.type} != ${wantType}`);
    else {
      if (m.type === 'file') {
        if (d.size !== m.size) reasons.push('size');
        if (!sameTime(d.mtime, m, o.hostUtcOffset) && !(o.keepNewer && d.mtime > m.mtime)) reasons.push('mtime');
      }
      if (m.type === 'link' && m.linkTarget !== undefined && d.linkTarget !== m.linkTarget) reasons.push('link target');
      if (m.type !== 'link') {
        const want = o.mode !== undefined ? (isSymbolicMode(o.mode) ? applySymbolicMode(m.mode ?? d.mode, o.mode, m.type === 'directory') : o.mode) : m.mode;
        if (want !== undefined && want !== d.mode) reasons.push(`mode ${d.mode} != ${want}`);
      }
      if (o.owner !== undefined && !sameId(o.owner, d.owner, d.uid)) reasons.push('owner');
      if (o.group !== undefined && !sameId(o.group, d.group, d.gid)) reasons.push('group');
    }
    if (reasons.length) out.push({ path: m.path, reasons });
  }
  return out;
}

function sameTime(destMtime: number, m: ArchiveMember, offset: number): boolean {
  const t = Math.floor(destMtime);
  if (t === m.mtime) return true;
  return m.localTime === true && t === m.mtime - offset;
}

function sameId(want: string, name: string, id: number): boolean {
  return /^\d+$/.test(want) ? Number(want) === id : want === name;
}


/** The members extraction touches: include (if any) and not exclude, matched on the listed name. */
export function selectMembers(members: readonly ArchiveMember[], include: readonly string[], exclude: readonly string[]): ArchiveMember[] {
  return members.filter((m) => (include.length === 0 || include.some((p) => fnmatch(m.path, p.replace(/\/$/, '')))) && !exclude.some((p) => fnmatch(m.path, p.replace(/\/$/, ''))));
}

/** Parses `stat --printf '%F|%a|%s|%Y|%u|%g|%U|%G|%n\0%N\0'` (QUOTING_STYLE=literal) records. */
export function parseDestStat(out: string): Map<string, DestEntry> {
  const map = new Map<string, DestEntry>();
  const recs = out.split('\0');
  for (let i = 0; i + 1 < recs.length; i += 2) {
    const f = recs[i].split('|');
    if (f.length < 9) continue;
    const [kind, mode, size, mtime, uid, gid, owner, group] = f;
    const path = f.slice(8).join('|');
    const type: DestEntry['type'] = kind.startsWith('regular') ? 'file' : kind === 'directory' ? 'directory' : kind === 'symbolic link' ? 'link' : 'other';
    const e: DestEntry = { path, type, mode: mode.padStart(4, '0'), size: Number(size), mtime: Number(mtime), uid: Number(uid), gid: Number(gid), owner, group };
    if (type === 'link') {
      const arrow = recs[i + 1].indexOf(' -> ');
      if (arrow >= 0) e.linkTarget = recs[i + 1].slice(arrow + 4);
    }
    map.set(path, e);
  }
  return map;
}
