import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckOverlay } from '../../src/modules/lib/check-overlay.js';
import blockinfile from '../../src/modules/blockinfile.js';
import { runModule, snapshot, tempDir } from './harness.js';

/** blockinfile for real, on files of this machine through a LocalConnection. */

let dir: string;
let cleanup: () => void;
let file: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('tsplay-blockinfile-'));
  file = join(dir, 'hosts');
});
afterEach(() => cleanup());

const modeOf = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');
const BLOCK = '10.0.0.1 a\n10.0.0.2 b\n';
const WITH_BLOCK = `127.0.0.1 localhost\n# BEGIN ANSIBLE MANAGED BLOCK\n${BLOCK}# END ANSIBLE MANAGED BLOCK\n`;

describe('blockinfile on this machine', () => {
  it('inserts, then is ok on the second run', async () => {
    writeFileSync(file, '127.0.0.1 localhost\n');
    const first = await runModule(blockinfile, { path: file, block: BLOCK });
    expect(first).toMatchObject({ changed: true, msg: 'Block inserted' });
    expect(readFileSync(file, 'utf8')).toBe(WITH_BLOCK);
    const second = await runModule(blockinfile, { path: file, block: BLOCK });
    expect(second).toMatchObject({ changed: false });
    expect(readFileSync(file, 'utf8')).toBe(WITH_BLOCK);
  });

  it('updates the block in place and removes it', async () => {
    writeFileSync(file, `${WITH_BLOCK}::1 localhost\n`);
    expect(await runModule(blockinfile, { path: file, block: 'x\n' })).toMatchObject({ changed: true, msg: 'Block inserted' });
    expect(readFileSync(file, 'utf8')).toBe('127.0.0.1 localhost\n# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n::1 localhost\n');
    expect(await runModule(blockinfile, { path: file, state: 'absent' })).toMatchObject({ changed: true, msg: 'Block removed' });
    expect(readFileSync(file, 'utf8')).toBe('127.0.0.1 localhost\n::1 localhost\n');
  });

  it('check mode shows the diff and writes nothing; a later check-mode task sees the block', async () => {
    writeFileSync(file, '127.0.0.1 localhost\n');
    const before = snapshot(dir);
    const overlay = new CheckOverlay();
    const r = await runModule(blockinfile, { path: file, block: BLOCK }, { check: true, diff: true, overlay });
    expect(r).toMatchObject({ changed: true, msg: 'Block inserted' });
    expect(r.diff).toEqual([{ before: '127.0.0.1 localhost\n', after: WITH_BLOCK, beforeHeader: `${file} (content)`, afterHeader: `${file} (content)` }]);
    expect(snapshot(dir)).toEqual(before);
    expect(await runModule(blockinfile, { path: file, block: BLOCK }, { check: true, overlay })).toMatchObject({ changed: false });
  });

  it('keeps the mode of an existing file, backup keeps the old one', async () => {
    writeFileSync(file, 'a\n');
    chmodSync(file, 0o640);
    const r = await runModule(blockinfile, { path: file, block: 'x', backup: true });
    expect(r.changed).toBe(true);
    expect(modeOf(file)).toBe('0640');
    expect(readFileSync(r.backup_file as string, 'utf8')).toBe('a\n');
  });

  it('creates a missing file with create, and fails without', async () => {
    const missing = join(dir, 'sub', 'new.conf');
    expect(await runModule(blockinfile, { path: missing, block: 'x' })).toMatchObject({ failed: true, rc: 257, msg: `Path ${missing} does not exist !` });
    expect(await runModule(blockinfile, { path: missing, block: 'x', create: true })).toMatchObject({ changed: true, msg: 'File created' });
    expect(readFileSync(missing, 'utf8')).toBe('# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n');
  });

  it('validates before writing', async () => {
    writeFileSync(file, 'a\n');
    const r = await runModule(blockinfile, { path: file, block: 'x', validate: 'grep -q nothing-like-this %s' });
    expect(r).toMatchObject({ failed: true, msg: 'failed to validate: rc:1 error:' });
    expect(readFileSync(file, 'utf8')).toBe('a\n');
    expect(existsSync(file)).toBe(true);
  });

  it('accepts the aliases dest and content', async () => {
    writeFileSync(file, '');
    expect(await runModule(blockinfile, { dest: file, content: 'x', marker: '<!-- {mark} -->' })).toMatchObject({ changed: true });
    expect(readFileSync(file, 'utf8')).toBe('<!-- BEGIN -->\nx\n<!-- END -->\n');
  });
});
