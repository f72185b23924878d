import { afterAll, describe, expect, it } from 'vitest';
import { counts, HOSTS, once, Scene, shown, type KwRun } from './keywords-kit.js';

/**
 * Failure policy, as Ansible applies it (each expectation checked against ansible-playbook 2.14 on
 * the same playbooks): a failed host leaves the play and the later plays while the others go on,
 * ignore_errors, any_errors_fatal, max_fail_percentage, failed_when / changed_when on a registered
 * result, and serial batches.
 */
const scene = new Scene({
  'site.yml': `
- name: one host fails
  hosts: web
  gather_facts: false
  tasks:
    - name: first
      copy: {dest: "{{d}}/first", content: "1"}
    - name: fail on beta
      fail: {msg: boom}
      when: inventory_hostname == 'beta'
    - name: ignored on alpha
      command: "false"
      ignore_errors: true
      when: inventory_hostname == 'alpha'
    - name: last
      copy: {dest: "{{d}}/last", content: "1"}
- name: the next play
  hosts: web
  gather_facts: false
  tasks:
    - name: next play
      copy: {dest: "{{d}}/next", content: "1"}
`,
  'fatal.yml': `
- name: any error is fatal
  hosts: web
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - name: first
      copy: {dest: "{{d}}/first", content: "1"}
      notify: handler
    - name: fail on beta
      fail: {msg: boom}
      when: inventory_hostname == 'beta'
    - name: last
      copy: {dest: "{{d}}/last", content: "1"}
  handlers:
    - name: handler
      copy: {dest: "{{d}}/handler", content: "1"}
- name: the next play
  hosts: web
  gather_facts: false
  tasks:
    - name: next play
      copy: {dest: "{{d}}/next", content: "1"}
`,
  ...Object.fromEntries(
    [30, 50].map((pct) => [
      `max${pct}.yml`,
      `
- hosts: web
  gather_facts: false
  max_fail_percentage: ${pct}
  tasks:
    - name: fail on beta
      fail: {msg: boom}
      when: inventory_hostname == 'beta'
    - name: last
      copy: {dest: "{{d}}/last", content: "1"}
`,
    ]),
  ),
  'results.yml': `
- hosts: web
  gather_facts: false
  tasks:
    - name: exit with a code
      shell: "echo {{inventory_hostname}}; case {{inventory_hostname}} in beta) exit 0;; *) exit 3;; esac"
      register: r
      failed_when: r.rc != 3
      changed_when: r.stdout == 'gamma'
    - name: record
      copy: {dest: "{{d}}/rc", content: "{{r.rc}} {{#if r.changed}}changed{{else}}unchanged{{/if}}"}
`,
  'serial.yml': `
- hosts: web
  gather_facts: false
  serial: 1
  tasks:
    - name: one
      shell: echo one-{{inventory_hostname}} >> {{root}}/order
    - name: two
      shell: echo two-{{inventory_hostname}} >> {{root}}/order
`,
  'serial-max.yml': `
- hosts: web
  gather_facts: false
  serial: 1
  max_fail_percentage: 0
  tasks:
    - name: one
      shell: echo one-{{inventory_hostname}} >> {{root}}/order
    - name: fail on beta
      fail: {msg: boom}
      when: inventory_hostname == 'beta'
`,
});
afterAll(() => scene.remove());

/** which hosts wrote a file */
const writers = (run: KwRun, name: string) => HOSTS.filter((h) => run.file(h, name) !== undefined);

