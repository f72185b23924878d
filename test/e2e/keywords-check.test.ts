import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { counts, HOSTS, once, Scene, shown, type KwRun } from './keywords-kit.js';

/**
 * --check --diff on a playbook whose later tasks depend on earlier changes: a directory created,
 * then a file inside it, edited by lineinfile, blockinfile and replace, a stat of it and a task
 * that depends on the stat, a link to it, a guarded command, a handler. The dry run must report
 * the changed set of the real run (Ansible's would fail at the file in the missing directory) and
 * write nothing; afterwards, both report nothing to change.
 */
const scene = new Scene({
  'site.yml': `
- hosts: web
  gather_facts: false
  tasks:
    - name: a directory
      file: {path: "{{d}}/conf.d", state: directory, mode: "0750"}
    - name: a file inside it
      copy: {dest: "{{d}}/conf.d/app.conf", content: "port=80\\nname=x\\n", force: false}
      notify: reload
    - name: edit the new file
      lineinfile: {path: "{{d}}/conf.d/app.conf", regexp: "^port=", line: "port=8080"}
    - name: a line already there
      lineinfile: {path: "{{d}}/conf.d/app.conf", line: "port=8080"}
    - name: a block in it
      blockinfile: {path: "{{d}}/conf.d/app.conf", block: "extra=1"}
    - name: replace in it
      replace: {path: "{{d}}/conf.d/app.conf", regexp: "^name=x$", replace: "name=y"}
    - name: stat the file
      stat: {path: "{{d}}/conf.d/app.conf"}
      register: st
    - name: depends on the stat
      copy: {dest: "{{d}}/exists", content: "exists"}
      when: st.stat.exists
    - name: a link to it
      file: {src: "{{d}}/conf.d/app.conf", dest: "{{d}}/app.link", state: link}
    - name: a command guarded by creates
      command: touch {{d}}/made
      args: {creates: "{{d}}/made"}
  handlers:
    - name: reload
      file: {path: "{{d}}/reloaded", state: touch}
`,
});
afterAll(() => scene.remove());

const changedSet = (run: KwRun) => run.rows.filter((r) => r.endsWith('| changed')).sort();
const EMPTY = [...HOSTS];

const check = once(() => scene.run(['--check', '--diff']));
const real = once(() => scene.run(['--diff']));

describe('--check --diff with tasks that depend on earlier changes', () => {
  it('the dry run succeeds and writes nothing', () => {
    expect(check().code, shown(check())).toBe(0);
    expect(check().tree()).toEqual(EMPTY);
  });

  it('the dry run reports the changed set of the real run, handler included', () => {
    expect(real().code, shown(real())).toBe(0);
    const expected = HOSTS.flatMap((h) =>
      ['a directory', 'a file inside it', 'edit the new file', 'a block in it', 'replace in it', 'depends on the stat', 'a link to it', 'a command guarded by creates', 'reload'].map(
        (t) => `${t} | ${h} | changed`,
      ),
    ).sort();
    expect(changedSet(real())).toEqual(expected);
    expect(changedSet(check())).toEqual(expected);
    for (const h of HOSTS) expect(counts(check().recap, h)).toBe(counts(real().recap, h));
  });

  it('the dry run diffs each edit against what the earlier tasks would have written', () => {
    const out = check().stdout;
    expect(out).toMatch(/--- before: .*alpha\/conf\.d\/app\.conf \(content\)\n\+\+\+ after: .*\n@@ -1,2 \+1,2 @@\n-port=80\n\+port=8080\n name=x\n/);
    expect(out).toMatch(/\n port=8080\n name=x\n\+# BEGIN ANSIBLE MANAGED BLOCK\n\+extra=1\n\+# END ANSIBLE MANAGED BLOCK\n/);
    expect(out).toMatch(/-name=x\n\+name=y\n/);
  });

  it('the real run leaves the files the dry run described', () => {
    const a = join(real().root, 'alpha');
    expect(readFileSync(join(a, 'conf.d/app.conf'), 'utf8')).toBe('port=8080\nname=y\n# BEGIN ANSIBLE MANAGED BLOCK\nextra=1\n# END ANSIBLE MANAGED BLOCK\n');
    expect(readlinkSync(join(a, 'app.link'))).toBe(join(a, 'conf.d/app.conf'));
    expect(real().tree().filter((p) => p.startsWith('alpha/'))).toEqual(['alpha/app.link', 'alpha/conf.d', 'alpha/conf.d/app.conf', 'alpha/exists', 'alpha/made', 'alpha/reloaded']);
  });

  it.each([
    ['a second real run', ['--diff']],
    ['a dry run after the real run', ['--check', '--diff']],
  ])('%s changes nothing', (_, args) => {
    const again = scene.run(args, 'site.yml', real());
    expect(again.code, shown(again)).toBe(0);
    expect(changedSet(again)).toEqual([]);
  });
});
