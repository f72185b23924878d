import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import copy, { pythonJson } from '../../src/modules/copy.js';
import { CheckOverlay } from '../../src/modules/lib/check-overlay.js';
import { contentSource, localSource, type SourceTree } from '../../src/modules/lib/copy-source.js';
import type { TreeData, TreeInspect } from '../../src/modules/lib/copy-tree.js';
import type { ProbedState } from '../../src/modules/lib/remote-fs.js';
import type { Plan } from '../../src/modules/types.js';
import { runModule, snapshot, tempDir } from './harness.js';

const sha1 = (s: string | Buffer) => createHash('sha1').update(s).digest('hex');
const host = { umask: 0o022, user: { name: 'root', uid: 0, group: 'root', gid: 0 } };
const file = (path: string, content: string, extra: Partial<ProbedState> = {}): ProbedState => ({
  path, exists: true, type: 'file', mode: '0644', owner: 'root', group: 'root', uid: 0, gid: 0,
  size: content.length, content: Buffer.from(content), checksum: sha1(content), nlink: 1, ...extra,
});
const dir = (path: string, extra: Partial<ProbedState> = {}): ProbedState => ({ path, exists: true, type: 'directory', mode: '0755', owner: 'root', group: 'root', uid: 0, gid: 0, ...extra });
const fileSource = (name: string, content: string, mode = '0644'): SourceTree => ({
  isDir: false, label: `/pb/files/${name}`, dirs: [], links: [],
  files: [{ rel: name, payload: { kind: 'bytes', content: Buffer.from(content), label: `/pb/files/${name}` }, mode }],
});

/** Runs copy's pure plan on a made-up host: `states` are the probed paths (missing ones are absent). */
function plan(args: Record<string, unknown>, source: SourceTree, states: ProbedState[], diff = true): Plan<TreeData> {
  const a = copy.args.parse(args);
  const current: TreeInspect = { source, states: Object.fromEntries(states.map((s) => [s.path, s])), host };
  return copy.plan!(a, current, { diff, now: new Date(0) });
}