describe('a failed host leaves the play and the later plays; the others go on', () => {
  it('beta fails, alpha ignores a failure, gamma is untouched by both', () => {
    const run = scene.run();
    expect(run.code, shown(run)).toBe(2);
    expect(run.rows).toEqual([
      'first | alpha | changed',
      'first | beta | changed',
      'first | gamma | changed',
      'fail on beta | alpha | skipping',
      'fail on beta | beta | fatal',
      'fail on beta | gamma | skipping',
      'ignored on alpha | alpha | fatal',
      'ignored on alpha | gamma | skipping',
      'last | alpha | changed',
      'last | gamma | changed',
      'next play | alpha | changed',
      'next play | gamma | changed',
    ]);
    expect(run.stdout).toContain('...ignoring');
    expect(writers(run, 'last')).toEqual(['alpha', 'gamma']);
    expect(writers(run, 'next')).toEqual(['alpha', 'gamma']);
    // the ignored `command: false` is ok, changed and ignored, as in Ansible
    expect(counts(run.recap, 'alpha')).toBe('ok=4 changed=4 skipped=1 ignored=1');
    expect(counts(run.recap, 'beta')).toBe('ok=1 changed=1 failed=1');
    expect(counts(run.recap, 'gamma')).toBe('ok=3 changed=3 skipped=2');
  });
});

describe('the play stops for everyone', () => {
  it('any_errors_fatal: nobody runs the next task, the handlers or the next play', () => {
    const run = scene.run([], 'fatal.yml');
    expect(run.code, shown(run)).toBe(2);
    expect(run.rows.map((r) => r.split(' | ')[0])).not.toContain('last');
    expect(run.tree()).toEqual(['alpha', 'alpha/first', 'beta', 'beta/first', 'gamma', 'gamma/first']);
    expect(run.banners).toEqual(['TASK [first]', 'TASK [fail on beta]']);
    expect(counts(run.recap, 'alpha')).toBe('ok=1 changed=1 skipped=1');
    expect(counts(run.recap, 'beta')).toBe('ok=1 changed=1 failed=1');
  });

  it.each([
    { pct: 30, goesOn: false },
    { pct: 50, goesOn: true },
  ])('max_fail_percentage $pct with 1 of 3 hosts failed: the others go on: $goesOn', ({ pct, goesOn }) => {
    const run = scene.run([], `max${pct}.yml`);
    expect(run.code, shown(run)).toBe(2);
    expect(writers(run, 'last')).toEqual(goesOn ? ['alpha', 'gamma'] : []);
    expect(counts(run.recap, 'beta')).toBe('failed=1');
    expect(counts(run.recap, 'alpha')).toBe(goesOn ? 'ok=1 changed=1 skipped=1' : 'skipped=1');
  });
});

describe('failed_when and changed_when judge the registered result', () => {
  const results = once(() => scene.run([], 'results.yml'));
  it.each([
    { host: 'alpha', exit: 3, status: 'ok', recap: 'ok=2 changed=1', file: '3 unchanged' },
    { host: 'beta', exit: 0, status: 'fatal', recap: 'failed=1', file: undefined },
    { host: 'gamma', exit: 3, status: 'changed', recap: 'ok=2 changed=2', file: '3 changed' },
  ])('$host exits $exit: $status', ({ host, status, recap, file }) => {
    const run = results();
    expect(run.code, shown(run)).toBe(2);
    expect(run.rows).toContain(`exit with a code | ${host} | ${status}`);
    expect(counts(run.recap, host)).toBe(recap);
    expect(run.file(host, 'rc')).toBe(file);
  });
});

describe('serial batches', () => {
  it('serial: 1 runs every task on one host before the next host starts', () => {
    const run = scene.run([], 'serial.yml');
    expect(run.code, shown(run)).toBe(0);
    expect(run.rows).toEqual(HOSTS.flatMap((h) => [`one | ${h} | changed`, `two | ${h} | changed`]));
    expect(run.banners).toEqual(['TASK [one]', 'TASK [two]', 'TASK [one]', 'TASK [two]', 'TASK [one]', 'TASK [two]']);
    expect(run.read('order')).toBe(HOSTS.map((h) => `one-${h}\ntwo-${h}\n`).join(''));
  });

  it('serial: 1 with max_fail_percentage: 0 stops after the failed batch: gamma never starts', () => {
    const run = scene.run([], 'serial-max.yml');
    expect(run.code, shown(run)).toBe(2);
    expect(run.read('order')).toBe('one-alpha\none-beta\n');
    expect(Object.keys(run.recap)).toEqual(['alpha', 'beta']); // as in Ansible, gamma was never processed
  });
});
