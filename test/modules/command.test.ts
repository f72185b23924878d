import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import command from '../../src/modules/command.js';
import shell from '../../src/modules/shell.js';
import { shlexSplit } from '../../src/modules/lib/shlex.js';
import { runModule, snapshot, tempDir } from './harness.js';

describe('shlexSplit: Python shlex.split semantics', () => {
  it.each([
    ['ls -l /tmp', ['ls', '-l', '/tmp']],
    ['echo "a b" c', ['echo', 'a b', 'c']],
    ["echo 'a \"b\" c'", ['echo', 'a "b" c']],
    ['echo a\\ b', ['echo', 'a b']],
    ['echo "x\\"y"', ['echo', 'x"y']],
    ['echo ""', ['echo', '']],
    ['  spaced   out  ', ['spaced', 'out']],
    ['a;b', ['a;b']],
  ])('%s', (line, words) => {
    expect(shlexSplit(line)).toEqual(words);
  });
  it('rejects an unterminated quote', () => {
    expect(() => shlexSplit('echo "open')).toThrow(/unterminated/);
  });
});

describe('command and shell on this machine', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('command runs without a shell: metacharacters are data, one argument each', async () => {
    const evil = join(dir, 'x; touch pwned');
    const r = await runModule(command, { argv: ['touch', evil] });
    expect(r.rc).toBe(0);
    expect(existsSync(evil)).toBe(true);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    const r2 = await runModule(command, { cmd: `echo $HOME "a  b" ;` });
    expect(r2.stdout).toBe('$HOME a  b ;');
  });

  it('result fields as in Ansible: rc, stdout, stderr, *_lines, changed, failed on non-zero', async () => {
    const ok = await runModule(shell, { cmd: 'printf "one\\ntwo\\n"; echo err >&2' });
    expect(ok).toMatchObject({ changed: true, rc: 0, stdout: 'one\ntwo', stdout_lines: ['one', 'two'], stderr: 'err', stderr_lines: ['err'] });
    expect(ok.failed).toBe(false);
    const bad = await runModule(shell, { cmd: 'exit 3' });
    expect(bad).toMatchObject({ rc: 3, failed: true, msg: 'non-zero return code' });
  });

  it('chdir, stdin (with and without the added newline), executable', async () => {
    expect((await runModule(command, { cmd: 'pwd', chdir: dir })).stdout).toBe(dir);
    expect((await runModule(shell, { cmd: 'od -c | head -1', stdin: 'hi' })).stdout).toContain('h   i  \\n');
    expect((await runModule(shell, { cmd: 'wc -c', stdin: 'hi', stdin_add_newline: false })).stdout?.trim()).toBe('2');
    expect((await runModule(shell, { cmd: 'echo $0', executable: '/bin/bash' })).stdout).toBe('/bin/bash');
  });

  it('creates / removes make a second run ok (globs allowed, injection is not)', async () => {
    const marker = join(dir, 'made.txt');
    const args = { cmd: `touch ${marker}`, creates: join(dir, 'made.*') };
    expect((await runModule(shell, args)).changed).toBe(true);
    const second = await runModule(shell, args);
    expect(second).toMatchObject({ changed: false, rc: 0 });
    expect(String(second.msg)).toContain('exists');
    const removes = await runModule(command, { cmd: 'true', removes: join(dir, 'nothing; touch pwned*') });
    expect(removes.changed).toBe(false);
    expect(existsSync(join(dir, 'pwned*'))).toBe(false);
    expect(existsSync(join(dir, ' touch pwned'))).toBe(false);
  });

  it('check mode runs nothing and predicts a change; creates that exists predicts ok', async () => {
    const before = snapshot(dir);
    const r = await runModule(shell, { cmd: `touch ${join(dir, 'f')}` }, { check: true });
    expect(r).toMatchObject({ changed: true, check_mode_not_run: true });
    expect(snapshot(dir)).toEqual(before);
    writeFileSync(join(dir, 'exists'), '');
    expect((await runModule(command, { cmd: 'false', creates: join(dir, 'exists') }, { check: true })).changed).toBe(false);
  });

  it('argv: a word with spaces and ; arrives as one argument; check mode skips it', async () => {
    const word = join(dir, 'a b; touch pwned');
    const checked = await runModule(command, { argv: ['touch', word] }, { check: true });
    expect(checked).toMatchObject({ changed: true, check_mode_not_run: true, cmd: ['touch', word] });
    expect(existsSync(word)).toBe(false);
    const r = await runModule(command, { argv: ['touch', word] });
    expect(r).toMatchObject({ rc: 0, changed: true });
    expect(existsSync(word)).toBe(true);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect(existsSync(join(dir, 'a'))).toBe(false);
  });

  it('environment given by the task reaches the command, quoted', async () => {
    const { makeModuleContext } = await import('../../src/exec/module-context.js');
    const { LocalConnection } = await import('../../src/connection/local.js');
    const ctx = makeModuleContext({ conn: new LocalConnection('localhost'), host: 'localhost', check: false, diff: false, vars: {}, env: { MY_VAR: "it's; $(rm -rf /)" } });
    const r = await shell.run!(ctx, shell.args.parse({ cmd: 'printf %s "$MY_VAR" > out', chdir: dir }));
    expect(r.rc).toBe(0);
    expect(readFileSync(join(dir, 'out'), 'utf8')).toBe("it's; $(rm -rf /)");
  });

  it.each([
    [command, {}, /exactly one of cmd/],
    [command, { cmd: 'ls', argv: ['ls'] }, /exactly one/],
    [shell, { cmd: 'ls', bogus: 1 }, /bogus|unrecognized/i],
  ] as const)('bad arguments are refused: %#', async (def, args, msg) => {
    const r = await runModule(def as typeof command, args);
    expect(r.failed).toBe(true);
    expect(String(r.msg)).toMatch(msg);
  });
});
