import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import replace from '../../src/modules/replace.js';
import { runModule, snapshot, tempDir } from './harness.js';

/** replace for real, on files of this machine through a LocalConnection. */

let dir: string;
let cleanup: () => void;
let file: string;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('tsplay-replace-'));
  file = join(dir, 'sshd_config');
});
afterEach(() => cleanup());

const modeOf = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');
const CONFIG = '#Port 22\nPermitRootLogin yes\n#PermitRootLogin no\n';
const args = () => ({ path: file, regexp: '^#?PermitRootLogin \\w+$', replace: 'PermitRootLogin no' });

describe('replace on this machine', () => {
  it('replaces, then is ok on the second run', async () => {
    writeFileSync(file, CONFIG);
    expect(await runModule(replace, args())).toMatchObject({ changed: true, msg: '2 replacements made', rc: 0 });
    expect(readFileSync(file, 'utf8')).toBe('#Port 22\nPermitRootLogin no\nPermitRootLogin no\n');
    expect(await runModule(replace, args())).toMatchObject({ changed: false, msg: '', rc: 0 });
  });

  it('check mode shows the diff (headers: the path) and writes nothing', async () => {
    writeFileSync(file, CONFIG);
    const before = snapshot(dir);
    const r = await runModule(replace, args(), { check: true, diff: true });
    expect(r).toMatchObject({ changed: true, msg: '2 replacements made' });
    expect(r.diff).toEqual([{ before: CONFIG, after: '#Port 22\nPermitRootLogin no\nPermitRootLogin no\n', beforeHeader: file, afterHeader: file }]);
    expect(snapshot(dir)).toEqual(before);
  });

  it('keeps the mode of the file; backup keeps the old content', async () => {
    writeFileSync(file, CONFIG);
    chmodSync(file, 0o600);
    const r = await runModule(replace, { ...args(), backup: true });
    expect(modeOf(file)).toBe('0600');
    expect(readFileSync(r.backup_file as string, 'utf8')).toBe(CONFIG);
  });

  it('restricts the change to the section between after and before', async () => {
    writeFileSync(file, 'x\n<a>\nx\n</a>\nx\n');
    expect(await runModule(replace, { path: file, regexp: 'x', replace: 'y', after: '<a>', before: '</a>' })).toMatchObject({ changed: true, msg: '1 replacements made' });
    expect(readFileSync(file, 'utf8')).toBe('x\n<a>\ny\n</a>\nx\n');
  });

  it('keeps bytes that are not UTF-8', async () => {
    writeFileSync(file, Buffer.from([0x6b, 0x3d, 0xff, 0x0a, 0x6f, 0x6c, 0x64, 0x0a]));
    expect(await runModule(replace, { path: file, regexp: 'old', replace: 'new' })).toMatchObject({ changed: true });
    expect(readFileSync(file)).toEqual(Buffer.from([0x6b, 0x3d, 0xff, 0x0a, 0x6e, 0x65, 0x77, 0x0a]));
  });

  it('reads latin-1 files when told', async () => {
    writeFileSync(file, Buffer.from('café\n', 'latin1'));
    expect(await runModule(replace, { path: file, regexp: 'é', replace: 'è', encoding: 'latin-1' })).toMatchObject({ changed: true });
    expect(readFileSync(file)).toEqual(Buffer.from('cafè\n', 'latin1'));
  });

  it('fails on a missing file with rc 257', async () => {
    const missing = join(dir, 'nope');
    expect(await runModule(replace, { path: missing, regexp: 'x' })).toMatchObject({ failed: true, rc: 257, msg: `Path ${missing} does not exist !` });
  });

  it('needs regexp', () => {
    expect(replace.args.safeParse({ path: file }).success).toBe(false);
  });
});
