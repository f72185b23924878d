/**
 * Archive formats and member listings for unarchive: the format from the first bytes, and the
 * members from `tar -tv` / `zipinfo` output (run with TZ=UTC, so times read as UTC).
 */

export type ArchiveFormat = 'zip' | 'tar' | 'gz' | 'bz2' | 'xz' | 'zst';

/** Ansible's handler names, reported as `handler`. */
export const HANDLER: Record<ArchiveFormat, string> = {
  zip: 'ZipArchive', tar: 'TarArchive', gz: 'TgzArchive', bz2: 'TarBzipArchive', xz: 'TarXzArchive', zst: 'TarZstdArchive',
};

/** The program a format needs on the host besides tar (GNU tar calls the decompressor). */
export const DECOMPRESSOR: Partial<Record<ArchiveFormat, string>> = { zip: 'unzip', bz2: 'bzip2', xz: 'xz', zst: 'zstd' };

/** The format from the first 262+ bytes; undefined when it is none we handle. */
export function formatFromMagic(head: Buffer): ArchiveFormat | undefined {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06)) return 'zip';
  if (starts(0x1f, 0x8b)) return 'gz';
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
  if (starts(0x42, 0x5a, 0x68)) return 'bz2';
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return 'zst';
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  return undefined;
}

/** One archive member as the comparison needs it. Paths are relative to dest, without ./ or a trailing /. */
export interface ArchiveMember {
  path: string;
  type: 'file' | 'directory' | 'link' | 'hardlink' | 'other';
  /** four-digit octal; undefined when the archive does not carry Unix permissions */
  mode?: string;
  size: number;
  /** seconds since the epoch, as listed in UTC */
  mtime: number;
  /** for symlinks (tar only: zip listings do not show it) */
  linkTarget?: string;
  /** zip entries without an extended timestamp are in the host's local time: see compare */
  localTime?: boolean;
}

/** `drwsr-xr-x` -> '4755'. */
export function permsToMode(perms: string): string | undefined {
  if (!/^[-dlhcbps][-r][-w][-xsS][-r][-w][-xsS][-r][-w][-xtT]$/.test(perms)) return undefined;
  let bits = 0;
  const p = perms.slice(1);
  const on = (i: number, ch: string) => p[i] === ch;
  if (on(0, 'r')) bits |= 0o400;
  if (on(1, 'w')) bits |= 0o200;
  if ('xs'.includes(p[2])) bits |= 0o100;
  if ('sS'.includes(p[2])) bits |= 0o4000;
  if (on(3, 'r')) bits |= 0o40;
  if (on(4, 'w')) bits |= 0o20;
  if ('xs'.includes(p[5])) bits |= 0o10;
  if ('sS'.includes(p[5])) bits |= 0o2000;
  if (on(6, 'r')) bits |= 0o4;
  if (on(7, 'w')) bits |= 0o2;
  if ('xt'.includes(p[8])) bits |= 0o1;
  if ('tT'.includes(p[8])) bits |= 0o1000;
  return bits.toString(8).padStart(4, '0');
}

/** './a/b/' -> 'a/b'; './' -> '.' (dest itself). */
export function memberPath(name: string): string {
  const p = name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return p === '' || p === '.' ? '.' : p;
}

const TAR_LINE = /^(\S{10})\s+\S+\s+(\d+|\d+,\s*\d+)\s+(\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?)\s(.*)$/;

/** `tar --numeric-owner --full-time --quoting-style=literal -tv` output (TZ=UTC). */
export function parseTarListing(text: string): ArchiveMember[] {
  const out: ArchiveMember[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = TAR_LINE.exec(line);
    if (!m) throw new Error(`unexpected tar listing line: ${line}`);
    const [, perms, size, time, rest] = m;
    const kind = perms[0];
    let name = rest;
    let linkTarget: string | undefined;
    const type: ArchiveMember['type'] = kind === '-' ? 'file' : kind === 'd' ? 'directory' : kind === 'l' ? 'link' : kind === 'h' ? 'hardlink' : 'other';
    if (type === 'link') [name, linkTarget] = splitOnce(rest, ' -> ');
    if (type === 'hardlink') [name] = splitOnce(rest, ' link to ');
    out.push({
      path: memberPath(name), type, mode: permsToMode(perms), size: /,/.test(size) ? 0 : Number(size),
      mtime: Date.parse(`${time.replace(' ', 'T')}${time.length === 16 ? ':00' : ''}Z`) / 1000,
      ...(linkTarget !== undefined ? { linkTarget } : {}),
    });
  }
  return out;
}

const ZIP_LINE = /^(\S+)\s+\S+\s+(\S+)\s+(\d+)\s+\S+\s+\S+\s+(\d{8}\.\d{6})\s(.*)$/;

/**
 * `zipinfo -T -s` output (TZ=UTC). Entries made on non-Unix systems carry no permissions; all
 * are marked localTime because zipinfo does not say which entries have an extended (UTC) timestamp.
 */
export function parseZipListing(text: string): ArchiveMember[] {
  const out: ArchiveMember[] = [];
  for (const line of text.split('\n')) {
    const m = ZIP_LINE.exec(line);
    if (!m) continue;
    const [, perms, os, size, t, name] = m;
    const kind = perms[0];
    const unix = os === 'unx';
    const type: ArchiveMember['type'] = name.endsWith('/') || kind === 'd' ? 'directory' : kind === 'l' ? 'link' : 'file';
    const iso = `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(9, 11)}:${t.slice(11, 13)}:${t.slice(13, 15)}Z`;
    // unzip restores set-id and sticky bits only with -K: compare what it actually writes
    const mode = unix ? permsToMode(perms) : undefined;
    out.push({ path: memberPath(name), type, mode: mode && (parseInt(mode, 8) & 0o777).toString(8).padStart(4, '0'), size: Number(size), mtime: Date.parse(iso) / 1000, localTime: true });
  }
  return out;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + sep.length)];
}
