import { describe, expect, it } from 'vitest';
import { groupsMap, parseInventoryText } from '../../src/inventory/index.js';
import type { Inventory } from '../../src/inventory/index.js';
import { validationText } from './inventory-helpers.js';

const yaml = (text: string): Inventory => parseInventoryText(text, 'hosts.yml');

describe('YAML inventory', () => {
  it("reads Ansible's format: hosts with vars, group vars, nested children", () => {
    const inv = yaml(`
all:
  vars:
    ntp: ntp.example.com
  hosts:
    loose1:
  children:
    prod:
      vars:
        env: prod
      children:
        web:
          hosts:
            web1:
              ansible_host: 127.0.0.1
              ansible_port: 2222
            web2:
        db:
          hosts:
            db1:
`);
    expect(Object.fromEntries([...inv.hosts.values()].map((h) => [h.name, h.vars]))).toEqual({
      loose1: {},
      web1: { ansible_host: '127.0.0.1', ansible_port: 2222 },
      web2: {},
      db1: {},
    });
    expect(inv.groups.get('all')!.vars).toEqual({ ntp: 'ntp.example.com' });
    expect(inv.groups.get('prod')!.vars).toEqual({ env: 'prod' });
    expect(inv.groups.get('prod')!.children).toEqual(['web', 'db']);
    expect(groupsMap(inv)).toEqual({
      all: ['loose1', 'web1', 'web2', 'db1'],
      ungrouped: ['loose1'],
      prod: ['web1', 'web2', 'db1'],
      web: ['web1', 'web2'],
      db: ['db1'],
    });
  });

  it('reads YAML 1.1 scalars the way Ansible (PyYAML) does', () => {
    const inv = yaml(`
all:
  hosts:
    h:
      a_yes: yes
      a_off: off
      a_y: y
      a_n: n
      mode: 0644
      hex: 0x1f
      sexagesimal: 1:20
      day: 2024-01-02
      quoted: "0644"
      nothing: ~
      anchored: &x {k: 1}
      merged:
        <<: *x
        j: 2
`);
    expect(inv.hosts.get('h')!.vars).toEqual({
      a_yes: true,
      a_off: false,
      a_y: 'y',
      a_n: 'n',
      mode: 420,
      hex: 31,
      sexagesimal: 80,
      day: '2024-01-02',
      quoted: '0644',
      nothing: null,
      anchored: { k: 1 },
      merged: { k: 1, j: 2 },
    });
  });

  it('expands ranges and ports in host names', () => {
    const inv = yaml('all:\n  children:\n    nodes:\n      hosts:\n        node[01:03]:\n          role: n\n        x[a:b]:2200:\n');
    expect(groupsMap(inv).nodes).toEqual(['node01', 'node02', 'node03', 'xa', 'xb']);
    expect(inv.hosts.get('node03')!.vars).toEqual({ role: 'n' });
    expect(inv.hosts.get('xb')!.vars).toEqual({ ansible_port: 2200 });
  });

  it('accepts top-level groups besides all, string shorthands and empty sections', () => {
    const inv = yaml(`
web:
  hosts: w1
  children: api
api:
  hosts:
    a1:
  vars:
empty:
db:
  hosts:
`);
    expect(inv.groups.get('web')!.hosts).toEqual(['w1']);
    expect(inv.groups.get('web')!.children).toEqual(['api']);
    expect(inv.groups.get('all')!.children).toEqual(['ungrouped', 'web', 'empty', 'db']);
    expect(groupsMap(inv).web).toEqual(['w1', 'a1']);
  });

  it('merges a host that appears in several groups', () => {
    const inv = yaml('all:\n  children:\n    a:\n      hosts:\n        h: {x: 1, y: 1}\n    b:\n      hosts:\n        h: {y: 2}\n');
    expect(inv.hosts.get('h')!.vars).toEqual({ x: 1, y: 2 });
    expect(inv.groups.get('a')!.hosts).toEqual(['h']);
    expect(inv.groups.get('b')!.hosts).toEqual(['h']);
  });

  it('reads JSON inventories (JSON is YAML)', () => {
    const inv = parseInventoryText('{"all": {"hosts": {"j1": {"port": 1}}, "children": {"g": {"hosts": {"j2": null}}}}}', 'inv.json');
    expect(groupsMap(inv)).toMatchObject({ all: ['j1', 'j2'], g: ['j2'] });
    expect(inv.hosts.get('j1')!.vars).toEqual({ port: 1 });
  });

  it('takes ansible_group_priority from group vars', () => {
    expect(yaml('g:\n  vars:\n    ansible_group_priority: 3\n').groups.get('g')!.priority).toBe(3);
  });
});

describe('YAML inventory errors carry file:line:col and a hint', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['syntax error', 'all:\n  hosts:\n    h1: [1\n', /^hosts\.yml:\d+:\d+: YAML syntax error: /],
    ['bad indentation', 'all:\n  hosts:\n   h1:\n  - x\n', /^hosts\.yml:3:7: YAML syntax error: A block sequence may not be used as an implicit map key/],
    ['duplicate host key', 'all:\n  hosts:\n    h1:\n    h1:\n', /^hosts\.yml:4:5: YAML syntax error: Map keys must be unique\n {2}hint:/],
    ['duplicate group key', 'all:\n  vars: {}\nall:\n', /^hosts\.yml:3:1: YAML syntax error: Map keys must be unique/],
    ['unknown key in a group', 'all:\n  hosts:\n    h1:\n  hots:\n    h2:\n', /^hosts\.yml:4:3: unexpected key "hots" in group "all"\n {2}hint:/],
    ['host vars not a mapping', 'all:\n  hosts:\n    h1: 3\n', /^hosts\.yml:3:9: variables of host "h1" must be a mapping/],
    ['hosts as a list', 'all:\n  hosts:\n    - h1\n', /^hosts\.yml:3:5: "hosts" of group "all" must be a mapping/],
    ['group not a mapping', 'web: [a, b]\n', /^hosts\.yml:1:6: group "web" must be a mapping/],
    ['not a mapping at all', '- a\n- b\n', /^hosts\.yml:1:1: YAML inventory must be a mapping of group names/],
    ['empty file', '# nothing\n', /^hosts\.yml:\d+:\d+: YAML inventory is empty/],
    ['bad range in a host name', 'all:\n  hosts:\n    n[3:1]:\n', /^hosts\.yml:3:5: host range .* must have begin <= end/],
    // the inner link (b -> a) is made first, so the outer one (a -> b) closes the loop
    ['cycle', 'a:\n  children:\n    b:\n      children:\n        a:\n', /^hosts\.yml:3:5: making "b" a child of "a" creates a cycle: a -> b -> a/],
    ['plugin config', 'plugin: aws_ec2\n', /^hosts\.yml:1:1: inventory plugin configurations are not supported/],
  ];
  it.each(cases)('%s', async (_name, text, expected) => {
    expect(await validationText(() => yaml(text))).toMatch(expected);
  });
});
