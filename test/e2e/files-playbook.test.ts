import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, lstatSync, readlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomes, recap, ROOT, tsplay } from './cli.js';

const PLAYBOOK = join(ROOT, 'test/fixtures/e2e/site.yml');
const INVENTORY = join(ROOT, 'test/fixtures/e2e/inventory.ini');

function listTree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

const changedSet = (stdout: string) =>
  outcomes(stdout)
    .filter((o) => o.status === 'changed')
    .map((o) => `${o.host} | ${o.task}${o.item ? ` | ${o.item}` : ''}`)
    .sort();

describe('end to end: roles, loops, register, when, block/rescue, tags, every file module (local connection)', () => {
  let root: string;
  let checkRoot: string;
  const run = (dir: string, ...extra: string[]) => tsplay(['run', PLAYBOOK, '-i', INVENTORY, '-e', `root=${dir}`, ...extra]);

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'tsplay-e2e-'));
    checkRoot = mkdtempSync(join(tmpdir(), 'tsplay-e2e-check-'));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(checkRoot, { recursive: true, force: true });
  });

  let first: ReturnType<typeof run>;
  let checkRun: ReturnType<typeof run>;

  it('a dry run on a fresh folder writes nothing', () => {
    checkRun = run(checkRoot, '--check', '--diff');
    expect(checkRun.stderr).toBe('');
    expect(checkRun.code, checkRun.stdout).toBe(0);
    expect(listTree(checkRoot)).toEqual([]);
    expect(checkRun.stdout).toContain('PLAY RECAP');
  });

  it('the first real run changes things, rescues beta and leaves the files Ansible would', () => {
    first = run(root, '--diff');
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const r = recap(first.stdout);
    expect(r.alpha.changed).toBeGreaterThan(10);
    expect(r.alpha.failed).toBe(0);
    expect(r.beta.rescued).toBe(1);
    expect(r.beta.failed).toBe(0);
    expect(r.alpha.rescued).toBe(0);

    const a = join(root, 'alpha');
    expect(readFileSync(join(a, 'app.conf'), 'utf8')).toBe('# managed by handlebars\nlisten 8080\ncolor blue\nuser ann\nuser ben\n');
    expect(readFileSync(join(root, 'beta', 'app.conf'), 'utf8')).toContain('color green'); // host var beats group_vars
    expect(statSync(join(a, 'app.conf')).mode & 0o7777).toBe(0o640);
    expect(statSync(join(a, 'data')).isDirectory()).toBe(true);
    expect(statSync(join(a, 'data')).mode & 0o7777).toBe(0o750);
    expect(readFileSync(join(a, 'static.txt'), 'utf8')).toBe('a static file\n');
    expect(readFileSync(join(a, 'user-ann.txt'), 'utf8')).toBe('user ann\n');
    expect(readFileSync(join(a, 'common.txt'), 'utf8')).toBe('common\n');
    expect(readFileSync(join(a, 'restarted'), 'utf8')).toBe('restarted\n');
    expect(readFileSync(join(a, 'settings.ini'), 'utf8')).toBe(
      'port=8080\n# BEGIN ANSIBLE MANAGED BLOCK\ncolor=blue\nenv=e2e\n# END ANSIBLE MANAGED BLOCK\n',
    );
    expect(readFileSync(join(a, 'notes.txt'), 'utf8')).toBe('# managed by tsplay (hand)\nkeep me\n');
    expect(readlinkSync(join(a, 'app.link'))).toBe(join(a, 'app.conf'));
    expect(lstatSync(join(a, 'app.hard')).ino).toBe(lstatSync(join(a, 'app.conf')).ino);
    expect(existsSync(join(a, 'command-ran'))).toBe(true);
    expect(existsSync(join(a, 'rescued.txt'))).toBe(false);
    expect(readFileSync(join(root, 'beta', 'rescued.txt'), 'utf8')).toBe('rescued beta\n');
    expect(existsSync(join(a, 'always.txt'))).toBe(true);
    expect(existsSync(join(a, 'debug-only.txt'))).toBe(false); // tagged never
    expect(first.stdout).toContain('"msg": "port lines: 1"');
    // --diff shows unified diffs
    expect(first.stdout).toMatch(/--- before: .*app\.conf\n\+\+\+ after: .*\n@@ /);
    expect(first.stdout).toContain('+listen 8080');
  });

  it('--check predicts exactly the changed set of the real run', () => {
    expect(changedSet(checkRun.stdout)).toEqual(changedSet(first.stdout));
  });

  it('the second run changes nothing', () => {
    const second = run(root);
    expect(second.code, second.stdout).toBe(0);
    const r = recap(second.stdout);
    expect(r.alpha.changed).toBe(0);
    expect(r.beta.changed).toBe(0);
    expect(changedSet(second.stdout)).toEqual([]);
  });

  it('a check run after the real run predicts no change', () => {
    const again = run(root, '--check');
    expect(again.code).toBe(0);
    expect(changedSet(again.stdout)).toEqual([]);
  });

  it('tags select tasks: --tags edit runs only the edit tasks (and always), debugonly runs the never-tagged one', () => {
    const onlyEdit = run(root, '--tags', 'edit', '--list-tasks');
    expect(onlyEdit.code).toBe(0);
    expect(onlyEdit.stdout).toContain('Settings line');
    expect(onlyEdit.stdout).not.toContain('App config');
    const dbg = run(root, '--tags', 'debugonly');
    expect(dbg.code).toBe(0);
    expect(readFileSync(join(root, 'alpha', 'debug-only.txt'), 'utf8')).toBe('never by default\n');
    expect(recap(dbg.stdout).alpha.changed).toBe(1);
  });
});
