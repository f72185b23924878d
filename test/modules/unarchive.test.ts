import { describe, expect, it } from 'vitest';
import { fnmatch } from '../../src/util/fnmatch.js';
import { compareMembers, parseDestStat, selectMembers, type CompareOptions, type DestEntry } from '../../src/modules/lib/archive-compare.js';
import { formatFromMagic, parseTarListing, parseZipListing, permsToMode, type ArchiveMember } from '../../src/modules/lib/archive-list.js';
import unarchive from '../../src/modules/unarchive.js';

// recorded with TZ=UTC: tar --numeric-owner --full-time --quoting-style=literal -tvf, and unzip -Z -T -s
const TAR = `drwxr-xr-x 0/0               0 2026-11-22 07:41:05 ./
-rwsr-xr-x 0/0               2 2026-11-22 07:41:05 ./h
lrwxrwxrwx 0/0               0 2026-11-22 07:41:05 ./l -> a
hrwsr-xr-x 0/0               0 2026-11-22 07:41:05 ./a link to ./h
drwxr-xr-x 1000/1000         0 2026-11-22 07:41:05 ./d x/
-rw-r--r-- 0/0               3 2026-11-22 07:41:05 ./d x/f 1.txt
crw-rw-rw- 0/0            1,3 2026-11-22 07:41:05 ./null
`;
const ZIP = `Archive:  z.zip
Zip file size: 706 bytes, number of entries: 4
-rwsr-xr-x  3.0 unx        2 tx stor 20261122.074105 h
lrwxrwxrwx  3.0 unx        1 bx stor 20261122.074105 l
drwxr-xr-x  3.0 unx        0 bx stor 20261122.074105 d x/
-rw-a--     2.0 fat        3 t- defN 20261122.074104 d x/f 1.txt
4 files, 8 bytes uncompressed, 8 bytes compressed:  0.0%
`;
const T = Date.parse('2026-11-22T07:41:05Z') / 1000;

describe('unarchive: listings', () => {
  it('tar -tv: types, modes, sizes, UTC times, link targets, names with spaces', () => {
    expect(parseTarListing(TAR)).toEqual([
      { path: '.', type: 'directory', mode: '0755', size: 0, mtime: T },
      { path: 'h', type: 'file', mode: '4755', size: 2, mtime: T },
      { path: 'l', type: 'link', mode: '0777', size: 0, mtime: T, linkTarget: 'a' },
      { path: 'a', type: 'hardlink', mode: '4755', size: 0, mtime: T },
      { path: 'd x', type: 'directory', mode: '0755', size: 0, mtime: T },
      { path: 'd x/f 1.txt', type: 'file', mode: '0644', size: 3, mtime: T },
      { path: 'null', type: 'other', mode: '0666', size: 0, mtime: T },
    ]);
    expect(() => parseTarListing('garbage line\n')).toThrow(/unexpected tar listing/);
  });
  it('zipinfo: unix modes without set-id bits (unzip drops them), fat entries without a mode', () => {
    expect(parseZipListing(ZIP)).toEqual([
      { path: 'h', type: 'file', mode: '0755', size: 2, mtime: T, localTime: true },
      { path: 'l', type: 'link', mode: '0777', size: 1, mtime: T, localTime: true },
      { path: 'd x', type: 'directory', mode: '0755', size: 0, mtime: T, localTime: true },
      { path: 'd x/f 1.txt', type: 'file', mode: undefined, size: 3, mtime: T - 1, localTime: true },
    ]);
  });
  it.each([
    ['-rw-r--r--', '0644'], ['drwxrwsr-t', '3775'], ['-rwSr--r--', '4644'], ['drwxrwxrwT', '1776'], ['-rw-a--', undefined],
  ])('perms %s -> %s', (perms, mode) => expect(permsToMode(perms)).toBe(mode));
  it.each([
    [[0x50, 0x4b, 3, 4], 'zip'], [[0x1f, 0x8b, 8], 'gz'], [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0], 'xz'], [[0x42, 0x5a, 0x68], 'bz2'], [[0x28, 0xb5, 0x2f, 0xfd], 'zst'], [[1, 2, 3], undefined],
  ])('magic %j -> %s', (bytes, format) => expect(formatFromMagic(Buffer.from(bytes))).toBe(format));
  it('a plain tar by its ustar magic', () => {
    const head = Buffer.alloc(512);
    head.write('ustar', 257, 'latin1');
    expect(formatFromMagic(head)).toBe('tar');
  });
});