describe('copy: plan (no host)', () => {
  const parent = dir('/etc');
  const rows: {
    name: string;
    args: Record<string, unknown>;
    source?: SourceTree;
    states: ProbedState[];
    changed: boolean;
    failed?: string;
    diff?: boolean;
    effects?: unknown[];
    result?: Record<string, unknown>;
    write?: Record<string, unknown> | null;
  }[] = [
    {
      name: 'missing dest: a new file with the umask mode',
      args: { content: 'a\n', dest: '/etc/f' }, states: [parent], changed: true, diff: true,
      effects: [{ path: '/etc/f', kind: 'file', content: Buffer.from('a\n'), mode: '0644', owner: 'root', group: 'root' }],
      result: { dest: '/etc/f', checksum: sha1('a\n'), size: 2, mode: '0644', state: 'file' },
    },
    { name: 'same content: ok', args: { content: 'a\n', dest: '/etc/f' }, states: [parent, file('/etc/f', 'a\n')], changed: false, effects: undefined },
    {
      name: 'different content: changed with a diff, mode kept',
      args: { content: 'b\n', dest: '/etc/f' }, states: [parent, file('/etc/f', 'a\n', { mode: '0600' })], changed: true, diff: true,
      result: { mode: '0600' }, write: { mode: undefined, backup: false },
    },
    { name: "mode '0644' equal", args: { content: 'a', dest: '/etc/f', mode: '0644' }, states: [parent, file('/etc/f', 'a')], changed: false },
    { name: 'mode 420 (YAML 1.1 0644) equal', args: { content: 'a', dest: '/etc/f', mode: 420 }, states: [parent, file('/etc/f', 'a')], changed: false },
    { name: "mode '644' equal", args: { content: 'a', dest: '/etc/f', mode: '644' }, states: [parent, file('/etc/f', 'a')], changed: false },
    {
      name: 'mode 0600 differs: attributes only',
      args: { content: 'a', dest: '/etc/f', mode: '0600' }, states: [parent, file('/etc/f', 'a')], changed: true, diff: true,
      effects: [{ path: '/etc/f', kind: 'attrs', mode: '0600', owner: undefined, group: undefined }], write: null,
    },
    { name: 'symbolic u+x on 0644', args: { content: 'a', dest: '/etc/f', mode: 'u+x' }, states: [parent, file('/etc/f', 'a')], changed: true, result: { mode: '0744' } },
    { name: 'symbolic u+x on 0744', args: { content: 'a', dest: '/etc/f', mode: 'u+x' }, states: [parent, file('/etc/f', 'a', { mode: '0744' })], changed: false },
    { name: 'symbolic on a new file starts from the umask default', args: { content: 'a', dest: '/etc/f', mode: 'g+w,o-r' }, states: [parent], changed: true, result: { mode: '0660' } },
    { name: 'owner differs', args: { content: 'a', dest: '/etc/f', owner: 'www' }, states: [parent, file('/etc/f', 'a')], changed: true, effects: [{ path: '/etc/f', kind: 'attrs', mode: undefined, owner: 'www', group: undefined }] },
    { name: 'numeric owner equal to uid', args: { content: 'a', dest: '/etc/f', owner: 0 }, states: [parent, file('/etc/f', 'a')], changed: false },
    { name: 'force: false keeps an existing file', args: { content: 'new', dest: '/etc/f', force: 'no' }, states: [parent, file('/etc/f', 'old')], changed: false },
    { name: 'force: false writes a missing file', args: { content: 'new', dest: '/etc/f', force: false }, states: [parent], changed: true },
    { name: 'backup asks the write for a backup', args: { content: 'new', dest: '/etc/f', backup: true }, states: [parent, file('/etc/f', 'old')], changed: true, write: { backup: true } },
    { name: 'validate goes with the write', args: { content: 'new', dest: '/etc/f', validate: 'visudo -cf %s' }, states: [parent, file('/etc/f', 'old')], changed: true, write: { validate: 'visudo -cf %s' } },
    {
      name: 'dest is a directory: the file goes inside',
      args: { src: 'app.conf', dest: '/etc' }, source: fileSource('app.conf', 'x'), states: [dir('/etc'), dir('/')], changed: true,
      result: { dest: '/etc/app.conf', src: '/pb/files/app.conf' },
    },
    { name: 'dest directory already holds the same file', args: { src: 'app.conf', dest: '/etc' }, source: fileSource('app.conf', 'x'), states: [dir('/etc'), file('/etc/app.conf', 'x')], changed: false },
    { name: 'content with a directory dest fails', args: { content: 'x', dest: '/etc' }, states: [dir('/etc')], changed: false, failed: 'can not use content with a dir as dest' },
    { name: 'missing parent directory fails', args: { content: 'x', dest: '/nope/f' }, states: [], changed: false, failed: 'Destination directory /nope does not exist' },
    {
      name: 'dest ending in / creates the directories with directory_mode',
      args: { src: 'app.conf', dest: '/opt/app/', directory_mode: '0750' }, source: fileSource('app.conf', 'x'), states: [], changed: true,
      effects: [
        { path: '/opt', kind: 'directory', mode: '0750', owner: 'root', group: 'root' },
        { path: '/opt/app', kind: 'directory', mode: '0750', owner: 'root', group: 'root' },
        { path: '/opt/app/app.conf', kind: 'file', content: Buffer.from('x'), mode: '0644', owner: 'root', group: 'root' },
      ],
    },
    { name: 'mode preserve takes the source mode', args: { src: 'run.sh', dest: '/etc/run.sh', mode: 'preserve' }, source: fileSource('run.sh', '#!', '0755'), states: [parent], changed: true, result: { mode: '0755' } },
    { name: 'a link at dest is replaced (follow: false)', args: { content: 'a', dest: '/etc/f' }, states: [parent, { path: '/etc/f', exists: true, type: 'link', linkTarget: 't', mode: '0777' }], changed: true, write: { mode: '0644' } },
    {
      name: 'follow: true writes through the link',
      args: { content: 'b', dest: '/etc/f', follow: true }, states: [parent, file('/etc/f', 'a', { realPath: '/srv/real', linkTarget: '/srv/real' })], changed: true,
      effects: [{ path: '/srv/real', kind: 'file', content: Buffer.from('b'), mode: '0644', owner: 'root', group: 'root' }],
    },
    { name: 'binary content: no text diff', args: { content: 'a\u0000b', dest: '/etc/f' }, states: [parent, file('/etc/f', 'old')], changed: true, diff: false },
    {
      name: 'checksum mismatch fails before writing',
      args: { content: 'x', dest: '/etc/f', checksum: '0'.repeat(40) }, states: [parent], changed: false, failed: 'Copied file does not match the expected checksum. Transfer failed.',
    },
    { name: 'dict content is written as JSON', args: { content: { a: 1 }, dest: '/etc/f' }, states: [parent, file('/etc/f', '{"a": 1}')], changed: false },
  ];

  test.each(rows)('$name', (row) => {
    const source = row.source ?? contentSource(typeof row.args.content === 'object' ? pythonJson(row.args.content) : String(row.args.content));
    const p = plan(row.args, source, row.states);
    expect(p.changed).toBe(row.changed);
    expect(p.failed ?? false).toBe(row.failed !== undefined);
    if (row.failed) expect(p.msg).toBe(row.failed);
    if (row.diff !== undefined) expect(!!p.diff?.length).toBe(row.diff);
    if (row.effects !== undefined) expect(p.effects).toEqual(row.effects);
    if (!row.changed && !row.failed) expect(p.effects ?? []).toEqual([]);
    if (row.result) expect(p.result).toMatchObject(row.result);
    if (row.write === null) expect(p.data!.puts[0].write).toBeUndefined();
    else if (row.write) expect(p.data!.puts[0].write).toMatchObject(row.write);
  });

  test('the diff shows old and new content under Ansible-like headers', () => {
    const p = plan({ content: 'new\n', dest: '/etc/f' }, contentSource('new\n'), [parent, file('/etc/f', 'old\n')]);
    expect(p.diff).toEqual([{ before: 'old\n', after: 'new\n', beforeHeader: '/etc/f', afterHeader: 'dynamically generated' }]);
  });

  test('a missing dest diffs against the empty text', () => {
    const p = plan({ src: 'a', dest: '/etc/a' }, fileSource('a', 'x\n'), [parent]);
    expect(p.diff).toEqual([{ before: '', after: 'x\n', beforeHeader: '/etc/a', afterHeader: '/pb/files/a' }]);
  });

  test('no diff is built unless asked', () => {
    expect(plan({ content: 'new', dest: '/etc/f' }, contentSource('new'), [parent, file('/etc/f', 'old')], false).diff).toBeUndefined();
  });

  test('a tree copy creates missing directories, writes changed files and skips equal ones', () => {
    const source: SourceTree = {
      isDir: true, label: '/pb/files/conf', links: [{ rel: 'conf/link', target: 'a' }], dirs: ['conf/sub'],
      files: [
        { rel: 'conf/a', payload: { kind: 'bytes', content: Buffer.from('a') }, mode: '0644' },
        { rel: 'conf/sub/b', payload: { kind: 'bytes', content: Buffer.from('b') }, mode: '0644' },
      ],
    };
    const p = plan({ src: 'conf', dest: '/etc/' }, source, [dir('/etc'), dir('/etc/conf'), file('/etc/conf/a', 'a')]);
    expect(p.changed).toBe(true);
    expect(p.data!.mkdirs.map((d) => d.path)).toEqual(['/etc/conf/sub']);
    expect(p.data!.puts.map((op) => op.path)).toEqual(['/etc/conf/sub/b']);
    expect(p.data!.links).toEqual([{ path: '/etc/conf/link', target: 'a' }]);
    expect(p.result).toEqual({ dest: '/etc/', src: '/pb/files/conf', changed: true });
  });

  test('a tree copy onto an up-to-date tree changes nothing', () => {
    const source: SourceTree = { isDir: true, label: '/x', links: [], dirs: ['d'], files: [{ rel: 'd/a', payload: { kind: 'bytes', content: Buffer.from('a') }, mode: '0644' }] };
    const p = plan({ src: '/x/', dest: '/etc/t' }, source, [dir('/etc'), dir('/etc/t'), dir('/etc/t/d'), file('/etc/t/d/a', 'a')]);
    expect(p.changed).toBe(false);
  });

  test('directory_mode is applied to existing subdirectories of a tree copy', () => {
    const source: SourceTree = { isDir: true, label: '/x', links: [], dirs: ['d'], files: [] };
    const p = plan({ src: '/x/', dest: '/etc/t', directory_mode: '0700' }, source, [dir('/etc'), dir('/etc/t'), dir('/etc/t/d')]);
    expect(p.changed).toBe(true);
    expect(p.data!.dirAttrs).toMatchObject([{ path: '/etc/t/d', mode: '0700' }]);
  });

  const invalid: [string, Record<string, unknown>][] = [
    ['unknown argument', { content: 'a', dest: '/f', bogus: 1 }],
    ['neither src nor content', { dest: '/f' }],
    ['src and content', { src: 'a', content: 'b', dest: '/f' }],
    ['content with a directory dest', { content: 'a', dest: '/etc/' }],
    ['bad mode', { content: 'a', dest: '/f', mode: '0999' }],
    ['validate without %s', { content: 'a', dest: '/f', validate: 'visudo -c' }],
    ['not a boolean', { content: 'a', dest: '/f', force: 'maybe' }],
  ];
  test.each(invalid)('rejects %s', (_name, args) => {
    expect(copy.args.safeParse(args).success).toBe(false);
  });

  test('pythonJson writes what json.dumps writes', () => {
    expect(pythonJson({ a: 1, b: [1, 'x', null, true], c: 'é' })).toBe('{"a": 1, "b": [1, "x", null, true], "c": "\\u00e9"}');
  });
});

