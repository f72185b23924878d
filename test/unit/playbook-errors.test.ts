import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationErrors } from '../../src/errors.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import { registerTestModules } from './playbook-test-modules.js';

/**
 * Bad playbooks, one small mistake each: the loader must report every error with its exact place
 * (file:line:col relative to the playbook directory) and a message (or hint) naming the problem.
 */
interface Case {
  name: string;
  files: Record<string, string>;
  /** [where, ...substrings of "message\n  hint: hint"] for every error expected, in order */
  errors: Array<[string, ...string[]]>;
}

const play = (tasks: string) => `- hosts: all\n  tasks:\n${tasks}`;

const CASES: Case[] = [
  {
    name: 'YAML syntax error',
    files: { 'site.yml': play('    - debug: {msg: "a"\n    - ping:\n') },
    errors: [['site.yml:4:5', 'YAML syntax error', 'end with a }', 'hint: check the indentation']],
  },
  {
    name: 'duplicate key',
    files: { 'site.yml': play('    - name: a\n      name: b\n      debug: msg=x\n') },
    errors: [['site.yml:4:7', 'Map keys must be unique']],
  },
  {
    name: 'unquoted template value',
    files: { 'site.yml': play('    - debug:\n        msg: {{ x }}\n') },
    errors: [['site.yml:4:15', 'a mapping key must be a plain value', 'must be quoted']],
  },
  {
    name: 'unknown play keyword',
    files: { 'site.yml': '- hosts: all\n  taks: []\n' },
    errors: [['site.yml:2:3', "unknown play keyword 'taks'\n  hint: did you mean 'tags' or 'tasks'?"]],
  },
  {
    name: 'task keyword on a play',
    files: { 'site.yml': '- hosts: all\n  when: x\n  tasks: []\n' },
    errors: [['site.yml:2:3', "'when' is a task keyword"]],
  },
  {
    name: 'play without hosts that looks like a task',
    files: { 'site.yml': '- name: install\n  debug: msg=x\n' },
    errors: [
      ['site.yml:1:3', "play has no 'hosts'", 'hint: this looks like a task'],
      ['site.yml:2:3', "'debug' is a module"],
    ],
  },
  {
    name: 'unknown task keyword',
    files: { 'site.yml': play('    - debug: msg=x\n      whn: x == 1\n') },
    errors: [['site.yml:4:7', "unknown task keyword 'whn'\n  hint: did you mean 'when'?"]],
  },
  {
    name: 'task without a module',
    files: { 'site.yml': play('    - name: only a name\n      when: x\n') },
    errors: [['site.yml:3:7', 'task has no module']],
  },
  {
    name: 'task with two modules',
    files: { 'site.yml': play('    - debug: msg=x\n      ping:\n') },
    errors: [['site.yml:4:7', "more than one module: 'debug' and 'ping'"]],
  },
  {
    name: 'unknown module',
    files: { 'site.yml': play('    - name: copy it\n      copyy: src=a dest=b\n') },
    errors: [['site.yml:4:7', "unknown module 'copyy'\n  hint: did you mean 'copy'?"]],
  },
  {
    name: 'unknown module with FQCN of another collection',
    files: { 'site.yml': play('    - community.general.ufw: rule=allow\n') },
    errors: [['site.yml:3:7', "unknown module 'community.general.ufw'\n  hint: tsplay has the ansible.builtin modules and a few of ansible.posix"]],
  },
  {
    name: 'unknown module argument',
    files: { 'site.yml': play('    - copy:\n        content: x\n        dest: /x\n        mods: "0644"\n') },
    errors: [['site.yml:6:9', "unknown argument 'mods' for module 'copy'\n  hint: did you mean 'mode'?"]],
  },
  {
    name: 'unknown argument inside a free-form module wrapped in preprocess',
    files: { 'site.yml': play('    - command:\n        cmd: ls\n        chdri: /tmp\n') },
    errors: [['site.yml:5:9', "unknown argument 'chdri' for module 'command'\n  hint: did you mean 'chdir'?"]],
  },
  {
    name: 'mistyped enum argument in k=v form',
    files: { 'site.yml': play('    - service: name=x state=strated\n') },
    errors: [['site.yml:3:29', "module 'service': argument 'state': Invalid option", "hint: did you mean 'started'?", 'got string "strated"']],
  },
  {
    name: 'mistyped argument type',
    files: { 'site.yml': play('    - debug:\n        verbosity: many\n') },
    errors: [['site.yml:4:20', "module 'debug': argument 'verbosity': Invalid input: expected number"]],
  },
  {
    name: 'missing required argument',
    files: { 'site.yml': play('    - copy: content=x\n') },
    errors: [['site.yml:3:7', "missing required argument 'dest' for module 'copy'", 'hint: arguments of copy: backup, content, dest, mode']],
  },
  {
    name: 'k=v words that are not key=value',
    files: { 'site.yml': play('    - copy: content=x dest\n') },
    errors: [
      ['site.yml:3:7', "missing required argument 'dest'"],
      ['site.yml:3:13', "cannot read 'dest'"],
    ],
  },
  {
    name: 'refinement error of a module (free-form command without a command)',
    files: { 'site.yml': play('    - command: chdir=/tmp\n') },
    errors: [['site.yml:3:7', 'give exactly one of cmd and argv']],
  },
  {
    name: 'bad when expression',
    files: { 'site.yml': play('    - debug: msg=x\n      when: x ==\n') },
    errors: [['site.yml:4:17', 'unexpected end of expression in condition "x =="']],
  },
  {
    name: 'bad condition in a list (failed_when) and in assert that',
    files: { 'site.yml': play('    - assert:\n        that:\n          - x == 1\n          - y ) 2\n      failed_when:\n        - a and\n') },
    errors: [
      ['site.yml:6:15', `unexpected ')' in condition "y ) 2"`],
      ['site.yml:8:16', 'unexpected end of expression in condition "a and"'],
    ],
  },
  {
    name: 'bad template syntax in an argument',
    files: { 'site.yml': play('    - debug:\n        msg: "{{#if x}}unclosed"\n') },
    errors: [['site.yml:4:32', 'template syntax error', 'is not closed']],
  },
  {
    name: 'bad template syntax in a task name and in play vars',
    files: { 'site.yml': '- hosts: all\n  vars:\n    a: "{{ b }"\n  tasks:\n    - name: "say {{ x"\n      debug: msg=x\n' },
    errors: [
      ['site.yml:3:14', 'template syntax error'],
      ['site.yml:5:21', 'template syntax error'],
    ],
  },
  {
    name: 'missing template file',
    files: { 'site.yml': play('    - template: src=nope.j2 dest=/x\n') },
    errors: [['site.yml:3:21', "template: src 'nope.j2' not found\n  hint: looked in: "]],
  },
  {
    name: 'missing copy source (but not with remote_src)',
    files: { 'site.yml': play('    - copy: src=gone.txt dest=/x\n    - copy: src=/etc/remote dest=/x remote_src=yes\n') },
    errors: [['site.yml:3:17', "copy: src 'gone.txt' not found"]],
  },
  {
    name: 'unknown role',
    files: { 'site.yml': '- hosts: all\n  roles:\n    - comon\n', 'roles/common/tasks/main.yml': '- ping:\n' },
    errors: [['site.yml:3:7', "role 'comon' not found\n  hint: did you mean 'common'?; searched: "]],
  },
  {
    name: 'unknown role in a role entry mapping and in a dependency',
    files: {
      'site.yml': '- hosts: all\n  roles:\n    - role: web\n    - role: nope\n',
      'roles/web/meta/main.yml': 'dependencies:\n  - role: bsae\n',
      'roles/base/tasks/main.yml': '- ping:\n',
    },
    errors: [
      ['roles/web/meta/main.yml:2:11', "role 'bsae' not found\n  hint: did you mean 'base'?; searched: "],
      ['site.yml:4:13', "role 'nope' not found"],
    ],
  },
  {
    name: 'errors inside a role are reported in the role file',
    files: {
      'site.yml': '- hosts: all\n  roles: [r]\n',
      'roles/r/tasks/main.yml': '- name: one\n  debg: msg=x\n',
      'roles/r/handlers/main.yml': '- name: h\n  servce: name=x\n',
    },
    errors: [
      ['roles/r/tasks/main.yml:2:3', "unknown module 'debg'"],
      ['roles/r/handlers/main.yml:2:3', "unknown module 'servce'"],
    ],
  },
  {
    name: 'missing template in a role',
    files: {
      'site.yml': '- hosts: all\n  roles: [r]\n',
      'roles/r/tasks/main.yml': '- template: src=a.j2 dest=/a\n- template: src=b.j2 dest=/b\n',
      'roles/r/templates/a.j2': 'a\n',
    },
    errors: [['roles/r/tasks/main.yml:2:17', "src 'b.j2' not found"]],
  },
  {
    name: 'role dependency cycle',
    files: {
      'site.yml': '- hosts: all\n  roles: [a]\n',
      'roles/a/meta/main.yml': 'dependencies: [b]\n',
      'roles/b/meta/main.yml': 'dependencies: [a]\n',
    },
    errors: [['roles/b/meta/main.yml:1:16', 'role dependency cycle: a -> b -> a']],
  },
  {
    name: 'missing tasks_from of import_role',
    files: {
      'site.yml': play('    - import_role:\n        name: r\n        tasks_from: instal\n'),
      'roles/r/tasks/install.yml': '- ping:\n',
    },
    errors: [['site.yml:5:21', 'role file tasks/instal not found', "hint: did you mean 'install'?; tried instal.yml, instal.yaml, instal.json"]],
  },
  {
    name: 'missing import_tasks file',
    files: { 'site.yml': play('    - import_tasks: nope.yml\n') },
    errors: [['site.yml:3:21', "import_tasks: file 'nope.yml' not found"]],
  },
  {
    name: 'missing include_tasks file (not a template)',
    files: { 'site.yml': play('    - include_tasks: nope.yml\n    - include_tasks: "{{ f }}.yml"\n') },
    errors: [['site.yml:3:22', "include_tasks: file 'nope.yml' not found"]],
  },
  {
    name: 'import cycle',
    files: { 'site.yml': play('    - import_tasks: a.yml\n'), 'a.yml': '- import_tasks: b.yml\n', 'b.yml': '- import_tasks: a.yml\n' },
    errors: [['b.yml:1:17', 'include cycle: a.yml -> b.yml -> a.yml']],
  },
  {
    name: 'include_tasks including itself without a condition',
    files: { 'site.yml': play('    - include_tasks: a.yml\n'), 'a.yml': '- ping:\n- include_tasks: a.yml\n' },
    errors: [['a.yml:2:18', 'include cycle: a.yml -> a.yml']],
  },
  {
    name: 'missing import_playbook file and import_playbook cycle',
    files: {
      'site.yml': '- import_playbook: other.yml\n- import_playbook: nope.yml\n',
      'other.yml': '- import_playbook: site.yml\n',
    },
    errors: [
      ['other.yml:1:20', 'import_playbook cycle: site.yml -> other.yml -> site.yml'],
      ['site.yml:2:20', "import_playbook: file 'nope.yml' not found"],
    ],
  },
  {
    name: 'import_tasks cannot loop',
    files: { 'site.yml': play('    - import_tasks: a.yml\n      loop: [1, 2]\n'), 'a.yml': '- ping:\n' },
    errors: [['site.yml:4:7', 'import_tasks cannot loop', 'hint: use include_tasks']],
  },
  {
    name: 'notify of a handler that does not exist',
    files: {
      'site.yml': play('    - debug: msg=x\n      notify: restart nginx\n') + '  handlers:\n    - name: restart ngnix\n      service: name=nginx state=restarted\n',
    },
    errors: [['site.yml:4:15', "no handler named or listening to 'restart nginx'", "hint: did you mean 'restart ngnix'?"]],
  },
  {
    name: 'notify in a list, with a listen topic that exists',
    files: {
      'site.yml': play('    - debug: msg=x\n      notify:\n        - reload all\n        - reload none\n') + '  handlers:\n    - name: h\n      listen: reload all\n      debug: msg=h\n',
    },
    errors: [['site.yml:6:11', "'reload none'"]],
  },
  {
    name: 'a broken handler is reported once, not again by the notify naming it',
    files: {
      'site.yml': play('    - debug: msg=x\n      notify: restart\n') + '  handlers:\n    - name: restart\n      servic: name=x\n',
    },
    errors: [['site.yml:7:7', "unknown module 'servic'"]],
  },
  {
    name: 'register with a name that is not an identifier',
    files: { 'site.yml': play('    - debug: msg=x\n      register: my-result\n') },
    errors: [['site.yml:4:17', 'register must be a variable name', 'hint: e.g. register: my_result']],
  },
  {
    name: 'two loop keywords',
    files: { 'site.yml': play('    - debug: msg=x\n      loop: [1]\n      with_items: [2]\n') },
    errors: [['site.yml:5:7', "only one loop, found 'loop' and 'with_items'"]],
  },
  {
    name: 'loop over a bare variable name',
    files: { 'site.yml': play('    - debug: msg=x\n      with_items: packages\n') },
    errors: [['site.yml:4:19', 'with_items: "{{ packages }}"']],
  },
  {
    name: 'unknown loop_control key',
    files: { 'site.yml': play('    - debug: msg=x\n      loop: [1]\n      loop_control:\n        loopvar: i\n') },
    errors: [['site.yml:6:9', "unknown loop_control key 'loopvar'\n  hint: did you mean 'loop_var'?"]],
  },
  {
    name: 'local_action',
    files: { 'site.yml': play('    - local_action: command echo hi\n') },
    errors: [['site.yml:3:7', 'local_action is not supported\n  hint: write the module as usual and add delegate_to: localhost']],
  },
  {
    name: 'action naming an unknown module',
    files: { 'site.yml': play('    - action: debugg msg=hi\n') },
    errors: [['site.yml:3:15', "unknown module 'debugg'"]],
  },
  {
    name: 'rescue without block',
    files: { 'site.yml': play('    - rescue:\n        - ping:\n') },
    errors: [['site.yml:3:7', "'rescue' needs a 'block'"]],
  },
  {
    name: 'unknown block keyword and module on a block',
    files: { 'site.yml': play('    - block:\n        - ping:\n      debug: msg=x\n      tagz: [a]\n') },
    errors: [
      ['site.yml:5:7', "'debug' is a module"],
      ['site.yml:6:7', "unknown block keyword 'tagz'\n  hint: did you mean 'tags'?"],
    ],
  },
  {
    name: 'unsupported strategy and module_defaults',
    files: { 'site.yml': '- hosts: all\n  strategy: free\n  module_defaults:\n    copy: {mode: "0644"}\n  tasks: []\n' },
    errors: [
      ['site.yml:2:13', 'strategy string "free" is not supported'],
      ['site.yml:3:3', 'module_defaults is not supported'],
    ],
  },
  {
    name: 'unsupported task keyword',
    files: { 'site.yml': play('    - command: sleep 100\n      async: 45\n') },
    errors: [['site.yml:4:7', "task keyword 'async' is not supported"]],
  },
  {
    name: 'listen outside handlers',
    files: { 'site.yml': play('    - debug: msg=x\n      listen: t\n') },
    errors: [['site.yml:4:7', "'listen' is only valid in handlers"]],
  },
  {
    name: 'missing vars_files',
    files: { 'site.yml': '- hosts: all\n  vars_files:\n    - vars/a.yml\n    - "vars/{{ env }}.yml"\n  tasks: []\n' },
    errors: [['site.yml:3:7', "vars_files: 'vars/a.yml' not found"]],
  },
  {
    name: 'bad value types of keywords',
    files: { 'site.yml': play('    - debug: msg=x\n      become: maybe\n      retries: lots\n      tags: {a: 1}\n') },
    errors: [
      ['site.yml:4:15', 'become expects true or false'],
      ['site.yml:5:16', 'retries expects a number'],
      ['site.yml:6:13', 'tags expects a string or a list of strings'],
    ],
  },
  {
    name: 'every error of a file is reported, not just the first',
    files: {
      'site.yml': play('    - debg: msg=x\n    - debug: msg=x\n      whne: y\n    - copy: dest=/x bogus=1\n'),
    },
    errors: [
      ['site.yml:3:7', "unknown module 'debg'"],
      ['site.yml:5:7', "unknown task keyword 'whne'"],
      ['site.yml:6:21', "unknown argument 'bogus'"],
    ],
  },
  {
    name: 'a playbook that is not a list',
    files: { 'site.yml': 'hosts: all\ntasks: []\n' },
    errors: [['site.yml:1:1', 'a playbook is a list of plays', 'hint: start the play with a dash']],
  },
];