describe('unarchive: archive members vs dest -> what would change', () => {
  const m = (path: string, extra: Partial<ArchiveMember> = {}): ArchiveMember => ({ path, type: 'file', mode: '0644', size: 3, mtime: T, ...extra });
  const d = (path: string, extra: Partial<DestEntry> = {}): DestEntry => ({ path, type: 'file', mode: '0644', size: 3, mtime: T, uid: 0, gid: 0, owner: 'root', group: 'root', ...extra });
  const opts: CompareOptions = { keepNewer: false, hostUtcOffset: 0 };
  const rows: { name: string; members: ArchiveMember[]; dest: DestEntry[]; o?: Partial<CompareOptions>; expected: Record<string, string[]> }[] = [
    { name: 'all equal', members: [m('a'), m('dir', { type: 'directory', mode: '0755', mtime: 1 })], dest: [d('a'), d('dir', { type: 'directory', mode: '0755', mtime: 99 })], expected: {} },
    { name: 'missing file', members: [m('a'), m('b')], dest: [d('a')], expected: { b: ['missing'] } },
    { name: 'size and mtime differ', members: [m('a')], dest: [d('a', { size: 4, mtime: T + 60 })], expected: { a: ['size', 'mtime'] } },
    { name: 'keep_newer accepts a newer dest', members: [m('a')], dest: [d('a', { mtime: T + 60 })], o: { keepNewer: true }, expected: {} },
    { name: 'mode differs', members: [m('a', { mode: '0755' })], dest: [d('a')], expected: { a: ['mode 0644 != 0755'] } },
    { name: 'desired mode replaces the archive\'s (symbolic, X for dirs)', members: [m('a'), m('d', { type: 'directory', mode: '0755' })], dest: [d('a', { mode: '0600' }), d('d', { type: 'directory', mode: '0700' })], o: { mode: 'u+rwX,go-rwx' }, expected: {} },
    { name: 'type differs', members: [m('a', { type: 'directory' })], dest: [d('a')], expected: { a: ['type file != directory'] } },
    { name: 'link target differs', members: [m('l', { type: 'link', linkTarget: 'x' })], dest: [d('l', { type: 'link', linkTarget: 'y' })], expected: { l: ['link target'] } },
    { name: 'hard link is a regular file in dest', members: [m('h', { type: 'hardlink', size: 0 })], dest: [d('h', { size: 10 })], expected: {} },
    { name: 'owner asked by name and by id', members: [m('a'), m('b')], dest: [d('a', { owner: 'www', uid: 33 }), d('b')], o: { owner: '33' }, expected: { b: ['owner'] } },
    { name: 'zip local time on a host east of UTC', members: [m('a', { localTime: true })], dest: [d('a', { mtime: T - 3600 })], o: { hostUtcOffset: 3600 }, expected: {} },
    { name: 'fractional dest mtimes compare by second', members: [m('a')], dest: [d('a', { mtime: T + 0.5 })], expected: {} },
  ];
  it.each(rows)('$name', (row) => {
    const dest = new Map(row.dest.map((e) => [e.path, e]));
    const diffs = compareMembers(row.members, dest, { ...opts, ...row.o });
    expect(Object.fromEntries(diffs.map((x) => [x.path, x.reasons]))).toEqual(row.expected);
  });

  it('fnmatch as Python: * crosses /, [!x] negates', () => {
    expect(fnmatch('a/b/c.txt', '*.txt')).toBe(true);
    expect(fnmatch('a/b', 'a/?')).toBe(true);
    expect(fnmatch('x1', 'x[!1]')).toBe(false);
    expect(fnmatch('a.b', 'a?b')).toBe(true);
    expect(fnmatch('a+b', 'a+b')).toBe(true);
  });
  it('include / exclude select members', () => {
    const ms = [m('app'), m('app/a.txt'), m('app/conf/b.conf')];
    expect(selectMembers(ms, [], ['*.conf']).map((x) => x.path)).toEqual(['app', 'app/a.txt']);
    expect(selectMembers(ms, ['app/a.txt'], []).map((x) => x.path)).toEqual(['app/a.txt']);
  });
  it('stat records with NUL separators, names with | and links', () => {
    const out = 'regular file|644|3|100|0|0|root|root|a|b\0a|b\0symbolic link|777|1|100|0|0|root|root|l\0l -> t x\0';
    const map = parseDestStat(out);
    expect(map.get('a|b')).toMatchObject({ type: 'file', mode: '0644', size: 3 });
    expect(map.get('l')).toMatchObject({ type: 'link', linkTarget: 't x' });
  });
  it('arguments', () => {
    expect(unarchive.args.parse({ src: 'a.tgz', dest: '/d', exclude: 'x' })).toMatchObject({ exclude: ['x'], remote_src: false, list_files: false });
    expect(unarchive.args.safeParse({ src: 'https://x/a.tgz', dest: '/d' }).success).toBe(false);
    expect(unarchive.args.safeParse({ src: 'a', dest: '/d', include: ['a'], exclude: ['b'] }).success).toBe(false);
  });
});
