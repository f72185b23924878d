import { afterAll, describe, expect, it } from 'vitest';
import { Scene, shown } from './keywords-kit.js';

/**
 * Task selection from the command line: --tags / --skip-tags with `always`, `never`, `tagged`,
 * `untagged`, `all` and tags inherited from roles and blocks; --list-hosts / --list-tasks /
 * --list-tags; --limit (patterns and @file); --start-at-task (names, patterns, across plays).
 * Every expected log and listing is what ansible-playbook 2.14 gives for the same playbook.
 */
const scene = new Scene({
  'roles/tr/tasks/main.yml': `
- name: role task
  shell: echo role >> {{d}}/log
- name: role task tagged
  shell: echo role-own >> {{d}}/log
  tags: [own]
`,
  'site.yml': `
- hosts: web
  gather_facts: false
  roles:
    - role: tr
      tags: [roletag]
  tasks:
    - name: untagged
      shell: echo untagged >> {{d}}/log
    - name: tagged a
      shell: echo a >> {{d}}/log
      tags: [a]
    - name: always
      shell: echo always >> {{d}}/log
      tags: [always]
    - name: never
      shell: echo never >> {{d}}/log
      tags: [never, debug]
    - name: blk
      tags: [b]
      block:
        - name: in block
          shell: echo inblock >> {{d}}/log
          tags: [inner]
`,
  'plays.yml': `
- name: first play
  hosts: web
  gather_facts: false
  tasks:
    - name: one
      shell: echo one >> {{d}}/log
    - name: two
      shell: echo two >> {{d}}/log
- name: second play
  hosts: web
  gather_facts: false
  tasks:
    - name: three
      shell: echo three >> {{d}}/log
`,
  'limit.txt': 'beta\n',
});
afterAll(() => scene.remove());

describe('--tags and --skip-tags', () => {
  it.each([
    { args: [], log: 'role role-own untagged a always inblock' },
    { args: ['--tags', 'a'], log: 'a always' },
    { args: ['--skip-tags', 'a'], log: 'role role-own untagged always inblock' },
    { args: ['--tags', 'debug'], log: 'always never' }, // a `never` task runs when one of its tags is asked for
    { args: ['--tags', 'b'], log: 'always inblock' }, // inherited from the block
    { args: ['--tags', 'roletag'], log: 'role role-own always' }, // inherited from the role
    { args: ['--tags', 'own'], log: 'role-own always' },
    { args: ['--tags', 'a,b'], log: 'a always inblock' },
    { args: ['--skip-tags', 'always'], log: 'role role-own untagged a inblock' },
    { args: ['--tags', 'a', '--skip-tags', 'always'], log: 'a' },
    { args: ['--tags', 'tagged'], log: 'role role-own a always inblock' },
    { args: ['--tags', 'untagged'], log: 'untagged always' },
    { args: ['--skip-tags', 'tagged'], log: 'untagged' }, // `always` is a tag too
    { args: ['--skip-tags', 'all'], log: 'always' },
  ])('$args runs: $log', ({ args, log }) => {
    const run = scene.run(['-l', 'alpha', ...args]);
    expect(run.code, shown(run)).toBe(0);
    expect(run.file('alpha', 'log')?.trim().split('\n').join(' ')).toBe(log);
  });
});

describe('listings', () => {
  it('--list-hosts --list-tasks --list-tags: one listing per play, tags sorted, only the selected tasks', () => {
    const run = scene.run(['-l', 'alpha:gamma', '--list-hosts', '--list-tasks', '--list-tags', '--skip-tags', 'a']);
    expect(run.code, shown(run)).toBe(0);
    expect(run.stdout.replace(/^playbook: .*$/m, 'playbook: site.yml')).toBe(`
playbook: site.yml

  play #1 (web): web\tTAGS: []
    pattern: ['web']
    hosts (2):
      alpha
      gamma
    tasks:
      tr : role task\tTAGS: [roletag]
      tr : role task tagged\tTAGS: [own, roletag]
      untagged\tTAGS: []
      always\tTAGS: [always]
      in block\tTAGS: [b, inner]
      TASK TAGS: [always, b, inner, own, roletag]
`);
    expect(run.tree()).toEqual(['alpha', 'beta', 'gamma']); // nothing ran
  });

  it('--list-tags with --tags debug shows the tags of the never task it selects', () => {
    const run = scene.run(['--list-tags', '--tags', 'debug']);
    expect(run.stdout).toContain('      TASK TAGS: [always, debug, never]\n');
  });
});

describe('--limit and --start-at-task', () => {
  it.each([
    { args: ['-l', 'alpha:gamma'], alpha: 'one two three', beta: undefined, gamma: 'one two three' },
    { args: ['-l', 'web:!beta'], alpha: 'one two three', beta: undefined, gamma: 'one two three' },
    { args: ['-l', '@limit.txt'], alpha: undefined, beta: 'one two three', gamma: undefined },
    // from the named task on, and every later play in full
    { args: ['--start-at-task', 'two'], alpha: 'two three', beta: 'two three', gamma: 'two three' },
    { args: ['--start-at-task', 't?o'], alpha: 'two three', beta: 'two three', gamma: 'two three' },
    { args: ['--start-at-task', 'three', '-l', 'beta'], alpha: undefined, beta: 'three', gamma: undefined },
  ])('$args', ({ args, ...logs }) => {
    const run = scene.run(args, 'plays.yml');
    expect(run.code, shown(run)).toBe(0);
    for (const [host, log] of Object.entries(logs)) expect(run.file(host, 'log')?.trim().split('\n').join(' '), host).toBe(log);
    expect(Object.keys(run.recap)).toEqual(Object.entries(logs).filter(([, l]) => l).map(([h]) => h));
  });

  it('a --start-at-task that names no task runs nothing and says so', () => {
    const run = scene.run(['--start-at-task', 'nothere'], 'plays.yml');
    expect(run.code, shown(run)).toBe(0);
    expect(run.rows).toEqual([]);
    expect(run.stdout).toContain("no task named 'nothere' was found");
  });

  it('a --limit that leaves no host is a usage error (exit 5), as in Ansible; nothing runs', () => {
    const run = scene.run(['-l', 'nomatch'], 'plays.yml');
    expect(run.code, shown(run)).toBe(5);
    expect(run.stderr).toMatch(/--limit 'nomatch' leaves no host/);
    expect(run.tree()).toEqual(['alpha', 'beta', 'gamma']);
  });
});
