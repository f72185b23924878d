import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import file, { type FileInspect } from '../../src/modules/file.js';
import copy from '../../src/modules/copy.js';
import stat from '../../src/modules/stat.js';
import { CheckOverlay } from '../../src/modules/lib/check-overlay.js';
import { ABSENT } from '../../src/modules/lib/file-state.js';
import type { ProbedState } from '../../src/modules/lib/remote-fs.js';
import { runModule, snapshot, tempDir } from './harness.js';

const host = { umask: 0o022, user: { name: 'root', uid: 0, group: 'root', gid: 0 } };
const reg = (path: string, extra: Partial<ProbedState> = {}): ProbedState => ({ path, exists: true, type: 'file', mode: '0644', owner: 'root', group: 'root', uid: 0, gid: 0, size: 1, nlink: 1, inode: 10, dev: 1, mtime: 1000, atime: 1000, ...extra });
const dir = (path: string, extra: Partial<ProbedState> = {}): ProbedState => ({ path, exists: true, type: 'directory', mode: '0755', owner: 'root', group: 'root', uid: 0, gid: 0, nlink: 2, inode: 20, dev: 1, ...extra });
const link = (path: string, target: string, extra: Partial<ProbedState> = {}): ProbedState => ({ path, exists: true, type: 'link', mode: '0777', owner: 'root', group: 'root', uid: 0, gid: 0, linkTarget: target, realPath: target, targetType: 'file', ...extra });

function inspect(partial: Partial<FileInspect> & { path: ProbedState }): FileInspect {
  return { ancestors: [], times: [undefined, undefined], host, ...partial };
}

function plan(args: Record<string, unknown>, cur: FileInspect) {
  return file.plan!(file.args.parse(args), cur, { diff: true, now: new Date(0) });
}

