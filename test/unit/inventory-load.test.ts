import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectInventoryFormat, groupsMap, inventoryVars, loadInventory, loadVarsFile } from '../../src/inventory/index.js';
import { makeTree, validationText } from './inventory-helpers.js';

describe('detectInventoryFormat', () => {
  const cases: Array<[string, string, 'ini' | 'yaml']> = [
    ['hosts.yml', 'anything', 'yaml'],
    ['hosts.YAML', '[web]', 'yaml'],
    ['hosts.json', '{}', 'yaml'],
    ['hosts', '[web]\nw1\n', 'ini'],
    ['hosts', 'w1:2222 a=b\n', 'ini'],
    ['hosts', '# comment\n\nall:\n  hosts:\n', 'yaml'],
    ['hosts', '---\nall:\n', 'yaml'],
    ['hosts', 'web: {hosts: {w1: }}\n', 'yaml'],
    ['hosts.ini', '{"all": {}}', 'yaml'],
    ['hosts', '', 'ini'],
  ];
  it.each(cases)('%s %j -> %s', (file, text, format) => {
    expect(detectInventoryFormat(file, text)).toBe(format);
  });
});

describe('loadInventory sources', () => {
  it('merges several -i sources, INI and YAML, in order', async () => {
    const root = makeTree({
      'a.ini': '[web]\nw1 x=1\n[web:vars]\ng=ini\n',
      'b.yml': 'all:\n  children:\n    web:\n      hosts:\n        w2:\n        w1: {y: 2}\n      vars:\n        g: yaml\n',
    });
    const inv = await loadInventory([join(root, 'a.ini'), join(root, 'b.yml')]);
    expect(groupsMap(inv).web).toEqual(['w1', 'w2']);
    expect(inv.hosts.get('w1')!.vars).toEqual({ x: 1, y: 2 });
    expect(inv.groups.get('web')!.vars).toEqual({ g: 'yaml' });
  });

  it('lets a later INI source refer to a group an earlier source declared', async () => {
    const root = makeTree({ '1.ini': '[web]\nw1\n', '2.ini': '[prod:children]\nweb\n[web:vars]\nv=2\n' });
    const inv = await loadInventory([join(root, '1.ini'), join(root, '2.ini')]);
    expect(groupsMap(inv).prod).toEqual(['w1']);
  });

  it('reads every file of a directory in name order, skipping backups, docs and vars dirs', async () => {
    const root = makeTree({
      'inv/10-web': '[web]\nw1\n',
      'inv/20-db.yml': 'db:\n  hosts:\n    d1:\n',
      'inv/30-children.ini': '[prod:children]\nweb\ndb\n',
      'inv/sub/40-more': '[web]\nw2\n',
      'inv/.hidden': 'garbage [[[',
      'inv/old~': 'garbage [[[',
      'inv/x.retry': 'garbage [[[',
      'inv/x.orig': 'garbage [[[',
      'inv/x.bak': 'garbage [[[',
      'inv/x.pyc': 'garbage [[[',
      'inv/ansible.cfg': 'garbage [[[',
      'inv/README.md': 'garbage [[[',
      'inv/group_vars/web.yml': 'gv: 1\n',
      'inv/host_vars/w1.yml': 'hv: 1\n',
    });
    const inv = await loadInventory([join(root, 'inv')]);
    expect([...inv.hosts.keys()]).toEqual(['w1', 'd1', 'w2']);
    expect(groupsMap(inv).prod).toEqual(['w1', 'd1', 'w2']);
    // group_vars/host_vars inside a directory source are its vars, not inventory files
    expect(inventoryVars(inv, 'w1')).toEqual({ gv: 1, hv: 1 });
  });

  it("accepts Ansible's comma-separated host list", async () => {
    const inv = await loadInventory(['127.0.0.1,web1:2222, [::1]:2200,', 'solo,']);
    expect(groupsMap(inv)).toEqual({ all: ['127.0.0.1', 'web1', '::1', 'solo'], ungrouped: ['127.0.0.1', 'web1', '::1', 'solo'] });
    expect(inv.hosts.get('web1')!.vars).toEqual({ ansible_port: 2222 });
    expect(inv.hosts.get('::1')!.vars).toEqual({ ansible_port: 2200 });
  });

  it('reads a path containing a comma as a path when it exists', async () => {
    const root = makeTree({ 'a,b.ini': '[g]\nfrom_file\n' });
    const inv = await loadInventory([join(root, 'a,b.ini')]);
    expect([...inv.hosts.keys()]).toEqual(['from_file']);
  });

  it('gives an empty inventory for no sources', async () => {
    const inv = await loadInventory([]);
    expect(groupsMap(inv)).toEqual({ all: [], ungrouped: [] });
  });

  it('refuses a missing source', async () => {
    const text = await validationText(() => loadInventory(['/nonexistent/tsplay/hosts']));
    expect(text).toMatch(/^inventory source not found: \/nonexistent\/tsplay\/hosts\n {2}hint: .*comma/);
  });

  it('refuses an executable inventory script with a hint', async () => {
    const root = makeTree({ 'inv.sh': '#!x/bin/sh\necho {}\n' });
    const file = join(root, 'inv.sh');
    expect(await validationText(() => loadInventory([file]))).toMatch(new RegExp(`^${file}:1:1: executable inventory scripts are not supported`));
  });

  it('reports errors from a file inside a directory source with its own path', async () => {
    const root = makeTree({ 'inv/a': '[web]\nw1\n', 'inv/b': '[web:bogus]\n' });
    expect(await validationText(() => loadInventory([join(root, 'inv')]))).toMatch(new RegExp(`^${join(root, 'inv/b')}:1:6: section \\[web:bogus\\]`));
  });

  it('reports a bad host list entry', async () => {
    expect(await validationText(() => loadInventory(['web1:nope,']))).toMatch(/bad host "web1:nope" in host list/);
  });
});

