import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../src/playbook/load.js';
import type { Block, IncludeRole, IncludeTasks, Play, Playbook, Task, TaskNode } from '../../src/playbook/types.js';
import { registerTestModules } from './playbook-test-modules.js';

const DIR = resolve(import.meta.dirname, '../fixtures/playbooks/good');

function asBlock(n: TaskNode | undefined): Block {
  expect(n?.kind).toBe('block');
  return n as Block;
}
function asTask(n: TaskNode | undefined): Task {
  expect(n?.kind).toBe('task');
  return n as Task;
}
/** The node whose name (or module, for unnamed tasks) is given, searched through blocks and preloads. */
function find(nodes: TaskNode[], name: string): TaskNode | undefined {
  for (const n of nodes) {
    if (n.name === name) return n;
    const inner: TaskNode[] =
      n.kind === 'block' ? [...n.block, ...n.rescue, ...n.always]
      : n.kind === 'include_tasks' ? (n.preloaded ?? [])
      : n.kind === 'include_role' ? (n.preloaded?.tasks ?? [])
      : [];
    const hit = find(inner, name);
    if (hit) return hit;
  }
  return undefined;
}

describe('loadPlaybook: a good playbook', () => {
  let pb: Playbook;
  let web: Play;
  let main: Play;
  beforeAll(async () => {
    registerTestModules();
    pb = await loadPlaybook(join(DIR, 'site.yml'));
    [web, main] = pb.plays as [Play, Play];
  });

  it('reads both plays with file and dir', () => {
    expect(pb.file).toBe(join(DIR, 'site.yml'));
    expect(pb.dir).toBe(DIR);
    expect(pb.plays.map((p) => p.name)).toEqual(['web', 'main play']);
  });

  it('applies import_playbook when/tags/vars to the imported plays', () => {
    expect(web.tags).toEqual(['web']);
    // YAML 1.1: yes is true; the import's vars win over the play's own
    expect(web.vars).toEqual({ imported_flag: true, own: 1 });
    expect(web.gatherFacts).toBe(false);
    const t = asTask(web.tasks[0]);
    expect(t.when).toEqual(['deploy_web']);
    expect(t.tags).toEqual(['web', 't1']);
    expect(t.pos).toEqual({ file: join(DIR, 'web.yml'), line: 7, col: 7 });
  });

  it('reads play keywords', () => {
    expect(main.hosts).toBe('web,db');
    expect(main.become).toBe(true);
    expect(main.vars).toEqual({ pkg: 'nginx', mode: 420, ansible_connection: 'local' });
    expect(main.varsFiles).toEqual(['vars/common.yml', ['vars/{{ env }}.yml', 'vars/common.yml']]);
    expect(main.serial).toEqual([1, '50%']);
    expect(main.order).toBe('sorted');
    expect(main.gatherFacts).toBe(true);
    expect(main.dir).toBe(DIR);
    expect(main.pos).toEqual({ file: join(DIR, 'site.yml'), line: 8, col: 3 });
  });

  it('expands roles with dependencies first, once per play unless parameters differ', () => {
    const blocks = main.roles.map(asBlock);
    expect(blocks.map((b) => [b.name, b.role?.params])).toEqual([
      ['role common', {}],
      ['role base', { x: 1 }], // app's dependency; the later `role: base, x: 1` entry is the same use
      ['role app', { app_port: 8080 }],
      ['role base', { x: 2 }],
    ]);
    // app's entry conditions and tags reach its dependency and its tasks
    expect(blocks[1]!.when).toEqual(['use_app']);
    expect(blocks[1]!.tags).toEqual(['play', 'app']);
    const appTask = asTask(find([blocks[2]!], 'app config'));
    expect(appTask.when).toEqual(['use_app']);
    expect(appTask.tags).toEqual(['play', 'app']);
    expect(appTask.become).toBe(true);
    expect(appTask.role?.name).toBe('app');
    expect(appTask.args).toEqual({ src: 'app.conf.j2', dest: '/etc/app.conf' });
    // import_tasks inside a role resolves from the role's tasks/ and keeps the role
    expect(asTask(find([blocks[2]!], 'app sub')).role?.path).toBe(join(DIR, 'roles/app'));
  });

  it('loads role defaults, vars (main/ directory merged in name order) and params', () => {
    const app = asBlock(main.roles[2]).role!;
    expect(app.path).toBe(join(DIR, 'roles/app'));
    expect(app.defaults).toEqual({ app_port: 80 });
    expect(app.vars).toEqual({ app_a: 1, app_shared: 'from-b' });
    expect(asBlock(main.roles[1]).role!.defaults).toEqual({ x: 0 });
    expect(asBlock(main.roles[0]).role!.defaults).toEqual({ common_msg: 'hello' });
  });

  it('collects role handlers into the play handlers, role handlers first', () => {
    expect(main.handlers.map((h) => [h.name, h.role?.name, h.listen])).toEqual([
      ['restart common', 'common', []],
      ['restart app', 'app', []],
      ['restart app', undefined, []],
      ['reload things', undefined, ['reload all']],
    ]);
    expect(main.handlers[2]!.args).toEqual({ name: 'app', state: 'restarted' });
  });

  it('applies block keywords to the tasks inside, keeping vars on the block', () => {
    const block = asBlock(main.tasks[0]);
    expect(block.vars).toEqual({ v: 1 });
    expect(block.when).toEqual(['ansible_os_family == "Debian"']);
    const copy = asTask(block.block[0]);
    expect(copy.when).toEqual(['ansible_os_family == "Debian"']);
    expect(copy.tags).toEqual(['play', 'blk']);
    expect(copy.becomeUser).toBe('admin');
    expect(copy.become).toBe(true);
    expect(copy.vars).toEqual({});
    const list = asTask(block.block[1]);
    expect(list.when).toEqual(['ansible_os_family == "Debian"', 'listing_wanted | default(true)']);
    expect(list.becomeUser).toBe('root');
    expect(list.register).toBe('listing');
    expect(list.notify).toEqual(['restart app']);
    expect(asTask(block.rescue[0]).when).toEqual(['ansible_os_family == "Debian"']);
    expect(asTask(block.always[0]).args).toEqual({ msg: "{{default listing.stdout ''}}" });
  });

  it('parses k=v arguments (quotes, YAML-1.1-like conversion where the schema wants it)', () => {
    const copy = asTask(find(main.tasks, 'copy config'));
    expect(copy.module).toBe('copy');
    expect(copy.args).toEqual({ src: 'app.conf', dest: '/etc/my app.conf', mode: '0644', backup: true });
    // k=v words in a plain one-line scalar get their exact column
    expect(copy.argPos.dest).toEqual({ file: join(DIR, 'site.yml'), line: 45, col: 30 });
    const shell = asTask(find(main.tasks, 'list'));
    expect(shell.argPos.chdir).toEqual({ file: join(DIR, 'site.yml'), line: 47, col: 31 });
  });

  it('splits a free-form command from its own options', () => {
    const list = asTask(find(main.tasks, 'list'));
    expect(list.args).toEqual({ cmd: 'ls -l /tmp', chdir: '/tmp', creates: '/tmp/x' });
    const shell = asTask(find(main.tasks, 'shell with args'));
    expect(shell.args).toEqual({ chdir: '/tmp', cmd: 'echo hi' });
  });

  it('inlines import_tasks as a block with the import keywords', () => {
    const imp = asBlock(main.tasks[1]);
    expect(imp.when).toEqual(['extra is defined']);
    const t = asTask(imp.block[0]);
    expect(t.name).toBe('extra task');
    expect(t.when).toEqual(['extra is defined']);
    expect(t.tags).toEqual(['play', 'imported', 'x']);
  });

  it('keeps include_tasks dynamic, preloading files whose name is not a template', () => {
    const inc = main.tasks[2] as IncludeTasks;
    expect(inc.kind).toBe('include_tasks');
    expect(inc.file).toBe('tasks/loop.yml');
    expect(inc.baseDir).toBe(DIR);
    expect(inc.loop).toEqual({ kind: 'loop', items: [1, 2], loopVar: 'n' });
    expect(inc.preloaded?.map((n) => n.name)).toEqual(['loop item']);
    const templated = main.tasks[3] as IncludeTasks;
    expect(templated.kind).toBe('include_tasks');
    expect(templated.file).toBe('tasks/{{ name }}.yml');
    expect(templated.preloaded).toBeUndefined();
  });

  it('preloads include_role and inlines import_role', () => {
    const inc = main.tasks[4] as IncludeRole;
    expect(inc.kind).toBe('include_role');
    expect(inc.roleName).toBe('app');
    expect(inc.tasksFrom).toBe('extra');
    expect(inc.params).toEqual({ app_port: 9090 });
    expect(inc.preloaded?.role.params).toEqual({ app_port: 9090 });
    // dependencies already used in the play are not repeated
    expect(inc.preloaded?.tasks.map((n) => n.name)).toEqual(['role app']);
    expect(find(inc.preloaded!.tasks, 'app extra')?.role?.name).toBe('app');
    const imp = asBlock(main.tasks[5]);
    expect(imp.name).toBe('role common');
    expect(imp.tags).toEqual(['play', 'again']);
    expect(asTask(imp.block[0]).tags).toEqual(['play', 'again']);
  });

  it('reads the action forms, loops, conditions and FQCN modules', () => {
    const [a1, a2, , loop, assert, meta, notify] = main.tasks.slice(6).map(asTask);
    expect([a1!.module, a1!.args]).toEqual(['debug', { msg: 'hi' }]);
    expect([a2!.module, a2!.args]).toEqual(['debug', { msg: 'hi2' }]);
    expect(loop!.loop).toEqual({ kind: 'with_items', items: ['a', 'b'], loopVar: 'it', label: '{{ it }}' });
    expect(assert!.changedWhen).toEqual(['false']);
    expect(assert!.failedWhen).toEqual(['false']);
    expect(assert!.args.that).toEqual(['pkg == "nginx"', 'mode == 420']);
    expect([meta!.module, meta!.args]).toEqual(['meta', { action: 'flush_handlers' }]);
    expect(notify!.notify).toEqual(['reload all', 'common : restart common']);
  });

  it('returns plain data (no prototype tricks) that survives JSON', () => {
    const roundTrip = JSON.parse(JSON.stringify(main.vars));
    expect(roundTrip).toEqual(main.vars);
  });
});