describe('file: plan (no host)', () => {
  const rows: { name: string; args: Record<string, unknown>; cur: FileInspect; changed: boolean; failed?: string; effects?: unknown[]; commands?: RegExp[]; result?: Record<string, unknown> }[] = [
    {
      name: 'absent -> directory', args: { path: '/srv/d', state: 'directory' }, cur: inspect({ path: ABSENT('/srv/d'), ancestors: [dir('/srv')] }), changed: true,
      effects: [{ path: '/srv/d', kind: 'directory', mode: '0755', owner: 'root', group: 'root' }], commands: [/^mkdir -- \/srv\/d$/],
      result: { path: '/srv/d', state: 'directory', mode: '0755' },
    },
    {
      name: 'absent -> directory creates parents, each with the mode', args: { path: '/srv/a/b', state: 'directory', mode: '0700' },
      cur: inspect({ path: ABSENT('/srv/a/b'), ancestors: [dir('/srv'), ABSENT('/srv/a')] }), changed: true,
      effects: [{ path: '/srv/a', kind: 'directory', mode: '0700', owner: 'root', group: 'root' }, { path: '/srv/a/b', kind: 'directory', mode: '0700', owner: 'root', group: 'root' }],
    },
    { name: 'directory with the same mode', args: { path: '/srv/d', state: 'directory', mode: 493 }, cur: inspect({ path: dir('/srv/d') }), changed: false },
    { name: 'directory mode differs', args: { path: '/srv/d', state: 'directory', mode: '0750' }, cur: inspect({ path: dir('/srv/d') }), changed: true, effects: [{ path: '/srv/d', kind: 'attrs', mode: '0750', owner: undefined, group: undefined }] },
    { name: 'directory symbolic mode already satisfied', args: { path: '/srv/d', state: 'directory', mode: 'u+rwx,go-w' }, cur: inspect({ path: dir('/srv/d') }), changed: false },
    { name: 'directory over a file fails', args: { path: '/srv/d', state: 'directory' }, cur: inspect({ path: reg('/srv/d') }), changed: false, failed: '/srv/d already exists as a file' },
    { name: 'file -> absent', args: { path: '/srv/f', state: 'absent' }, cur: inspect({ path: reg('/srv/f') }), changed: true, effects: [{ path: '/srv/f', kind: 'absent' }], commands: [/^rm -f -- \/srv\/f$/] },
    { name: 'directory -> absent removes recursively', args: { path: '/srv/d', state: 'absent' }, cur: inspect({ path: dir('/srv/d') }), changed: true, commands: [/^rm -rf -- \/srv\/d$/] },
    { name: 'absent -> absent', args: { path: '/srv/f', state: 'absent' }, cur: inspect({ path: ABSENT('/srv/f') }), changed: false, result: { path: '/srv/f', state: 'absent' } },
    { name: 'state=file on a missing path fails', args: { path: '/srv/f', state: 'file' }, cur: inspect({ path: ABSENT('/srv/f') }), changed: false, failed: 'file (/srv/f) is absent, cannot continue' },
    { name: 'state=file on a directory fails', args: { path: '/srv/d', state: 'file' }, cur: inspect({ path: dir('/srv/d') }), changed: false, failed: 'file (/srv/d) is directory, cannot continue' },
    { name: 'state=file sets the owner', args: { path: '/srv/f', state: 'file', owner: 'www' }, cur: inspect({ path: reg('/srv/f') }), changed: true, commands: [/^chown www -- \/srv\/f$/] },
    { name: 'state=file follows a link to its file', args: { path: '/srv/l', state: 'file', mode: '0600' }, cur: inspect({ path: link('/srv/l', '/srv/f'), followed: reg('/srv/l') }), changed: true, commands: [/^chmod 0600 -- \/srv\/f$/], result: { path: '/srv/f' } },
    { name: 'no state: an existing file stays a file', args: { path: '/srv/f', mode: '0644' }, cur: inspect({ path: reg('/srv/f') }), changed: false },
    { name: 'no state: a missing path is state=file (fails)', args: { path: '/srv/f' }, cur: inspect({ path: ABSENT('/srv/f') }), changed: false, failed: 'file (/srv/f) is absent, cannot continue' },
    { name: 'no state with recurse: a missing path becomes a directory', args: { path: '/srv/d', recurse: true }, cur: inspect({ path: ABSENT('/srv/d'), ancestors: [dir('/srv')] }), changed: true },
    { name: 'recurse needs state=directory', args: { path: '/srv/f', recurse: true }, cur: inspect({ path: reg('/srv/f') }), changed: false, failed: "recurse option requires state to be 'directory'" },
    {
      name: 'recurse: entries with other modes change, links keep theirs', args: { path: '/srv/d', state: 'directory', recurse: true, mode: 'u=rwX,g=rX,o=' },
      cur: inspect({ path: dir('/srv/d', { mode: '0750' }), tree: [reg('/srv/d/a', { mode: '0640' }), reg('/srv/d/b', { mode: '0644' }), dir('/srv/d/s', { mode: '0750' }), link('/srv/d/l', 'a')] }),
      changed: true, commands: [/^chmod 0640 -- \/srv\/d\/b$/],
    },
    {
      name: 'recurse: nothing to do', args: { path: '/srv/d', state: 'directory', recurse: true, owner: 'root' },
      cur: inspect({ path: dir('/srv/d'), tree: [reg('/srv/d/a'), link('/srv/d/l', 'a')] }), changed: false,
    },
    { name: 'recurse: a link is chowned itself (-h)', args: { path: '/srv/d', state: 'directory', recurse: true, group: 'adm' }, cur: inspect({ path: dir('/srv/d', { group: 'adm' }), tree: [link('/srv/d/l', 'a')] }), changed: true, commands: [/^chown -h :adm -- \/srv\/d\/l$/] },
    {
      name: 'new link', args: { path: '/srv/l', state: 'link', src: '/srv/f' }, cur: inspect({ path: ABSENT('/srv/l'), linkSrcBeside: reg('/srv/f') }), changed: true,
      effects: [{ path: '/srv/l', kind: 'link', target: '/srv/f' }], commands: [/^ln -s -- \/srv\/f \/srv\/l$/],
    },
    { name: 'link already right', args: { path: '/srv/l', state: 'link', src: 'f' }, cur: inspect({ path: link('/srv/l', 'f'), linkSrcBeside: reg('/srv/f'), followed: reg('/srv/l') }), changed: false },
    { name: 'link retarget', args: { path: '/srv/l', state: 'link', src: 'g' }, cur: inspect({ path: link('/srv/l', 'f'), linkSrcBeside: reg('/srv/g') }), changed: true, commands: [/^ln -s -- g /, /mv -Tf -- /] },
    { name: 'link to a missing src needs force', args: { path: '/srv/l', state: 'link', src: 'nope' }, cur: inspect({ path: ABSENT('/srv/l'), linkSrcBeside: ABSENT('/srv/nope') }), changed: false, failed: 'src file does not exist, use "force=yes" if you really want to create the link: /srv/nope' },
    { name: 'link to a missing src with force', args: { path: '/srv/l', state: 'link', src: 'nope', force: true }, cur: inspect({ path: ABSENT('/srv/l'), linkSrcBeside: ABSENT('/srv/nope') }), changed: true },
    { name: 'link over a file without force', args: { path: '/srv/f', state: 'link', src: 'g' }, cur: inspect({ path: reg('/srv/f'), linkSrcBeside: reg('/srv/g') }), changed: false, failed: 'refusing to convert from file to symlink for /srv/f' },
    { name: 'link over a file with force', args: { path: '/srv/f', state: 'link', src: 'g', force: true }, cur: inspect({ path: reg('/srv/f'), linkSrcBeside: reg('/srv/g') }), changed: true },
    { name: 'link over a full directory', args: { path: '/srv/d', state: 'link', src: 'g', force: true }, cur: inspect({ path: dir('/srv/d'), linkSrcInPath: reg('/srv/d/g'), tree: [reg('/srv/d/x')] }), changed: false, failed: 'the directory /srv/d is not empty, refusing to convert it' },
    { name: 'new link without src', args: { path: '/srv/l', state: 'link' }, cur: inspect({ path: ABSENT('/srv/l') }), changed: false, failed: 'src is required for creating new symlinks' },
    { name: 'hard link, new', args: { path: '/srv/h', state: 'hard', src: '/srv/f' }, cur: inspect({ path: ABSENT('/srv/h'), hardSrc: reg('/srv/f', { content: Buffer.from('x') }) }), changed: true, commands: [/^ln -- \/srv\/f \/srv\/h$/], effects: [{ path: '/srv/h', kind: 'file', content: Buffer.from('x'), mode: '0644', owner: 'root', group: 'root' }] },
    { name: 'hard link, same inode', args: { path: '/srv/h', state: 'hard', src: '/srv/f' }, cur: inspect({ path: reg('/srv/h', { nlink: 2 }), hardSrc: reg('/srv/f', { nlink: 2 }) }), changed: false },
    { name: 'hard link over another file', args: { path: '/srv/h', state: 'hard', src: '/srv/f' }, cur: inspect({ path: reg('/srv/h', { inode: 99 }), hardSrc: reg('/srv/f') }), changed: false, failed: 'Cannot link, file exists at destination' },
    { name: 'hard link over another file, force', args: { path: '/srv/h', state: 'hard', src: '/srv/f', force: true }, cur: inspect({ path: reg('/srv/h', { inode: 99 }), hardSrc: reg('/srv/f') }), changed: true },
    { name: 'hard link to a missing src', args: { path: '/srv/h', state: 'hard', src: '/srv/nope' }, cur: inspect({ path: ABSENT('/srv/h'), hardSrc: ABSENT('/srv/nope') }), changed: false, failed: 'src does not exist' },
    { name: 'hard link into a directory takes src\'s name', args: { path: '/srv/d', state: 'hard', src: '/x/f' }, cur: inspect({ path: dir('/srv/d'), inDir: ABSENT('/srv/d/f'), hardSrc: reg('/x/f') }), changed: true, commands: [/^ln -- \/x\/f \/srv\/d\/f$/] },
    { name: 'touch a missing file', args: { path: '/srv/t', state: 'touch' }, cur: inspect({ path: ABSENT('/srv/t') }), changed: true, effects: [{ path: '/srv/t', kind: 'file', content: Buffer.alloc(0), mode: '0644', owner: 'root', group: 'root' }] },
    { name: 'touch an existing file: always changed', args: { path: '/srv/t', state: 'touch' }, cur: inspect({ path: reg('/srv/t') }), changed: true, commands: [/^touch -c -- \/srv\/t$/] },
    { name: 'touch with both times preserved', args: { path: '/srv/t', state: 'touch', modification_time: 'preserve', access_time: 'preserve' }, cur: inspect({ path: reg('/srv/t'), times: [{ kind: 'preserve' }, { kind: 'preserve' }] }), changed: false },
    { name: 'modification_time already right', args: { path: '/srv/t', modification_time: '197001010016.40' }, cur: inspect({ path: reg('/srv/t'), times: [{ kind: 'at', epoch: 1000 }, undefined] }), changed: false },
    { name: 'modification_time differs', args: { path: '/srv/t', modification_time: '197001010016.41' }, cur: inspect({ path: reg('/srv/t'), times: [{ kind: 'at', epoch: 1001 }, undefined] }), changed: true, commands: [/^touch -c -m -d @1001 -- \/srv\/t$/] },
    { name: 'a bad time fails', args: { path: '/srv/t', modification_time: 'soon' }, cur: inspect({ path: reg('/srv/t'), times: { error: 'Error while obtaining timestamp for time soon' } }), changed: false, failed: 'Error while obtaining timestamp for time soon' },
  ];

  test.each(rows)('$name', (row) => {
    const p = plan(row.args, row.cur);
    expect(p.failed ?? false, p.msg).toBe(row.failed !== undefined);
    if (row.failed) expect(p.msg).toBe(row.failed);
    expect(p.changed).toBe(row.changed);
    if (row.effects) expect(p.effects).toEqual(row.effects);
    if (!row.changed) expect(p.data?.commands ?? []).toEqual([]);
    for (const re of row.commands ?? []) expect(p.data!.commands.some((c) => re.test(c)), `${re} in ${p.data!.commands.join(' && ')}`).toBe(true);
    if (row.result) expect(p.result).toMatchObject(row.result);
    if (row.changed) expect(p.diff?.length).toBe(1);
  });

  test('the diff is Ansible\'s before/after dict as text', () => {
    const p = plan({ path: '/srv/d', state: 'directory', mode: '0700' }, inspect({ path: ABSENT('/srv/d'), ancestors: [dir('/srv')] }));
    expect(p.diff).toEqual([{ before: 'path: /srv/d\nstate: absent\n', after: 'path: /srv/d\nstate: directory\nmode: 0700\n', beforeHeader: '/srv/d (attributes)', afterHeader: '/srv/d (attributes)' }]);
    const q = plan({ path: '/srv/f', mode: '0600' }, inspect({ path: reg('/srv/f') }));
    expect(q.diff![0]).toMatchObject({ before: 'path: /srv/f\nmode: 0644\n', after: 'path: /srv/f\nmode: 0600\n' });
  });

  const invalid: [string, Record<string, unknown>][] = [
    ['unknown argument', { path: '/x', bogus: true }],
    ['no path', { state: 'directory' }],
    ['bad state', { path: '/x', state: 'present' }],
    ['src with state=file', { path: '/x', state: 'file', src: '/y' }],
    ['recurse with state=link', { path: '/x', state: 'link', src: '/y', recurse: true }],
    ['bad mode', { path: '/x', mode: 'rwx' }],
  ];
  test.each(invalid)('rejects %s', (_n, args) => expect(file.args.safeParse(args).success).toBe(false));

  test('dest and name are aliases of path', () => {
    expect(file.args.parse({ dest: '/a' }).path).toBe('/a');
    expect(file.args.parse({ name: '/b', state: 'absent' }).path).toBe('/b');
  });
});

