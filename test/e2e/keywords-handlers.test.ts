import { afterAll, describe, expect, it } from 'vitest';
import { counts, Scene, shown, type KwRun } from './keywords-kit.js';

/**
 * Handlers, as Ansible runs them (every expectation here was checked against ansible-playbook
 * 2.14 on the same playbook): notified only by a change, run once per flush in definition order
 * (not notification order), flushed after each section and at meta: flush_handlers, `listen`
 * topics, handlers notifying later handlers, and a failed host's handlers only when forced.
 */
const ORDER = `
- hosts: web
  gather_facts: false
  pre_tasks:
    - name: pre
      copy: {dest: "{{d}}/pre", content: "pre"}
      notify: h_pre
  tasks:
    - name: change except on gamma
      copy: {dest: "{{d}}/a", content: "a"}
      when: inventory_hostname != 'gamma'
      notify: [second, first]
    - name: no change
      copy: {dest: "{{d}}/pre", content: "pre"}
      notify: never notified
    - name: change on alpha
      copy: {dest: "{{d}}/b", content: "b"}
      when: inventory_hostname == 'alpha'
      notify: topic
    - name: end of tasks
      shell: echo tasks-end >> {{d}}/log
  post_tasks:
    - name: post
      shell: echo post >> {{d}}/log
      notify: first
  handlers:
    - name: h_pre
      shell: echo h_pre >> {{d}}/log
    - name: first
      shell: echo first >> {{d}}/log
    - name: second
      shell: echo second >> {{d}}/log
      notify: chained
    - name: never notified
      shell: echo never >> {{d}}/log
    - name: chained
      shell: echo chained >> {{d}}/log
    - name: listener
      listen: topic
      shell: echo listener >> {{d}}/log
`;

const FAILING = (force: string) => `
- hosts: web
  gather_facts: false
  ${force}
  tasks:
    - name: change
      copy: {dest: "{{d}}/a", content: "a"}
      notify: restart
    - name: fail on beta
      fail: {msg: boom}
      when: inventory_hostname == 'beta'
    - name: after the failure
      copy: {dest: "{{d}}/after", content: "after"}
  handlers:
    - name: restart
      copy: {dest: "{{d}}/restarted", content: "restarted"}
`;

const FLUSH = `
- hosts: alpha
  gather_facts: false
  tasks:
    - name: change
      copy: {dest: "{{d}}/a", content: "a"}
      notify: log it
    - name: flush now
      meta: flush_handlers
    - name: between
      shell: echo between >> {{d}}/log
    - name: change again
      copy: {dest: "{{d}}/b", content: "b"}
      notify: log it
    - name: ignored failure that changed
      command: "false"
      ignore_errors: true
      notify: not on failure
  handlers:
    - name: log it
      shell: echo handler >> {{d}}/log
    - name: not on failure
      shell: echo not-on-failure >> {{d}}/log
`;

const scene = new Scene({
  'site.yml': ORDER,
  'failing.yml': FAILING(''),
  'forced.yml': FAILING('force_handlers: true'),
  'flush.yml': FLUSH,
});
afterAll(() => scene.remove());

describe('handlers: order, sections, listen, chains', () => {
  let run: KwRun;
  it('runs the playbook', () => {
    run = scene.run();
    expect(run.code, shown(run)).toBe(0);
  });

  it('flushes after each section, in definition order, handlers notified by handlers in the same flush', () => {
    expect(run.banners).toEqual([
      'TASK [pre]',
      'RUNNING HANDLER [h_pre]',
      'TASK [change except on gamma]',
      'TASK [no change]',
      'TASK [change on alpha]',
      'TASK [end of tasks]',
      'RUNNING HANDLER [first]', // notified second, defined first
      'RUNNING HANDLER [second]',
      'RUNNING HANDLER [chained]', // notified by `second` during the flush
      'RUNNING HANDLER [listener]', // through `listen: topic`
      'TASK [post]',
      'RUNNING HANDLER [first]', // once more: notified again in post_tasks
    ]);
  });

  it.each([
    ['alpha', 'h_pre tasks-end first second chained listener post first'],
    ['beta', 'h_pre tasks-end first second chained post first'],
    ['gamma', 'h_pre tasks-end post first'], // skipped and unchanged tasks notify nothing
  ])('%s ran: %s', (host, log) => {
    expect(run.file(host, 'log')?.trim().split('\n').join(' ')).toBe(log);
  });

  it('a handler nobody notified (or notified by an unchanged task) never runs', () => {
    expect(run.stdout).not.toContain('[never notified]');
    expect(run.rows.filter((r) => r.startsWith('chained |'))).toEqual(['chained | alpha | changed', 'chained | beta | changed']);
  });

  it.each([
    ['alpha', 'ok=12 changed=11'],
    ['beta', 'ok=10 changed=9 skipped=1'],
    ['gamma', 'ok=6 changed=5 skipped=2'],
  ])('recap of %s: %s', (host, expected) => {
    expect(counts(run.recap, host)).toBe(expected);
  });
});

describe("handlers of a failed host", () => {
  it.each([
    { how: 'default', playbook: 'failing.yml', args: [], beta: undefined },
    { how: '--force-handlers', playbook: 'failing.yml', args: ['--force-handlers'], beta: 'restarted' },
    { how: 'force_handlers: true', playbook: 'forced.yml', args: [], beta: 'restarted' },
  ])('$how: the others go on and run theirs; beta restarted: $beta', ({ playbook, args, beta }) => {
    const run = scene.run(args, playbook);
    expect(run.code, shown(run)).toBe(2);
    expect(run.file('alpha', 'restarted')).toBe('restarted');
    expect(run.file('gamma', 'restarted')).toBe('restarted');
    expect(run.file('beta', 'restarted')).toBe(beta);
    expect(run.file('beta', 'after')).toBeUndefined(); // the failed host left the play
    const handlerRows = run.rows.filter((r) => r.startsWith('restart |'));
    expect(handlerRows).toEqual(['restart | alpha | changed', ...(beta ? ['restart | beta | changed'] : []), 'restart | gamma | changed']);
    expect(counts(run.recap, 'beta')).toBe(beta ? 'ok=2 changed=2 failed=1' : 'ok=1 changed=1 failed=1');
  });
});

describe('meta: flush_handlers, and failures that notify nothing', () => {
  it('runs the notified handler at the flush and again at the end; an ignored failure notifies nothing', () => {
    const run = scene.run([], 'flush.yml');
    expect(run.code, shown(run)).toBe(0);
    expect(run.file('alpha', 'log')).toBe('handler\nbetween\nhandler\n');
    expect(run.banners.filter((b) => b.startsWith('RUNNING HANDLER'))).toEqual(['RUNNING HANDLER [log it]', 'RUNNING HANDLER [log it]']);
    // the ignored failure of `command: false` counts as ok, changed and ignored, as in Ansible; meta counts nothing
    expect(counts(run.recap, 'alpha')).toBe('ok=6 changed=6 ignored=1');
  });
});
