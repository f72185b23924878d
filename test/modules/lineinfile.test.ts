import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckOverlay } from '../../src/modules/lib/check-overlay.js';
import lineinfile from '../../src/modules/lineinfile.js';
import { runModule, snapshot, tempDir } from './harness.js';

/** lineinfile for real, on files of this machine through a LocalConnection. */

let dir: string;
let cleanup: () => void;
let file: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('tsplay-lineinfile-'));
  file = join(dir, 'app.conf');
});
afterEach(() => cleanup());

const modeOf = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');

describe('lineinfile on this machine', () => {
  it('changes, then is ok on the second run', async () => {
    writeFileSync(file, 'port=22\nuser=root\n');
    const args = { path: file, regexp: '^port=', line: 'port=2222' };
    const first = await runModule(lineinfile, args);
    expect(first).toMatchObject({ changed: true, msg: 'line replaced' });
    expect(first.failed).toBeFalsy();
    expect(readFileSync(file, 'utf8')).toBe('port=2222\nuser=root\n');
    const second = await runModule(lineinfile, args);
    expect(second).toMatchObject({ changed: false, msg: '' });
    expect(readFileSync(file, 'utf8')).toBe('port=2222\nuser=root\n');
  });

  it('check mode reports the change and the diff but writes nothing', async () => {
    writeFileSync(file, 'a\n');
    const before = snapshot(dir);
    const r = await runModule(lineinfile, { path: file, line: 'b' }, { check: true, diff: true });
    expect(r).toMatchObject({ changed: true, msg: 'line added' });
    expect(r.diff).toEqual([{ before: 'a\n', after: 'a\nb\n', beforeHeader: `${file} (content)`, afterHeader: `${file} (content)` }]);
    expect(snapshot(dir)).toEqual(before);
  });

  it('check mode lets a later task see what an earlier one would write', async () => {
    const overlay = new CheckOverlay();
    const created = await runModule(lineinfile, { path: file, line: 'a', create: true }, { check: true, overlay });
    expect(created).toMatchObject({ changed: true, msg: 'line added' });
    // the file does not exist, yet the second task knows the line would be there
    const again = await runModule(lineinfile, { path: file, line: 'a' }, { check: true, overlay });
    expect(again).toMatchObject({ changed: false });
    expect(again.failed).toBeFalsy();
    expect(existsSync(file)).toBe(false);
  });

  it('keeps the mode of an existing file', async () => {
    writeFileSync(file, 'a\n');
    chmodSync(file, 0o600);
    await runModule(lineinfile, { path: file, line: 'b' });
    expect(readFileSync(file, 'utf8')).toBe('a\nb\n');
    expect(modeOf(file)).toBe('0600');
  });

  it('backup keeps a copy of the old file', async () => {
    writeFileSync(file, 'a\n');
    const r = await runModule(lineinfile, { path: file, line: 'b', backup: true });
    expect(r.changed).toBe(true);
    expect(typeof r.backup_file).toBe('string');
    expect(r.backup).toBe(r.backup_file);
    expect(r.backup_file as string).toMatch(new RegExp(`^${file}\\.\\d+\\.\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d~$`));
    expect(readFileSync(r.backup_file as string, 'utf8')).toBe('a\n');
    expect(readFileSync(file, 'utf8')).toBe('a\nb\n');
  });

  it('creates the file and its directory, with the mode asked for', async () => {
    const nested = join(dir, 'etc', 'app', 'new.conf');
    const r = await runModule(lineinfile, { path: nested, line: 'x', create: true, mode: '0640' });
    expect(r).toMatchObject({ changed: true, msg: 'line added and ownership, perms or SE linux context changed' });
    expect(readFileSync(nested, 'utf8')).toBe('x\n');
    expect(modeOf(nested)).toBe('0640');
    expect(await runModule(lineinfile, { path: nested, line: 'x', create: true, mode: '0640' })).toMatchObject({ changed: false });
  });

  it('a directory that cannot be made fails as Ansible says it, in the same round trip as the write', async () => {
    writeFileSync(join(dir, 'plain'), 'a file, not a directory\n');
    const r = await runModule(lineinfile, { path: join(dir, 'plain', 'sub', 'new.conf'), line: 'x', create: true });
    expect(r).toMatchObject({ failed: true, changed: false });
    expect(String(r.msg)).toMatch(new RegExp(`^Error creating ${dir}/plain/sub \\(mkdir: .*\\)$`));
  });

  it('fixes attributes alone when the content is right', async () => {
    writeFileSync(file, 'x\n');
    chmodSync(file, 0o644);
    const r = await runModule(lineinfile, { path: file, line: 'x', mode: 'u=rw,go=' });
    expect(r).toMatchObject({ changed: true, msg: 'ownership, perms or SE linux context changed' });
    expect(modeOf(file)).toBe('0600');
    expect(readFileSync(file, 'utf8')).toBe('x\n');
    expect(await runModule(lineinfile, { path: file, line: 'x', mode: '0600' })).toMatchObject({ changed: false });
  });

  it('edits the target of a link and keeps the link', async () => {
    writeFileSync(file, 'a\n');
    const link = join(dir, 'link.conf');
    symlinkSync(file, link);
    const r = await runModule(lineinfile, { path: link, line: 'b' });
    expect(r.changed).toBe(true);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('a\nb\n');
  });

  it('fails on a missing file without create, with rc 257', async () => {
    const r = await runModule(lineinfile, { path: join(dir, 'nope'), line: 'x' });
    expect(r).toMatchObject({ failed: true, changed: false, rc: 257, msg: `Destination ${join(dir, 'nope')} does not exist !` });
  });

  it('fails on a directory, with rc 256', async () => {
    mkdirSync(join(dir, 'd'));
    const r = await runModule(lineinfile, { path: join(dir, 'd'), line: 'x' });
    expect(r).toMatchObject({ failed: true, rc: 256, msg: `Path ${join(dir, 'd')} is a directory !` });
  });

  it('removes lines with state=absent and reports how many', async () => {
    writeFileSync(file, '#a\nb\n#c\n');
    const r = await runModule(lineinfile, { path: file, regexp: '^#', state: 'absent' });
    expect(r).toMatchObject({ changed: true, msg: '2 line(s) removed', found: 2 });
    expect(readFileSync(file, 'utf8')).toBe('b\n');
  });

  it('accepts the aliases dest, regex and value', async () => {
    writeFileSync(file, 'k=1\n');
    const r = await runModule(lineinfile, { dest: file, regex: '^k=', value: 'k=2' });
    expect(r).toMatchObject({ changed: true, msg: 'line replaced' });
    expect(readFileSync(file, 'utf8')).toBe('k=2\n');
  });
});

