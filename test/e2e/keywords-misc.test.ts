import { afterAll, describe, expect, it } from 'vitest';
import { counts, HOSTS, Scene, shown } from './keywords-kit.js';

/**
 * run_once, delegate_to, meta: end_host / end_play, and check_mode on a task. Recaps, logs and
 * files are what ansible-playbook 2.14 gives for the same playbooks.
 */
const scene = new Scene({
  // ghost can never be reached (ssh to a loopback port where nothing listens): a task delegated to
  // localhost still runs for it, which shows the task did not go to the host itself
  'inventory.ini': `[web]
${HOSTS.map((h) => `${h} ansible_connection=local`).join('\n')}

[web:vars]
d="{{root}}/{{inventory_hostname}}"

[far]
ghost ansible_host=127.0.0.1 ansible_port=9 ansible_user=nobody
`,
  'once.yml': `
- hosts: web
  gather_facts: false
  tasks:
    - name: once
      shell: echo {{inventory_hostname}} >> {{root}}/once; echo ran-on-{{inventory_hostname}}
      register: once
      run_once: true
      notify: once handler
    - name: the result is registered on every host
      copy: {dest: "{{d}}/once", content: "{{once.stdout}}"}
    - name: a fact set once is set everywhere
      set_fact: {shared: "from {{inventory_hostname}}"}
      run_once: true
    - name: the fact
      copy: {dest: "{{d}}/fact", content: "{{shared}}"}
  handlers:
    - name: once handler
      shell: echo handler-{{inventory_hostname}} >> {{root}}/once
`,
  'delegate.yml': `
- hosts: web:far
  gather_facts: false
  tasks:
    - name: delegated
      copy: {dest: "{{root}}/delegated-{{inventory_hostname}}", content: "{{inventory_hostname}}"}
      delegate_to: localhost
    - name: not delegated
      ping:
`,
  'meta.yml': `
- name: meta
  hosts: web
  gather_facts: false
  tasks:
    - name: first
      shell: echo first >> {{d}}/log
    - name: end beta
      meta: end_host
      when: inventory_hostname == 'beta'
    - name: second
      shell: echo second >> {{d}}/log
    - name: end play
      meta: end_play
    - name: never reached
      shell: echo never >> {{d}}/log
- name: after end_play
  hosts: web
  gather_facts: false
  tasks:
    - name: next play
      shell: echo next >> {{d}}/log
`,
  'checkmode.yml': `
- hosts: alpha
  gather_facts: false
  tasks:
    - name: forced real
      copy: {dest: "{{d}}/real", content: "real"}
      check_mode: false
    - name: forced dry
      copy: {dest: "{{d}}/dry", content: "dry"}
      check_mode: true
    - name: follows the command line
      copy: {dest: "{{d}}/plain", content: "plain"}
    - name: check mode is visible
      copy: {dest: "{{d}}/mode", content: "{{ansible_check_mode}}"}
      check_mode: false
`,
  'warning.yml': `
- hosts: alpha
  gather_facts: false
  tasks:
    - name: empty regexp
      lineinfile: {path: "{{d}}/w", line: "x", regexp: "", create: true}
`,
});
afterAll(() => scene.remove());

describe('module warnings', () => {
  it('are shown as [WARNING] before the host line, as Ansible shows them, and the task still counts', () => {
    const run = scene.run([], 'warning.yml');
    expect(run.code, shown(run)).toBe(0);
    const lines = run.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('[WARNING]: The regular expression is an empty string'));
    expect(at, run.stdout).toBeGreaterThan(-1);
    expect(lines[at + 1]).toBe('changed: [alpha]');
    expect(counts(run.recap, 'alpha')).toMatch(/changed=1/);
  });
});

describe('run_once', () => {
  it('runs on the first host only, is shown and counted there; its result and facts reach every host', () => {
    const run = scene.run([], 'once.yml');
    expect(run.code, shown(run)).toBe(0);
    expect(run.read('once')).toBe('alpha\nhandler-alpha\n'); // ran once; notified on alpha only
    for (const h of HOSTS) {
      expect(run.file(h, 'once'), h).toBe('ran-on-alpha');
      expect(run.file(h, 'fact'), h).toBe('from alpha');
    }
    expect(run.rows.filter((r) => r.startsWith('once |') || r.startsWith('a fact set once'))).toEqual([
      'once | alpha | changed',
      'a fact set once is set everywhere | alpha | ok',
    ]);
    expect(counts(run.recap, 'alpha')).toBe('ok=5 changed=4');
    expect(counts(run.recap, 'beta')).toBe('ok=2 changed=2');
  });
});

describe('delegate_to', () => {
  it('runs the task once per host, on localhost, with the host as inventory_hostname, even for a host that cannot be reached', () => {
    const run = scene.run([], 'delegate.yml');
    expect(run.code, shown(run)).toBe(4); // ghost is unreachable for the task that is not delegated
    for (const h of [...HOSTS, 'ghost']) expect(run.read(`delegated-${h}`), h).toBe(h);
    expect(run.stdout).toContain('changed: [ghost -> localhost]');
    expect(run.rows).toContain('not delegated | ghost | fatal');
    expect(counts(run.recap, 'ghost')).toBe('ok=1 changed=1 unreachable=1');
    expect(counts(run.recap, 'alpha')).toBe('ok=2 changed=1');
  });
});

describe('meta: end_host and end_play', () => {
  it('end_host ends one host, end_play ends the play for all; the next play runs for everyone; meta counts nothing', () => {
    const run = scene.run([], 'meta.yml');
    expect(run.code, shown(run)).toBe(0);
    expect(run.file('alpha', 'log')).toBe('first\nsecond\nnext\n');
    expect(run.file('beta', 'log')).toBe('first\nnext\n');
    expect(run.file('gamma', 'log')).toBe('first\nsecond\nnext\n');
    expect(run.rows).not.toContain('never reached | alpha | changed');
    expect(counts(run.recap, 'alpha')).toBe('ok=3 changed=3');
    expect(counts(run.recap, 'beta')).toBe('ok=2 changed=2');
  });
});

describe('check_mode on a task', () => {
  it.each([
    { run: 'real', args: [], files: ['alpha/mode', 'alpha/plain', 'alpha/real'], mode: 'False' },
    // check_mode: false writes even in --check; check_mode: true never writes
    { run: '--check', args: ['--check'], files: ['alpha/mode', 'alpha/real'], mode: 'True' },
  ])('$run: every task reports changed, files written: $files', ({ args, files, mode }) => {
    const run = scene.run(args, 'checkmode.yml');
    expect(run.code, shown(run)).toBe(0);
    expect(run.rows.map((r) => r.split(' | ')[2])).toEqual(['changed', 'changed', 'changed', 'changed']);
    expect(run.tree().filter((p) => p.includes('/'))).toEqual(files);
    expect(run.file('alpha', 'mode')).toBe(mode); // a lone boolean is written as Python writes it, as in Ansible
  });
});
