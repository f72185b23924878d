import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationErrors } from '../../src/errors.js';
import { loadIncludeRoleAtRuntime, loadIncludeTasksAtRuntime } from '../../src/playbook/includes.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import { findLocalFile } from '../../src/playbook/local-files.js';
import type { Block, IncludeRole, IncludeTasks, Play, RoleInstance, Task, TaskNode } from '../../src/playbook/types.js';
import { registerTestModules } from './playbook-test-modules.js';

let root: string;
let n = 0;
beforeAll(() => {
  registerTestModules();
  root = mkdtempSync(join(tmpdir(), 'tsplay-playbook-roles-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  const dir = join(root, String(n++));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function firstPlay(dir: string, extraRolesPaths?: string[]): Promise<Play> {
  const pb = await loadPlaybook(join(dir, 'site.yml'), { extraRolesPaths });
  return pb.plays[0]!;
}

const msgTask = (msg: string) => `- debug: msg=${msg}\n`;
const firstMsg = (b: TaskNode) => ((b as Block).block[0] as Task).args.msg;

describe('role lookup', () => {
  it('searches roles/, then the extra paths, then role directories beside the playbook', async () => {
    const dir = tree({
      'site.yml': '- hosts: all\n  roles: [a, b, c]\n',
      'roles/a/tasks/main.yml': msgTask('a-from-roles'),
      'extra/a/tasks/main.yml': msgTask('a-from-extra'),
      'extra/b/tasks/main.yml': msgTask('b-from-extra'),
      'c/tasks/main.yml': msgTask('c-beside'),
    });
    const play = await firstPlay(dir, [join(dir, 'extra')]);
    expect(play.roles.map(firstMsg)).toEqual(['a-from-roles', 'b-from-extra', 'c-beside']);
    expect(play.roles.map((b) => b.role?.path)).toEqual([join(dir, 'roles/a'), join(dir, 'extra/b'), join(dir, 'c')]);
  });

  it('does not take a plain directory beside the playbook for a role', async () => {
    const dir = tree({ 'site.yml': '- hosts: all\n  roles: [files]\n', 'files/x.txt': 'x' });
    await expect(firstPlay(dir)).rejects.toThrow(/role 'files' not found/);
  });

  it('accepts a path as role name', async () => {
    const dir = tree({ 'site.yml': '- hosts: all\n  roles: [../shared/r]\n', 'roles/x/tasks/main.yml': '' });
    mkdirSync(join(dir, '../shared/r/tasks'), { recursive: true });
    writeFileSync(join(dir, '../shared/r/tasks/main.yml'), msgTask('shared'));
    const play = await firstPlay(dir);
    expect([play.roles[0]!.name, firstMsg(play.roles[0]!)]).toEqual(['role r', 'shared']);
  });
});

describe('roles once per play', () => {
  it.each([
    ['same role twice', '[e, e]', ['role e']],
    ['different params', '[e, {role: e, p: 1}]', ['role e', 'role e']],
    ['different conditions', '[e, {role: e, when: x}]', ['role e', 'role e']],
    ['allow_duplicates in meta', '[d, d]', ['role d', 'role d']],
    ['dependency shared by two roles', '[f, g]', ['role e', 'role f', 'role g']],
  ])('%s', async (_name, roles, expected) => {
    const dir = tree({
      'site.yml': `- hosts: all\n  roles: ${roles}\n`,
      'roles/e/tasks/main.yml': msgTask('e'),
      'roles/d/tasks/main.yml': msgTask('d'),
      'roles/d/meta/main.yml': 'allow_duplicates: true\n',
      'roles/f/meta/main.yml': 'dependencies: [e]\n',
      'roles/g/meta/main.yml': 'dependencies: [e]\n',
    });
    const play = await firstPlay(dir);
    expect(play.roles.map((b) => b.name)).toEqual(expected);
  });
});

describe('import_role / include_role options', () => {
  it('reads tasks_from, vars_from, defaults_from and passes vars as role params', async () => {
    const dir = tree({
      'site.yml': '- hosts: all\n  tasks:\n    - import_role:\n        name: r\n        tasks_from: other\n        vars_from: alt.yml\n        defaults_from: alt\n      vars:\n        p: 1\n',
      'roles/r/tasks/main.yml': msgTask('main'),
      'roles/r/tasks/other.yaml': msgTask('other'),
      'roles/r/vars/alt.yml': 'v: alt\n',
      'roles/r/vars/main.yml': 'v: main\n',
      'roles/r/defaults/alt.yml': 'd: alt\n',
    });
    const play = await firstPlay(dir);
    const block = play.tasks[0] as Block;
    expect(firstMsg(block)).toBe('other');
    expect(block.role).toMatchObject({ name: 'r', vars: { v: 'alt' }, defaults: { d: 'alt' }, params: { p: 1 } });
    expect(block.vars).toEqual({ p: 1 });
  });

  it('keeps the include keywords on the include node, not on the preloaded tasks', async () => {
    const dir = tree({
      'site.yml': '- hosts: all\n  tasks:\n    - block:\n        - include_role: {name: r}\n          when: x\n          tags: inc\n      when: outer\n',
      'roles/r/tasks/main.yml': msgTask('r'),
    });
    const play = await firstPlay(dir);
    const inc = (play.tasks[0] as Block).block[0] as IncludeRole;
    expect([inc.when, inc.tags]).toEqual([['outer', 'x'], ['inc']]);
    const task = (inc.preloaded!.tasks[0] as Block).block[0] as Task;
    expect([task.when, task.tags]).toEqual([['outer'], []]);
    expect(inc.origin).toMatchObject({ when: ['outer'], tags: [], playDir: dir });
  });
});

describe('loading includes at run time', () => {
  const files = {
    'site.yml': '- hosts: all\n  become: true\n  tasks:\n    - include_tasks: "{{ f }}"\n    - include_role: {name: "{{ r }}"}\n      vars: {p: 2}\n',
    'one.yml': msgTask('one') + '- include_tasks: one.yml\n  when: false\n',
    'bad.yml': '- debgu: msg=x\n',
    'roles/r1/tasks/main.yml': msgTask('r1'),
    'roles/r1/handlers/main.yml': '- name: h\n  debug: msg=h\n',
  };

  it('loads a rendered task file with the scope of the include (a file may include itself)', async () => {
    const dir = tree(files);
    const play = await firstPlay(dir);
    const inc = play.tasks[0] as IncludeTasks;
    expect(inc.preloaded).toBeUndefined();
    const tasks = loadIncludeTasksAtRuntime(inc, 'one.yml');
    expect((tasks[0] as Task).args).toEqual({ msg: 'one' });
    expect((tasks[0] as Task).become).toBe(true);
    expect(tasks[1]!.kind).toBe('include_tasks');
    expect(loadIncludeTasksAtRuntime(inc, 'one.yml')).toBe(tasks);
  });

  it('throws the same validation errors as the loader', async () => {
    const dir = tree(files);
    const inc = (await firstPlay(dir)).tasks[0] as IncludeTasks;
    expect(() => loadIncludeTasksAtRuntime(inc, 'bad.yml')).toThrow(ValidationErrors);
    expect(() => loadIncludeTasksAtRuntime(inc, 'bad.yml')).toThrow(/unknown module 'debgu'/);
    expect(() => loadIncludeTasksAtRuntime(inc, 'missing.yml')).toThrow(/file 'missing.yml' not found/);
  });

  it('loads a rendered role with its params and handlers', async () => {
    const dir = tree(files);
    const inc = (await firstPlay(dir)).tasks[1] as IncludeRole;
    const { role, tasks } = loadIncludeRoleAtRuntime(inc, 'r1', dir);
    expect([role.name, role.params, role.handlers.map((h) => h.name)]).toEqual(['r1', { p: 2 }, ['h']]);
    expect(firstMsg(tasks[0]!)).toBe('r1');
    expect(() => loadIncludeRoleAtRuntime(inc, 'r2', dir)).toThrow(/role 'r2' not found/);
  });
});

describe('findLocalFile', () => {
  it('looks in the role kind dir, the role dir, the playbook kind dir, then the playbook dir', () => {
    const dir = tree({
      'roles/r/templates/a': '', 'roles/r/a': '', 'templates/a': '', 'a': '',
      'roles/r/b': '', 'templates/b': '',
      'templates/c': '', 'c': '',
      'd': '',
    });
    const role = { name: 'r', path: join(dir, 'roles/r') } as RoleInstance;
    expect(['a', 'b', 'c', 'd', 'e'].map((f) => findLocalFile('templates', f, { role }, dir))).toEqual([
      join(dir, 'roles/r/templates/a'), join(dir, 'roles/r/b'), join(dir, 'templates/c'), join(dir, 'd'), undefined,
    ]);
    expect(findLocalFile('templates', 'a', {}, dir)).toBe(join(dir, 'templates/a'));
    expect(findLocalFile('files', join(dir, 'd'), { role }, '/nowhere')).toBe(join(dir, 'd'));
    expect(findLocalFile('files', join(dir, 'zz'), { role }, dir)).toBeUndefined();
  });
});

describe('valid playbooks: what may only be checked at run time is not an error', () => {
  it.each([
    ['templated module arguments', '- service: {name: x, enabled: "{{ flag }}", state: "{{ st }}"}'],
    ['templated copy and template sources', '- copy: src="{{ f }}" dest=/x\n- template: src="{{ t }}.j2" dest=/y'],
    ['copy with remote_src', '- copy: src=/etc/hosts dest=/x remote_src=true'],
    ['templated notify', '- debug: msg=x\n  notify: "restart {{ svc }}"'],
    ['when with braces (an Ansible habit)', '- debug: msg=x\n  when: "{{ ok }}"'],
    ['loop over a template', '- debug: msg="{{ item }}"\n  loop: "{{ packages }}"'],
    ['with_dict mapping', '- debug: msg="{{ item.key }}"\n  with_dict: {a: 1}'],
    ['retries and delay as templates', '- debug: msg=x\n  until: x is defined\n  retries: "{{ n }}"\n  delay: 2'],
    ['environment and vars', '- debug: msg=x\n  environment: {PATH: "/bin:{{ p }}"}\n  vars: {a: "{{ b }}"}'],
    ['set_fact with any keys', '- set_fact: {anything: 1, other: "{{ x }}"}'],
    ['ansible.legacy FQCN', '- ansible.legacy.ping:'],
    ['include_tasks including itself under a condition', '- include_tasks: again.yml'],
  ])('%s', async (_name, tasks) => {
    const dir = tree({
      'site.yml': `- hosts: all\n  tasks:\n${tasks.replace(/^/gm, '    ')}\n`,
      'again.yml': '- ping:\n- include_tasks: again.yml\n  when: more\n',
    });
    await expect(firstPlay(dir)).resolves.toBeTruthy();
  });
});
