import { afterAll, describe, expect, it } from 'vitest';
import { counts, once, Scene, shown } from './keywords-kit.js';

/**
 * set_fact, vars on blocks and tasks, environment (play and task, merged), no_log, and the -e forms
 * with extra vars beating play, task and set_fact values. Results as ansible-playbook 2.14 gives
 * them (but for `.length`, a Handlebars spelling, and YAML text in -e, which Ansible ignores).
 */
const scene = new Scene({
  'site.yml': `
- hosts: alpha
  gather_facts: false
  vars:
    where: play
  environment:
    FROM_PLAY: play-env
    MY_VAR: play
  tasks:
    - name: set facts
      set_fact:
        greeting: "hello {{inventory_hostname}}"
        ports: [1, 2, 3]
    - name: use the facts
      copy: {dest: "{{d}}/facts", content: "{{greeting}} {{ports.length}} {{where}}"}
    - name: facts keep their type
      debug: {msg: typed}
      when: ports | length == 3 and ports[0] == 1
    - name: a block with vars
      vars: {where: block}
      block:
        - name: block vars
          copy: {dest: "{{d}}/block", content: "{{where}}"}
        - name: task vars beat block vars
          copy: {dest: "{{d}}/task", content: "{{where}}"}
          vars: {where: task}
    - name: environment
      shell: echo "$FROM_PLAY $MY_VAR" > {{d}}/env
      environment: {MY_VAR: "task-env from {{where}}"}
    - name: secret command
      shell: echo s3cr3t-output
      no_log: true
      register: secret
    - name: secret debug
      debug: {msg: "{{secret.stdout}}"}
      no_log: true
    - name: secret failure
      fail: {msg: "s3cr3t-failure"}
      no_log: true
      ignore_errors: true
    - name: the secret was registered
      copy: {dest: "{{d}}/secret", content: "{{secret.stdout}}"}
`,
  'extra.yml': `
- hosts: alpha
  gather_facts: false
  vars: {where: play, port: 80}
  tasks:
    - set_fact: {fact: set-fact}
    - name: write
      copy: {dest: "{{d}}/out", content: "{{where}} {{port}} {{fact}}"}
      vars: {where: task}
    - name: port is the number 8080
      debug: {msg: number}
      when: port == 8080
`,
  'vars.yml': 'port: 8080\nwhere: file\n',
});
afterAll(() => scene.remove());

describe('set_fact, block and task vars, environment, no_log', () => {
  const run = once(() => scene.run(['-v']));

  it('runs; the ignored failure counts as ignored', () => {
    expect(run().code, shown(run())).toBe(0);
    expect(counts(run().recap, 'alpha')).toBe('ok=10 changed=6 ignored=1');
  });

  it.each([
    ['facts', 'hello alpha 3 play'], // set_fact, then used by a later task
    ['block', 'block'],
    ['task', 'task'],
    ['env', 'play-env task-env from play\n'], // play environment merged with the task's, which wins
    ['secret', 's3cr3t-output'], // no_log hides the output, not the registered value
  ])('%s holds %j', (name, content) => {
    expect(run().file('alpha', name)).toBe(content);
  });

  it('a set_fact list keeps its type in conditions', () => {
    expect(run().rows).toContain('facts keep their type | alpha | ok');
  });

  it('no_log hides results, messages and failures, even with -v', () => {
    expect(run().stdout).not.toContain('s3cr3t');
    expect(run().stdout.match(/"censored":/g)).toHaveLength(3);
    expect(run().rows).toContain('secret failure | alpha | fatal');
  });
});

describe('-e: every form; extra vars beat play vars, task vars and set_fact', () => {
  it.each([
    { form: 'none', e: [], out: 'task 80 set-fact', number: 'skipping' },
    { form: 'k=v (strings)', e: ['where=extra port=8080'], out: 'extra 8080 set-fact', number: 'skipping' },
    { form: 'JSON (typed)', e: ['{"port": 8080, "fact": "json"}'], out: 'task 8080 json', number: 'ok' },
    { form: '@file.yml', e: ['@vars.yml'], out: 'file 8080 set-fact', number: 'ok' },
    { form: 'YAML text (a tsplay extension)', e: ['port: 8080'], out: 'task 8080 set-fact', number: 'ok' },
    { form: 'later -e wins', e: ['where=first', '{"where": "second"}'], out: 'second 80 set-fact', number: 'skipping' },
  ])('$form', ({ e, out, number }) => {
    const run = scene.run(e.flatMap((v) => ['-e', v]), 'extra.yml');
    expect(run.code, shown(run)).toBe(0);
    expect(run.file('alpha', 'out')).toBe(out);
    expect(run.rows).toContain(`port is the number 8080 | alpha | ${number}`);
  });
});