describe('lineinfile validate', () => {
  const cases: [string, string, { changed: boolean; failed?: boolean; msg: string }, string][] = [
    ['a passing command', 'grep -q new %s', { changed: true, msg: 'line added' }, 'old\nnew\n'],
    ['a refusing command', "sh -c 'echo bad >&2; exit 3' %s", { changed: false, failed: true, msg: 'failed to validate: rc:3 error:bad\n' }, 'old\n'],
    ['a command without %s', 'true', { changed: false, failed: true, msg: 'validate must contain %s: true' }, 'old\n'],
  ];
  it.each(cases)('%s', async (_name, validate, expected, content) => {
    writeFileSync(file, 'old\n');
    const r = await runModule(lineinfile, { path: file, line: 'new', validate });
    expect(r).toMatchObject(expected);
    expect(readFileSync(file, 'utf8')).toBe(content);
  });
});

describe('lineinfile arguments', () => {
  const errors: [Record<string, unknown>, string][] = [
    [{ path: '/x', line: 'a', insertafter: 'a', insertbefore: 'b' }, 'parameters are mutually exclusive: insertbefore|insertafter'],
    [{ path: '/x', line: 'a', regexp: 'a', search_string: 'b' }, 'parameters are mutually exclusive: regexp|search_string'],
    [{ path: '/x', line: 'a', unknown: 1 }, 'Unrecognized key'],
    [{ path: '/x', line: 'a', mode: 'rwx' }, 'invalid mode'],
  ];
  it.each(errors)('%j is refused', (args, message) => {
    const r = lineinfile.args.safeParse(args);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message).join('; ')).toContain(message);
  });

  it('takes numbers for line as Ansible does (str)', () => {
    expect(lineinfile.args.parse({ path: '/x', line: 8080 }).line).toBe('8080');
  });
});
