import { afterAll, describe, expect, it } from 'vitest';
import { counts, once, Scene, shown } from './keywords-kit.js';

/**
 * include_tasks (with a loop, with a templated file name that differs per host, with `when`),
 * import_tasks, include_role / import_role with tasks_from, include_role in a loop. The playbook is
 * test/fixtures/keywords/includes/site.yml; the recap is what ansible-playbook 2.14 gives for it
 * (an included file counts as ok for its hosts, a skipped include as skipped).
 */
const scene = new Scene({}, 'includes');
afterAll(() => scene.remove());
const run = once(() => scene.run());

describe('includes and imports', () => {
  it('runs', () => {
    expect(run().code, shown(run())).toBe(0);
  });

  it.each([
    ['alpha', 'each', 'one\ntwo\n'],
    ['gamma', 'each', 'one\ntwo\nthree\n'], // the conditional include, on gamma only
    ['beta', 'by-file', 'file by-file\n'], // "tasks/{{kind}}.yml": file.yml on beta and gamma ...
    ['alpha', 'by-file', undefined], // ... dir.yml on alpha
    ['alpha', 'imported', 'file imported\n'], // import_tasks with vars
    ['alpha', 'role', 'extra-included\nextra-default\nmain-a\nmain-b\n'], // tasks_from with vars, role defaults, a loop
    ['beta', 'role', 'extra-included\nextra-default\n'],
  ])('%s: %s holds %j', (host, name, content) => {
    expect(run().file(host, name)).toBe(content);
  });

  it('the templated include brought in a directory task on alpha', () => {
    expect(run().tree()).toContain('alpha/by-dir');
    expect(run().rows).toContain('make dir by-dir | alpha | changed');
  });

  it('shows each included file with its hosts and item, and the hosts that include nothing as skipped', () => {
    const included = run().stdout.split('\n').filter((l) => l.startsWith('included: ')).map((l) => l.replace(/: \S*\/tasks\//, ': tasks/'));
    expect(included).toEqual([
      'included: tasks/each.yml for alpha, beta, gamma => (item=one)',
      'included: tasks/each.yml for alpha, beta, gamma => (item=two)',
      'included: tasks/dir.yml for alpha',
      'included: tasks/file.yml for beta, gamma',
      'included: tasks/each.yml for gamma => (item=three)',
    ]);
    expect(run().rows.filter((r) => r.includes('| skipping'))).toEqual([
      'include only where the condition holds | alpha | skipping',
      'include only where the condition holds | beta | skipping',
      'role main, included per item | beta | skipping',
      'role main, included per item | gamma | skipping',
    ]);
  });

  it('runs included tasks in order, named with their item; role tasks named "role : task"', () => {
    expect(run().banners).toEqual([
      'TASK [include with a loop]',
      'TASK [each one]',
      'TASK [each two]',
      'TASK [include with a templated file name]',
      'TASK [make dir by-dir]',
      'TASK [write by-file]',
      'TASK [include only where the condition holds]',
      'TASK [each three]',
      'TASK [write imported]',
      'TASK [role tasks_from, included]',
      'TASK [svc : extra]',
      'TASK [svc : extra]',
      'TASK [role main, included per item]',
      'TASK [svc : main]',
      'TASK [svc : main]',
    ]);
  });

  it.each([
    ['alpha', 'ok=11 changed=8 skipped=1'],
    ['beta', 'ok=9 changed=6 skipped=2'],
    ['gamma', 'ok=11 changed=7 skipped=1'],
  ])('recap of %s: %s', (host, expected) => {
    expect(counts(run().recap, host)).toBe(expected);
  });
});
