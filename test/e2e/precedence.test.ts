import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tsplay } from './cli.js';

/**
 * Variable precedence, lowest first. Variable vN is defined at level N and at every level above
 * it, each time with that level's name, so vN must come out as level N's name: a level that wins
 * too early or too late shows up as a wrong name in one place.
 */
const LEVELS = [
  'role-defaults',
  'inventory-all',
  'parent-group',
  'child-group',
  'host',
  'play-vars',
  'vars-files',
  'role-vars',
  'block-vars',
  'task-vars',
  'set-fact',
  'extra-vars',
] as const;

type Level = (typeof LEVELS)[number];
const N = LEVELS.length;

/** The variables a level defines, as YAML lines: v(rank) .. v(N), each set to the level's name. */
function yamlVars(level: Level, indent = ''): string {
  const rank = LEVELS.indexOf(level) + 1;
  return Array.from({ length: N - rank + 1 }, (_, i) => `${indent}v${rank + i}: ${level}\n`).join('');
}

describe('variable precedence: role defaults < inventory < play < vars_files < role vars < block < task < set_fact < extra vars', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-prec-'));
    const files: Record<string, string> = {
      'inventory.ini': '[parent:children]\nchild\n\n[child]\nh1 ansible_connection=local\n',
      'group_vars/all.yml': yamlVars('inventory-all'),
      'group_vars/parent.yml': yamlVars('parent-group'),
      'group_vars/child.yml': yamlVars('child-group'),
      'host_vars/h1.yml': yamlVars('host'),
      'vars.yml': yamlVars('vars-files'),
      'roles/prec/defaults/main.yml': yamlVars('role-defaults'),
      'roles/prec/vars/main.yml': yamlVars('role-vars'),
      'roles/prec/tasks/main.yml':
        `- name: set facts\n  set_fact:\n${yamlVars('set-fact', '    ')}` +
        `- name: a block\n  vars:\n${yamlVars('block-vars', '    ')}  block:\n` +
        `    - name: write what wins\n      vars:\n${yamlVars('task-vars', '        ')}` +
        `      copy:\n        dest: "{{out}}"\n        content: "${Array.from({ length: N }, (_, i) => `v${i + 1}={{v${i + 1}}}`).join('\\n')}\\n"\n`,
      'site.yml':
        `- hosts: child\n  gather_facts: false\n  vars:\n${yamlVars('play-vars', '    ')}  vars_files:\n    - vars.yml\n  roles:\n    - prec\n`,
    };
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('each level wins over the one below it and loses to the one above', () => {
    const out = join(dir, 'out.txt');
    const r = tsplay(['run', join(dir, 'site.yml'), '-i', join(dir, 'inventory.ini'), '-e', `out=${out}`, '-e', `v${N}=extra-vars`]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const got = readFileSync(out, 'utf8').trim().split('\n');
    expect(got).toEqual(LEVELS.map((level, i) => `v${i + 1}=${level}`));
  });

  it('a later -e wins over an earlier one, in every form', () => {
    const out = join(dir, 'out2.txt');
    writeFileSync(join(dir, 'extra.yml'), `v${N}: from-file\n`);
    const r = tsplay(['run', join(dir, 'site.yml'), '-i', join(dir, 'inventory.ini'), '-e', `out=${out}`, '-e', `{"v${N}": "from-json"}`, '-e', `@${join(dir, 'extra.yml')}`]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain(`v${N}=from-file\n`);
  });
});