describe('loadPlaybook: errors with file:line:col', () => {
  let root: string;
  beforeAll(() => {
    registerTestModules();
    root = mkdtempSync(join(tmpdir(), 'tsplay-playbook-errors-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reports a missing playbook file', async () => {
    await expect(loadPlaybook(join(root, 'nope.yml'))).rejects.toThrow(/playbook .*nope\.yml not found/);
  });

  it('formats all errors as file:line:col lines with hints', async () => {
    const dir = join(root, 'format');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'site.yml'), play('    - debg: msg=x\n    - debug: msg=x\n      whne: y\n'));
    const err = (await loadPlaybook(join(dir, 'site.yml')).catch((e: unknown) => e)) as ValidationErrors;
    expect(err.format().split('\n')).toEqual([
      `${join(dir, 'site.yml')}:3:7: unknown module 'debg'`,
      "  hint: did you mean 'debug'?",
      `${join(dir, 'site.yml')}:5:7: unknown task keyword 'whne'`,
      "  hint: did you mean 'when'?",
    ]);
    expect(err.exitCode).toBe(err.errors[0]!.exitCode);
  });

  CASES.forEach((c, i) => {
    it(c.name, async () => {
      const dir = join(root, String(i));
      for (const [name, text] of Object.entries(c.files)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), text);
      }
      const err = await loadPlaybook(join(dir, 'site.yml')).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ValidationErrors);
      const got = (err as ValidationErrors).errors.map((e) => {
        const where = e.pos ? `${relative(dir, e.pos.file)}:${e.pos.line}:${e.pos.col}` : '';
        return [where, `${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`];
      });
      expect(got.map(([where]) => where), JSON.stringify(got, null, 1)).toEqual(c.errors.map(([where]) => where));
      c.errors.forEach(([, ...texts], k) => texts.forEach((t) => expect(got[k]![1]).toContain(t)));
      for (const e of (err as ValidationErrors).errors) expect(e.hint ?? e.message).toBeTruthy();
    });
  });
});