describe('file: real runs on this machine', () => {
  let t: { dir: string; cleanup: () => void };
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());
  const mode = (p: string) => (lstatSync(p).mode & 0o7777).toString(8).padStart(4, '0');

  async function twice(args: Record<string, unknown>, expectSecond = false) {
    const first = await runModule(file, args);
    expect(first.failed, String(first.msg)).toBeFalsy();
    expect(first.changed).toBe(true);
    const second = await runModule(file, args);
    expect(second.failed, String(second.msg)).toBeFalsy();
    expect(second.changed).toBe(expectSecond);
    return [first, second];
  }

  test('directory: created with parents and mode, then ok', async () => {
    const p = join(t.dir, 'a/b/c');
    await twice({ path: p, state: 'directory', mode: '0750' });
    expect(statSync(p).isDirectory()).toBe(true);
    expect(mode(p)).toBe('0750');
    expect(mode(join(t.dir, 'a'))).toBe('0750');
  });

  test('recurse applies mode and owner to the whole tree', async () => {
    mkdirSync(join(t.dir, 'd/sub'), { recursive: true });
    writeFileSync(join(t.dir, 'd/f'), 'x');
    writeFileSync(join(t.dir, 'd/sub/g'), 'y');
    symlinkSync('f', join(t.dir, 'd/l'));
    await twice({ path: join(t.dir, 'd'), state: 'directory', recurse: true, mode: 'u=rwX,g=rX,o=', owner: 'nobody' });
    expect(mode(join(t.dir, 'd/f'))).toBe('0640');
    expect(mode(join(t.dir, 'd/sub'))).toBe('0750');
    const nobody = Number(execFileSync('id', ['-u', 'nobody']).toString().trim());
    for (const p of ['d', 'd/f', 'd/sub', 'd/sub/g', 'd/l']) expect(lstatSync(join(t.dir, p)).uid, p).toBe(nobody);
    expect(readlinkSync(join(t.dir, 'd/l'))).toBe('f');
  });

  test('absent removes a tree, then ok', async () => {
    mkdirSync(join(t.dir, 'gone/deep'), { recursive: true });
    writeFileSync(join(t.dir, 'gone/deep/f'), 'x');
    await twice({ path: join(t.dir, 'gone'), state: 'absent' });
    expect(existsSync(join(t.dir, 'gone'))).toBe(false);
  });

  test('link: created, then retargeted, then ok', async () => {
    writeFileSync(join(t.dir, 'one'), '1');
    writeFileSync(join(t.dir, 'two'), '2');
    const l = join(t.dir, 'cur');
    await twice({ path: l, state: 'link', src: 'one' });
    expect(readlinkSync(l)).toBe('one');
    const [first] = await twice({ path: l, state: 'link', src: 'two' });
    expect(readlinkSync(l)).toBe('two');
    expect(first.diff).toBeUndefined(); // diff only when asked
    expect(readdirSync(t.dir).sort()).toEqual(['cur', 'one', 'two']); // no temp link left behind
  });

  test('link over a file needs force', async () => {
    writeFileSync(join(t.dir, 'target'), 't');
    writeFileSync(join(t.dir, 'f'), 'f');
    const refused = await runModule(file, { path: join(t.dir, 'f'), state: 'link', src: 'target' });
    expect(refused).toMatchObject({ failed: true, msg: `refusing to convert from file to symlink for ${join(t.dir, 'f')}` });
    await twice({ path: join(t.dir, 'f'), state: 'link', src: 'target', force: true });
    expect(readlinkSync(join(t.dir, 'f'))).toBe('target');
  });

  test('hard link shares the inode', async () => {
    writeFileSync(join(t.dir, 'orig'), 'data');
    await twice({ path: join(t.dir, 'hard'), state: 'hard', src: join(t.dir, 'orig') });
    expect(statSync(join(t.dir, 'hard')).ino).toBe(statSync(join(t.dir, 'orig')).ino);
  });

  test('touch: creates, and is changed on every run', async () => {
    const p = join(t.dir, 'stamp');
    await twice({ path: p, state: 'touch', mode: '0600' }, true);
    expect(mode(p)).toBe('0600');
    expect(statSync(p).size).toBe(0);
  });

  test('explicit times are idempotent and land as local time', async () => {
    const p = join(t.dir, 'f');
    writeFileSync(p, 'x');
    utimesSync(p, 5, 5);
    await twice({ path: p, modification_time: '202001021530.00', access_time: '202001021530.00' });
    const expected = new Date(2020, 0, 2, 15, 30, 0).getTime() / 1000;
    expect(statSync(p).mtimeMs / 1000).toBe(expected);
    expect(statSync(p).atimeMs / 1000).toBe(expected);
  });

  test('state=file on a missing path fails as in Ansible', async () => {
    const r = await runModule(file, { path: join(t.dir, 'nope'), state: 'file' });
    expect(r).toMatchObject({ failed: true, changed: false, msg: `file (${join(t.dir, 'nope')}) is absent, cannot continue` });
  });

  test('check mode writes nothing, and later tasks see what would be there', async () => {
    writeFileSync(join(t.dir, 'old'), 'x');
    const before = snapshot(t.dir);
    const overlay = new CheckOverlay();
    const opts = { check: true, diff: true, overlay };
    const results = [
      await runModule(file, { path: join(t.dir, 'new/dir'), state: 'directory' }, opts),
      await runModule(copy, { content: 'inside', dest: join(t.dir, 'new/dir/file') }, opts),
      await runModule(file, { path: join(t.dir, 'link'), state: 'link', src: join(t.dir, 'new/dir/file') }, opts),
      await runModule(file, { path: join(t.dir, 'old'), state: 'absent' }, opts),
      await runModule(file, { path: join(t.dir, 'stamp'), state: 'touch' }, opts),
    ];
    for (const r of results) expect(r, String(r.msg)).toMatchObject({ changed: true });
    expect(results.every((r) => !r.failed)).toBe(true);
    // the predicted directory holds the predicted file; the removed file is gone
    const seen = await runModule(stat, { path: join(t.dir, 'new/dir/file') }, opts);
    expect(seen.stat).toMatchObject({ exists: true, isreg: true, size: 6 });
    const gone = await runModule(stat, { path: join(t.dir, 'old') }, opts);
    expect(gone.stat).toEqual({ exists: false });
    // asking again for what was predicted is ok, not changed
    expect((await runModule(file, { path: join(t.dir, 'new/dir'), state: 'directory' }, opts)).changed).toBe(false);
    expect(snapshot(t.dir)).toEqual(before);
  });
});
