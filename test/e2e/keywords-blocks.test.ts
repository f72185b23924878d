import { afterAll, describe, expect, it } from 'vitest';
import { counts, once, Scene, shown } from './keywords-kit.js';

/**
 * block / rescue / always, nested: a failure in the inner block is rescued by the outer rescue,
 * both `always` sections run on failure, and the rescue sees ansible_failed_task /
 * ansible_failed_result. alpha never fails, beta is rescued, gamma's rescue fails too. Logs, rows
 * and recap are what ansible-playbook 2.14 gives for the same playbook.
 */
const scene = new Scene({
  'site.yml': `
- hosts: web
  gather_facts: false
  tasks:
    - name: outer
      block:
        - name: inner
          block:
            - name: fails on beta and gamma
              command: "false"
              when: inventory_hostname != 'alpha'
            - name: not reached after the failure
              shell: echo inner-after >> {{d}}/log
          always:
            - name: inner always
              shell: echo inner-always >> {{d}}/log
        - name: outer after inner
          shell: echo outer-after >> {{d}}/log
      rescue:
        - name: outer rescue
          shell: echo "rescued {{ansible_failed_task.name}} rc={{ansible_failed_result.rc}}" >> {{d}}/log
        - name: rescue fails on gamma
          fail: {msg: gamma cannot be rescued}
          when: inventory_hostname == 'gamma'
      always:
        - name: outer always
          shell: echo outer-always >> {{d}}/log
    - name: after the block
      shell: echo end >> {{d}}/log
`,
});
afterAll(() => scene.remove());
const run = once(() => scene.run());

describe('block / rescue / always', () => {
  it('exits 2: gamma failed in its rescue', () => {
    expect(run().code, shown(run())).toBe(2);
  });

  it.each([
    { host: 'alpha', log: ['inner-after', 'inner-always', 'outer-after', 'outer-always', 'end'], recap: 'ok=5 changed=5 skipped=1' },
    { host: 'beta', log: ['inner-always', 'rescued fails on beta and gamma rc=1', 'outer-always', 'end'], recap: 'ok=4 changed=4 skipped=1 rescued=1' },
    // the first failure counts as rescued, the rescue's own failure as failed (as in Ansible)
    { host: 'gamma', log: ['inner-always', 'rescued fails on beta and gamma rc=1', 'outer-always'], recap: 'ok=3 changed=3 failed=1 rescued=1' },
  ])('$host ran $log', ({ host, log, recap }) => {
    expect(run().file(host, 'log')?.trim().split('\n')).toEqual(log);
    expect(counts(run().recap, host)).toBe(recap);
  });

  it('rows: the rest of the inner block is skipped for the failed hosts, always and rescue run for them', () => {
    expect(run().rows).toEqual([
      'fails on beta and gamma | alpha | skipping',
      'fails on beta and gamma | beta | fatal',
      'fails on beta and gamma | gamma | fatal',
      'not reached after the failure | alpha | changed',
      'inner always | alpha | changed',
      'inner always | beta | changed',
      'inner always | gamma | changed',
      'outer after inner | alpha | changed',
      'outer rescue | beta | changed',
      'outer rescue | gamma | changed',
      'rescue fails on gamma | beta | skipping',
      'rescue fails on gamma | gamma | fatal',
      'outer always | alpha | changed',
      'outer always | beta | changed',
      'outer always | gamma | changed',
      'after the block | alpha | changed',
      'after the block | beta | changed',
    ]);
  });
});
