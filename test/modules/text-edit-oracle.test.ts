import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blockinfileCases } from './blockinfile-cases.js';
import { type EditCase, type EditOutcome, expectedOutcome } from './edit-case.js';
import { lineinfileCases } from './lineinfile-cases.js';
import { replaceCases } from './replace-cases.js';

/**
 * Checks the tables themselves against Ansible: each row is run through the real module of the
 * installed ansible-core (Debian's, the one the benchmark compares with), straight from Python with
 * an arguments file, on a real file. Skipped where ansible-core is not installed.
 */

const PYTHON = '/usr/bin/python3';
const available = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import ansible.modules.lineinfile'], { stdio: 'ignore' }).status === 0;
const root = available ? mkdtempSync(join(tmpdir(), 'tsplay-oracle-')) : '';
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

let counter = 0;

function runAnsible(module: string, c: EditCase): { outcome: EditOutcome; crashed: boolean } {
  const dir = join(root, String(counter++));
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const path = join(dir, 'file.txt');
  if (c.before !== null) writeFileSync(path, c.before);
  const argsFile = join(dir, 'args.json');
  const moduleArgs = { ...c.args, path, _ansible_check_mode: false, _ansible_diff: false, _ansible_tmpdir: join(dir, 'tmp'), _ansible_remote_tmp: join(dir, 'tmp') };
  writeFileSync(argsFile, JSON.stringify({ ANSIBLE_MODULE_ARGS: moduleArgs }));
  const r = spawnSync(PYTHON, ['-m', `ansible.modules.${module}`, argsFile], { cwd: dir, encoding: 'utf8' });
  const json = r.stdout.slice(r.stdout.indexOf('{'));
  let result: Record<string, unknown>;
  try {
    result = JSON.parse(json) as Record<string, unknown>;
  } catch {
    // a Python traceback instead of a result
    result = { failed: true, msg: 'MODULE FAILURE' };
  }
  const crashed = result.msg === 'MODULE FAILURE' || /Traceback/.test(r.stderr);
  const warnings = result.warnings;
  return {
    crashed,
    outcome: {
      after: existsSync(path) ? readFileSync(path, 'utf8') : null,
      changed: result.changed === true,
      msg: String(result.msg ?? '').split(path).join('PATH'),
      failed: result.failed === true,
      ...(c.rc !== undefined ? { rc: result.rc as number } : {}),
      ...(c.found !== undefined ? { found: result.found as number } : {}),
      warns: Array.isArray(warnings) && warnings.length > 0,
    },
  };
}

const tables: [string, EditCase[]][] = [
  ['lineinfile', lineinfileCases],
  ['blockinfile', blockinfileCases],
  ['replace', replaceCases],
];

describe.skipIf(!available).each(tables)('%s table agrees with ansible-core', (module, cases) => {
  it.each(cases.filter((c) => !c.newerAnsible))('$name', (c) => {
    const { outcome, crashed } = runAnsible(module, c);
    if (c.ansibleCrashes) {
      // Ansible dies with a traceback; the file must be untouched, and we fail instead
      expect(crashed || outcome.failed).toBe(true);
      expect(outcome.after).toBe(c.before);
      return;
    }
    expect(outcome).toEqual(expectedOutcome(c));
  });
});
