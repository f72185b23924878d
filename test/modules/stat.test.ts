import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ProbedState } from '../../src/modules/lib/remote-fs.js';
import stat, { statResult } from '../../src/modules/stat.js';
import { runModule, snapshot, tempDir } from './harness.js';

const args = (extra: Record<string, unknown> = {}) => stat.args.parse({ path: '/p', ...extra });

describe('stat: result shape (no host)', () => {
  const base: ProbedState = { path: '/p', exists: true, type: 'file', fileKind: 'regular file', mode: '4750', owner: 'root', group: 'adm', uid: 0, gid: 4, size: 3, checksum: 'abc', readable: true, writeable: true, executable: true, mimeType: 'text/plain', charset: 'us-ascii' };
  const rows: { name: string; args: ReturnType<typeof args>; state: ProbedState; expected: Record<string, unknown>; absent?: string[] }[] = [
    { name: 'absent', args: args(), state: { path: '/p', exists: false, type: 'absent' }, expected: {}, absent: ['path', 'isreg'] },
    {
      name: 'regular file with set-uid', args: args(), state: base,
      expected: { exists: true, path: '/p', mode: '4750', isreg: true, isdir: false, islnk: false, rusr: true, wusr: true, xusr: true, rgrp: true, wgrp: false, xgrp: true, roth: false, isuid: true, isgid: false, pw_name: 'root', gr_name: 'adm', checksum: 'abc', mimetype: 'text/plain', charset: 'us-ascii' },
    },
    { name: 'no checksum, no mime when not asked', args: args({ get_checksum: false, get_mime: 'no' }), state: base, expected: { isreg: true }, absent: ['checksum', 'mimetype', 'charset'] },
    { name: 'mime unknown when `file` said nothing', args: args(), state: { ...base, mimeType: undefined, charset: undefined }, expected: { mimetype: 'unknown', charset: 'unknown' } },
    { name: 'link', args: args(), state: { path: '/p', exists: true, type: 'link', mode: '0777', linkTarget: 't', realPath: '/x/t' }, expected: { islnk: true, isreg: false, lnk_target: 't', lnk_source: '/x/t' }, absent: ['checksum'] },
    { name: 'fifo', args: args(), state: { path: '/p', exists: true, type: 'other', fileKind: 'fifo', mode: '0644' }, expected: { isfifo: true, isreg: false } },
    { name: 'an id without a name', args: args(), state: { ...base, owner: 'UNKNOWN', uid: 4242 }, expected: { uid: 4242 }, absent: ['pw_name'] },
  ];
  test.each(rows)('$name', (row) => {
    const out = statResult(row.args, row.state);
    if (!row.state.exists) expect(out).toEqual({ exists: false });
    expect(out).toMatchObject(row.expected);
    for (const k of row.absent ?? []) expect(out).not.toHaveProperty(k);
  });

  test('aliases', () => {
    const a = stat.args.parse({ name: '/x', mime: false, checksum_algo: 'sha256', attributes: false });
    expect(a).toMatchObject({ path: '/x', get_mime: false, checksum_algorithm: 'sha256', get_attributes: false });
    expect(stat.args.safeParse({ path: '/x', get_md5: true, unknown: 1 }).success).toBe(false);
  });
});

describe('stat: real runs on this machine', () => {
  let t: { dir: string; cleanup: () => void };
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  test('a regular file: Ansible\'s fields, sha1 computed on the host, never changed', async () => {
    const p = join(t.dir, 'f.txt');
    writeFileSync(p, 'hello\n');
    chmodSync(p, 0o640);
    const before = snapshot(t.dir);
    const r = await runModule(stat, { path: p });
    const st = lstatSync(p);
    expect(r.changed).toBe(false);
    expect(r.stat).toMatchObject({
      exists: true, path: p, mode: '0640', isreg: true, isdir: false, islnk: false, size: 6, uid: st.uid, gid: st.gid,
      inode: st.ino, nlink: 1, pw_name: 'root', checksum: createHash('sha1').update('hello\n').digest('hex'),
      mimetype: 'text/plain', charset: 'us-ascii', readable: true,
    });
    expect((r.stat as { mtime: number }).mtime).toBeCloseTo(st.mtimeMs / 1000, 2);
    expect(snapshot(t.dir)).toEqual(before);
  });

  test('other checksum algorithms', async () => {
    const p = join(t.dir, 'f');
    writeFileSync(p, 'abc');
    const r = await runModule(stat, { path: p, checksum_algorithm: 'sha256' });
    expect((r.stat as { checksum: string }).checksum).toBe(createHash('sha256').update('abc').digest('hex'));
  });

  test('a symlink, then followed', async () => {
    writeFileSync(join(t.dir, 'target'), 'data');
    symlinkSync('target', join(t.dir, 'link'));
    const lnk = await runModule(stat, { path: join(t.dir, 'link') });
    expect(lnk.stat).toMatchObject({ exists: true, islnk: true, isreg: false, lnk_target: 'target', lnk_source: join(t.dir, 'target') });
    expect(lnk.stat).not.toHaveProperty('checksum');
    const followed = await runModule(stat, { path: join(t.dir, 'link'), follow: true });
    expect(followed.stat).toMatchObject({ exists: true, islnk: false, isreg: true, size: 4, checksum: createHash('sha1').update('data').digest('hex') });
  });

  test('a directory, a fifo, and nothing', async () => {
    mkdirSync(join(t.dir, 'd'));
    expect((await runModule(stat, { path: join(t.dir, 'd') })).stat).toMatchObject({ exists: true, isdir: true, isreg: false, mode: '0755' });
    execFileSync('mkfifo', [join(t.dir, 'pipe')]);
    expect((await runModule(stat, { path: join(t.dir, 'pipe'), get_mime: false })).stat).toMatchObject({ exists: true, isfifo: true, isreg: false });
    expect(await runModule(stat, { path: join(t.dir, 'nope') })).toEqual({ changed: false, stat: { exists: false } });
    expect(await runModule(stat, { path: join(t.dir, "it's $(nothing)") })).toEqual({ changed: false, stat: { exists: false } });
  });
});
