import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tsplay } from './cli.js';

/**
 * Every bad input is found before any host is touched: exit 3, a message with file:line:col.
 * Each playbook's first task would write a marker file; the marker must never appear.
 */
interface Case {
  name: string;
  /** the rest of the play's task list, after the marker task (or a whole playbook when `whole`) */
  tasks?: string;
  whole?: string;
  files?: Record<string, string>;
  inventory?: string;
  message: RegExp;
  /** line:col in site.yml (or the file named by `at`) */
  pos: string;
  at?: string;
}

const MARKER_TASK = `    - name: marker
      copy:
        dest: "{{marker}}"
        content: touched
`;

const cases: Case[] = [
  { name: 'YAML syntax error', tasks: '    - name: x\n      debug: {msg: "unclosed\n', message: /YAML|quote|flow|unexpected|missing/i, pos: '' },
  { name: 'duplicate key', tasks: '    - name: a\n      debug: {msg: 1}\n      name: b\n', message: /duplicate|unique/i, pos: '13:7' },
  { name: 'unknown task keyword', tasks: '    - name: a\n      debug: {msg: 1}\n      whn: true\n', message: /whn/, pos: '13:7' },
  { name: 'unknown module, did you mean', tasks: '    - name: a\n      copyy:\n        dest: /tmp/x\n', message: /copyy[\s\S]*copy/, pos: '12:7' },
  { name: 'unknown module argument', tasks: '    - name: a\n      copy:\n        dest: /tmp/x\n        contnt: y\n', message: /contnt[\s\S]*content/, pos: '14:9' },
  { name: 'mistyped module argument', tasks: '    - name: a\n      file:\n        path: /tmp/x\n        state: dir\n', message: /state/, pos: '14:' },
  { name: 'missing template', tasks: '    - name: a\n      template:\n        src: nothere.hbs\n        dest: /tmp/x\n', message: /nothere\.hbs/, pos: '13:' },
  { name: 'missing file for copy', tasks: '    - name: a\n      copy:\n        src: nothere.txt\n        dest: /tmp/x\n', message: /nothere\.txt/, pos: '13:' },
  { name: 'bad when expression', tasks: '    - name: a\n      debug: {msg: 1}\n      when: x ==\n', message: /when|expression|unexpected/i, pos: '13:' },
  { name: 'bad template syntax', tasks: '    - name: a\n      debug:\n        msg: "{{#if x}}no end"\n', message: /template|parse|if/i, pos: '13:' },
  {
    name: 'unknown role',
    whole: '- hosts: all\n  gather_facts: false\n  tasks:\n' + MARKER_TASK + '- hosts: all\n  roles:\n    - webap\n',
    files: { 'roles/webapp/tasks/main.yml': '- debug: {msg: hi}\n' },
    message: /webap[\s\S]*webapp/,
    pos: '10:7',
  },
  { name: 'unknown play keyword', whole: '- hosts: all\n  gather_facts: false\n  taks: []\n  tasks:\n' + MARKER_TASK, message: /taks[\s\S]*tasks/, pos: '3:3' },
  {
    name: 'error inside a role file',
    whole: '- hosts: all\n  gather_facts: false\n  tasks:\n' + MARKER_TASK + '- hosts: all\n  roles: [web]\n',
    files: { 'roles/web/tasks/main.yml': '- name: ok\n  debug: {msg: hi}\n- name: bad\n  lineinfile:\n    path: /tmp/x\n    lin: y\n' },
    message: /lin\b[\s\S]*line/,
    at: 'roles/web/tasks/main.yml',
    pos: '6:5',
  },
  {
    name: 'bad inventory',
    tasks: '',
    inventory: '[web]\nh1 ansible_connection=local\n[web:chldren]\n',
    message: /chldren|children/,
    at: 'inventory.ini',
    pos: '3:',
  },
];

describe('bad input: exit 3, file:line:col, no host touched', () => {
  let base: string;
  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'tsplay-bad-'));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it.each(cases)('$name', (c) => {
    const dir = join(base, c.name.replace(/\W+/g, '-'));
    mkdirSync(dir, { recursive: true });
    const playbook =
      c.whole ?? '- name: bad input\n  hosts: all\n  gather_facts: false\n  vars:\n    unused: 1\n  tasks:\n' + MARKER_TASK + (c.tasks ?? '');
    writeFileSync(join(dir, 'site.yml'), playbook);
    writeFileSync(join(dir, 'inventory.ini'), c.inventory ?? '[web]\nh1 ansible_connection=local\n');
    for (const [name, content] of Object.entries(c.files ?? {})) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
    const marker = join(dir, 'marker');
    const r = tsplay(['run', join(dir, 'site.yml'), '-i', join(dir, 'inventory.ini'), '-e', `marker=${marker}`]);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stderr).toMatch(c.message);
    const file = join(dir, c.at ?? 'site.yml');
    expect(r.stderr).toContain(`${file}:${c.pos}`);
    expect(existsSync(marker)).toBe(false);
    expect(r.stdout).not.toContain('TASK [');
  });
});

describe('bad command line: exit 5', () => {
  it.each([
    [['run'], /missing required argument/],
    [['run', 'x.yml', '--forks', 'zero'], /forks/],
    [['frobnicate'], /unknown command/],
  ])('%j', (args, msg) => {
    const r = tsplay(args as string[]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(msg);
  });
});