describe('group_vars/ and host_vars/', () => {
  it('finds <name>, <name>.yml, <name>.yaml, <name>.json and <name>/ beside the inventory file', async () => {
    const root = makeTree({
      'hosts': '[a]\nh1\n[b]\nh1\n[c]\nh1\n[d]\nh1\n[e]\nh1\n',
      'group_vars/a': 'from_a: plain\n',
      'group_vars/b.yml': 'from_b: yml\n',
      'group_vars/c.yaml': 'from_c: yaml\n',
      'group_vars/d.json': '{"from_d": "json"}',
      'group_vars/e/1.yml': 'from_e: one\nover: 1\n',
      'group_vars/e/2.yml': 'over: 2\n',
      'host_vars/h1.yml': 'from_host: yes\n',
    });
    const inv = await loadInventory([join(root, 'hosts')]);
    expect(inventoryVars(inv, 'h1')).toEqual({
      from_a: 'plain',
      from_b: 'yml',
      from_c: 'yaml',
      from_d: 'json',
      from_e: 'one',
      over: 2,
      from_host: true,
    });
  });

  it('uses only the first of <name>/, <name>.yml, ... as Ansible does', async () => {
    const root = makeTree({
      'hosts': '[g]\nh\n',
      'group_vars/g/main.yml': 'src: dir\n',
      'group_vars/g.yml': 'src: yml\nonly_yml: 1\n',
    });
    const inv = await loadInventory([join(root, 'hosts')]);
    expect(inventoryVars(inv, 'h')).toEqual({ src: 'dir' });
  });

  it('merges a vars directory in name order, recursing, skipping hidden, backups and other extensions', async () => {
    const root = makeTree({
      'vars/b.yml': 'order: [b]\nb: 1\n',
      'vars/a.yml': 'order: [a]\na: 1\n',
      'vars/c/inner.yml': 'order: [c]\n',
      'vars/d': 'order: [d-no-extension]\n',
      'vars/.hidden.yml': 'hidden: 1\n',
      'vars/e.yml~': 'backup: 1\n',
      'vars/notes.txt': 'txt: 1\n',
      'vars/x.d/skipped.yml': 'dotted_dir: 1\n',
      'vars/empty.yml': '',
    });
    expect(await loadVarsFile(join(root, 'vars'))).toEqual({ order: ['d-no-extension'], a: 1, b: 1 });
  });

  it('replaces values whole across files (no deep merge)', async () => {
    const root = makeTree({ 'v/1.yml': 'cfg: {a: 1, b: 1}\n', 'v/2.yml': 'cfg: {b: 2}\n' });
    expect(await loadVarsFile(join(root, 'v'))).toEqual({ cfg: { b: 2 } });
  });

  it('ignores files for groups and hosts the inventory does not have', async () => {
    const root = makeTree({ 'hosts': 'h\n', 'group_vars/ghost.yml': 'x: 1\n', 'host_vars/nobody.yml': 'y: 1\n' });
    const inv = await loadInventory([join(root, 'hosts')]);
    expect(inventoryVars(inv, 'h')).toEqual({});
  });

  it('loads group_vars/ungrouped for ungrouped hosts', async () => {
    const root = makeTree({ 'hosts': 'h\n', 'group_vars/ungrouped.yml': 'u: 1\n' });
    expect(inventoryVars(await loadInventory([join(root, 'hosts')]), 'h')).toEqual({ u: 1 });
  });

  it('loads the vars dirs of a shared base directory once', async () => {
    const root = makeTree({ 'a.ini': '[g]\nh\n', 'b.ini': '[g]\nh2\n', 'group_vars/g.yml': 'x: 1\n' });
    const inv = await loadInventory([join(root, 'a.ini'), join(root, 'b.ini')]);
    expect(inv.varsDirs!.map((l) => [l.origin, l.dir])).toEqual([['inventory', root]]);
  });

  it('reads vars beside the playbook as their own layer', async () => {
    const root = makeTree({
      'inv/hosts': '[g]\nh\n',
      'inv/group_vars/g.yml': 'x: inventory\n',
      'play/group_vars/g.yml': 'x: playbook\n',
      'play/host_vars/h': 'y: playbook\n',
    });
    const inv = await loadInventory([join(root, 'inv/hosts')], { playbookDir: join(root, 'play') });
    expect(inv.varsDirs!.map((l) => l.origin)).toEqual(['inventory', 'playbook']);
    expect(inventoryVars(inv, 'h')).toEqual({ x: 'playbook', y: 'playbook' });
  });

  const errorCases: Array<[string, Record<string, string>, string, RegExp]> = [
    ['YAML syntax error', { 'group_vars/g.yml': 'a: 1\nb: [1\n' }, 'group_vars/g.yml', /:3:1: YAML syntax error/],
    ['duplicate key', { 'group_vars/g.yml': 'a: 1\nb: 2\na: 3\n' }, 'group_vars/g.yml', /:3:1: YAML syntax error: Map keys must be unique/],
    ['a list instead of a mapping', { 'host_vars/h.yml': '\n- a\n- b\n' }, 'host_vars/h.yml', /:2:1: a vars file must hold a mapping/],
    ['vault', { 'group_vars/g.yml': '$ANSIBLE_VAULT;1.1;AES256\n6162\n' }, 'group_vars/g.yml', /:1:1: vault-encrypted vars files are not supported\n {2}hint:/],
    ['error in a file of a vars directory', { 'group_vars/g/a.yml': 'ok: 1\n', 'group_vars/g/b.yml': 'x: "open\n' }, 'group_vars/g/b.yml', /:\d+:\d+: YAML syntax error/],
  ];
  it.each(errorCases)('reports %s with file:line:col', async (_name, files, badFile, expected) => {
    const root = makeTree({ hosts: '[g]\nh\n', ...files });
    const text = await validationText(() => loadInventory([join(root, 'hosts')]));
    expect(text.startsWith(join(root, badFile) + ':')).toBe(true);
    expect(text).toMatch(expected);
  });

  it('refuses a missing vars file', async () => {
    expect(await validationText(() => loadVarsFile('/nonexistent/tsplay/vars.yml'))).toMatch(/vars file not found/);
  });
});
