import { afterAll, describe, expect, it } from 'vitest';
import { counts, once, Scene, shown } from './keywords-kit.js';

/**
 * Loops: `loop`, `with_items` (flattens one level), `with_dict`, `loop_control` (loop_var,
 * index_var, label), `when` per item, `register` giving `results`, a failing item. The rows and the
 * recap were checked against ansible-playbook 2.14 on the same playbook (minus the Handlebars-only
 * template, which reads `results` by index: `{{r.results.[0].item}}`, `{{#each r.results}}`).
 */
const scene = new Scene({
  'site.yml': `
- hosts: alpha
  gather_facts: false
  vars:
    users: {ann: 1, ben: 2}
  tasks:
    - name: loop
      shell: echo {{item}} >> {{d}}/loop; echo out-{{item}}
      loop: [a, b]
      register: looped
    - name: with_items flattens
      shell: echo {{item}} >> {{d}}/with_items
      with_items: [[x, y], z]
    - name: with_dict
      shell: echo {{item.key}}={{item.value}} >> {{d}}/with_dict
      with_dict: "{{users}}"
      loop_control: {label: "{{item.key}}"}
    - name: loop_control
      shell: echo {{idx}}:{{user.name}} >> {{d}}/loop_control
      loop: [{name: ann}, {name: ben}]
      loop_control: {loop_var: user, index_var: idx, label: "{{user.name}}"}
    - name: when per item
      shell: echo {{item}} >> {{d}}/when
      loop: [1, 2, 3, 4]
      when: item != 2 and item < 4
    - name: registered results, by index and by each
      copy:
        dest: "{{d}}/results"
        content: "{{looped.results.[0].item}} {{looped.results.[1].stdout}} {{looped.results.length}} {{#each looped.results}}[{{this.item}}]{{/each}}"
    - name: registered results in a condition
      debug: {msg: "second"}
      when: looped.results[1].item == 'b' and looped.results | length == 2 and looped is changed
    - name: one item fails
      command: "test {{item}} = ok"
      loop: [ok, bad, ok]
      ignore_errors: true
      register: checked
    - name: the failed item in a condition
      debug: {msg: "failed"}
      when: checked.results[1] is failed and checked.results[0] is succeeded and checked is failed
`,
  'until.yml': `
- hosts: alpha,beta
  gather_facts: false
  tasks:
    - name: counts its attempts, succeeds on the third
      shell: n=$(cat {{d}}/count 2>/dev/null || echo 0); n=$((n+1)); echo $n > {{d}}/count; echo attempt-$n; test $n -ge 3
      register: r
      until: r.rc == 0
      retries: "{{tries}}"
      delay: 0
      vars:
        tries: "{{#if (eq inventory_hostname 'alpha')}}5{{else}}1{{/if}}"
    - name: attempts
      copy: {dest: "{{d}}/attempts", content: "{{r.attempts}} {{r.stdout}}"}
`,
});
afterAll(() => scene.remove());
const run = once(() => scene.run());

describe('loops', () => {
  it('runs', () => {
    expect(run().code, shown(run())).toBe(0);
  });

  it.each([
    ['loop', ['a', 'b']],
    ['with_items flattens', ['x', 'y', 'z']],
    ['with_dict', ['ann', 'ben']], // the label: item.key
    ['loop_control', ['ann', 'ben']], // the label: user.name
  ])('%s: one changed row per item, labelled %j', (task, labels) => {
    expect(run().rows.filter((r) => r.startsWith(`${task} |`))).toEqual(labels.map((l) => `${task} | alpha | changed | ${l}`));
  });

  it.each([
    ['loop', 'a\nb\n'],
    ['with_items', 'x\ny\nz\n'],
    ['with_dict', 'ann=1\nben=2\n'],
    ['loop_control', '0:ann\n1:ben\n'], // index_var and loop_var
    ['when', '1\n3\n'],
    ['results', 'a out-b 2 [a][b]'],
  ])('the file %s holds what the items wrote', (name, content) => {
    expect(run().file('alpha', name)).toBe(content);
  });

  it('when is evaluated per item', () => {
    expect(run().rows.filter((r) => r.startsWith('when per item |'))).toEqual([
      'when per item | alpha | changed | 1',
      'when per item | alpha | skipping | 2',
      'when per item | alpha | changed | 3',
      'when per item | alpha | skipping | 4',
    ]);
  });

  it('register on a loop gives results, each with its item and status', () => {
    expect(run().rows).toContain('registered results in a condition | alpha | ok');
    expect(run().rows).toContain('the failed item in a condition | alpha | ok');
  });

  it('a failed item fails the task; ignore_errors makes it ok + ignored', () => {
    expect(run().rows.filter((r) => r.startsWith('one item fails |'))).toEqual([
      'one item fails | alpha | changed | ok',
      'one item fails | alpha | failed | bad',
      'one item fails | alpha | changed | ok',
      'one item fails | alpha | fatal',
    ]);
    expect(counts(run().recap, 'alpha')).toBe('ok=9 changed=7 ignored=1');
  });
});

describe('until / retries / delay', () => {
  it('retries until the condition holds, then reports the attempts; retries exhausted fail the host', () => {
    const run = scene.run([], 'until.yml');
    expect(run.code, shown(run)).toBe(2);
    expect(run.file('alpha', 'count')).toBe('3\n');
    expect(run.file('alpha', 'attempts')).toBe('3 attempt-3');
    expect(run.rows.filter((r) => r.startsWith('counts'))).toEqual([
      'counts its attempts, succeeds on the third | alpha | changed',
      'counts its attempts, succeeds on the third | beta | fatal',
    ]);
    // retries: 1 means one retry after the first attempt, as in Ansible
    expect(run.file('beta', 'count')).toBe('2\n');
    expect(run.file('beta', 'attempts')).toBeUndefined();
    expect(counts(run.recap, 'beta')).toBe('failed=1');
  });
});