describe('copy: real runs on this machine', () => {
  let t: { dir: string; cleanup: () => void };
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());
  const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');

  /** first run changes, second run does not; returns both results */
  async function twice(args: Record<string, unknown>, opts: Parameters<typeof runModule>[2] = {}) {
    const first = await runModule(copy, args, opts);
    expect(first.failed, String(first.msg)).toBeFalsy();
    expect(first.changed).toBe(true);
    const second = await runModule(copy, args, opts);
    expect(second.failed, String(second.msg)).toBeFalsy();
    expect(second.changed).toBe(false);
    return [first, second];
  }

  test('content: written once, with the mode asked for, then ok', async () => {
    const dest = join(t.dir, 'motd');
    const [first, second] = await twice({ content: 'hello\n', dest, mode: '0640' });
    expect(readFileSync(dest, 'utf8')).toBe('hello\n');
    expect(mode(dest)).toBe('0640');
    expect(first).toMatchObject({ dest, checksum: sha1('hello\n'), size: 6, mode: '0640', state: 'file', owner: 'root' });
    expect(second).toMatchObject({ dest, checksum: sha1('hello\n'), mode: '0640' });
  });

  test('symbolic mode on an existing file changes only the attributes', async () => {
    const dest = join(t.dir, 'f');
    writeFileSync(dest, 'x');
    chmodSync(dest, 0o600);
    await twice({ content: 'x', dest, mode: 'g+r,u+x' });
    expect(mode(dest)).toBe('0740');
  });

  test('src into an existing directory, keeping the name; the executable bit is not copied', async () => {
    mkdirSync(join(t.dir, 'pb/files'), { recursive: true });
    writeFileSync(join(t.dir, 'pb/files/run.sh'), '#!/bin/sh\n');
    chmodSync(join(t.dir, 'pb/files/run.sh'), 0o755);
    mkdirSync(join(t.dir, 'bin'));
    const [first] = await twice({ src: 'run.sh', dest: join(t.dir, 'bin') }, { dir: join(t.dir, 'pb') });
    expect(first.dest).toBe(join(t.dir, 'bin/run.sh'));
    expect(readFileSync(join(t.dir, 'bin/run.sh'), 'utf8')).toBe('#!/bin/sh\n');
    expect(mode(join(t.dir, 'bin/run.sh'))).toBe('0644');
    await twice({ src: 'run.sh', dest: join(t.dir, 'keep.sh'), mode: 'preserve' }, { dir: join(t.dir, 'pb') });
    expect(mode(join(t.dir, 'keep.sh'))).toBe('0755');
  });

  test('a directory src: without a trailing slash the directory itself, with one its contents', async () => {
    const src = join(t.dir, 'src/conf');
    mkdirSync(join(src, 'sub'), { recursive: true });
    writeFileSync(join(src, 'a'), 'A');
    writeFileSync(join(src, 'sub/b'), 'B');
    symlinkSync('a', join(src, 'link-to-a'));
    await twice({ src, dest: join(t.dir, 'out1'), directory_mode: '0750' });
    expect(readFileSync(join(t.dir, 'out1/conf/sub/b'), 'utf8')).toBe('B');
    expect(readFileSync(join(t.dir, 'out1/conf/link-to-a'), 'utf8')).toBe('A');
    expect(lstatSync(join(t.dir, 'out1/conf/link-to-a')).isSymbolicLink()).toBe(false); // local_follow
    expect(mode(join(t.dir, 'out1/conf/sub'))).toBe('0750');
    await twice({ src: src + '/', dest: join(t.dir, 'out2'), local_follow: false });
    expect(readdirSync(join(t.dir, 'out2')).sort()).toEqual(['a', 'link-to-a', 'sub']);
    expect(readlinkSync(join(t.dir, 'out2/link-to-a'))).toBe('a');
    // a changed source file is copied again, the rest stays
    writeFileSync(join(src, 'a'), 'A2');
    const again = await runModule(copy, { src: src + '/', dest: join(t.dir, 'out2'), local_follow: false });
    expect(again.changed).toBe(true);
    expect(readFileSync(join(t.dir, 'out2/a'), 'utf8')).toBe('A2');
  });

  test('force: false leaves an existing file alone', async () => {
    const dest = join(t.dir, 'f');
    writeFileSync(dest, 'mine');
    const r = await runModule(copy, { content: 'theirs', dest, force: false });
    expect(r.changed).toBe(false);
    expect(readFileSync(dest, 'utf8')).toBe('mine');
  });

  test('backup keeps the old file and reports it', async () => {
    const dest = join(t.dir, 'f');
    writeFileSync(dest, 'old');
    const r = await runModule(copy, { content: 'new', dest, backup: true });
    expect(r.changed).toBe(true);
    expect(typeof r.backup_file).toBe('string');
    expect(readFileSync(r.backup_file as string, 'utf8')).toBe('old');
    expect(readFileSync(dest, 'utf8')).toBe('new');
  });

  test('validate: a refused file never reaches dest; an accepted one does', async () => {
    const dest = join(t.dir, 'f');
    writeFileSync(dest, 'good old');
    const bad = await runModule(copy, { content: 'bad', dest, validate: 'grep -q good %s' });
    expect(bad).toMatchObject({ failed: true, changed: false, msg: 'failed to validate', exit_status: 1 });
    expect(readFileSync(dest, 'utf8')).toBe('good old');
    expect(readdirSync(t.dir)).toEqual(['f']); // the temp file is gone
    const good = await runModule(copy, { content: 'good new', dest, validate: "grep -q 'good new' %s" });
    expect(good.failed).toBeFalsy();
    expect(readFileSync(dest, 'utf8')).toBe('good new');
  });

  test('a path with shell characters stays one argument', async () => {
    const dest = join(t.dir, "we'ird $(touch pwned) name");
    await twice({ content: 'x', dest, validate: 'test -s %s' });
    expect(readFileSync(dest, 'utf8')).toBe('x');
    expect(existsSync(join(t.dir, 'pwned'))).toBe(false);
  });

  test('remote_src copies on the host and compares checksums there', async () => {
    const src = join(t.dir, 'src.txt');
    writeFileSync(src, 'remote\n');
    chmodSync(src, 0o700);
    const dest = join(t.dir, 'dst.txt');
    const [first] = await twice({ src, dest, remote_src: true });
    expect(first.checksum).toBe(sha1('remote\n'));
    expect(readFileSync(dest, 'utf8')).toBe('remote\n');
    expect(mode(dest)).toBe('0644');
    const missing = await runModule(copy, { src: join(t.dir, 'nope'), dest, remote_src: true });
    expect(missing).toMatchObject({ failed: true, msg: `Source ${join(t.dir, 'nope')} not found` });
  });

  test('a missing local src fails with the search locations', async () => {
    const r = await runModule(copy, { src: 'nope.conf', dest: join(t.dir, 'x') }, { dir: t.dir });
    expect(r.failed).toBe(true);
    expect(r.msg).toContain("Could not find or access 'nope.conf'");
  });

  test('check mode writes nothing and later tasks see the predicted file', async () => {
    mkdirSync(join(t.dir, 'existing'));
    writeFileSync(join(t.dir, 'existing/f'), 'old');
    const before = snapshot(t.dir);
    const overlay = new CheckOverlay();
    const r1 = await runModule(copy, { content: 'new', dest: join(t.dir, 'existing/f'), mode: '0600' }, { check: true, diff: true, overlay });
    const r2 = await runModule(copy, { content: 'x', dest: join(t.dir, 'made') + '/' }, { check: true, overlay });
    expect(r1.changed).toBe(true);
    expect(r1.diff).toEqual([{ before: 'old', after: 'new', beforeHeader: join(t.dir, 'existing/f'), afterHeader: 'dynamically generated' }]);
    expect(r2.failed).toBe(true); // content with a directory dest, as in Ansible
    const r3 = await runModule(copy, { content: 'new', dest: join(t.dir, 'existing/f'), mode: '0600' }, { check: true, overlay });
    expect(r3.changed).toBe(false); // the overlay remembers what the first task would have written
    expect(snapshot(t.dir)).toEqual(before);
  });
});
