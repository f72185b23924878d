import { describe, expect, it } from 'vitest';
import { groupsMap, parseInventoryText } from '../../src/inventory/index.js';
import type { Inventory } from '../../src/inventory/index.js';
import { validationText } from './inventory-helpers.js';

const ini = (text: string): Inventory => parseInventoryText(text, 'hosts.ini', 'ini');

/** A compact view of an inventory: hosts with vars, groups with direct hosts, children and vars. */
function shape(inv: Inventory) {
  return {
    hosts: Object.fromEntries([...inv.hosts.values()].map((h) => [h.name, h.vars])),
    groups: Object.fromEntries(
      [...inv.groups.values()].map((g) => [g.name, { hosts: g.hosts, children: g.children, vars: g.vars }]),
    ),
  };
}

describe('INI inventory', () => {
  it('reads host lines with typed, quoted variables', () => {
    const inv = ini(
      [
        'web1 ansible_host=127.0.0.1 ansible_port=2222 foo="a b" n=3 f=1.5 on=True off=false none=None',
        "web2 list='[1, \"x\"]' dict='{\"k\": {\"z\": 1}}' quoted=\"'7'\" # trailing comment",
        'web3:2200 ansible_connection=local',
      ].join('\n'),
    );
    expect(shape(inv).hosts).toEqual({
      web1: { ansible_host: '127.0.0.1', ansible_port: 2222, foo: 'a b', n: 3, f: 1.5, on: true, off: false, none: null },
      web2: { list: [1, 'x'], dict: { k: { z: 1 } }, quoted: '7' },
      web3: { ansible_port: 2200, ansible_connection: 'local' },
    });
  });

  it('keeps the explicit ansible_port over host:port, as Ansible does', () => {
    expect(ini('h:2222 ansible_port=33').hosts.get('h')!.vars).toEqual({ ansible_port: 33 });
  });

  it('builds groups, :vars, :children and the implicit all/ungrouped', () => {
    const inv = ini(`
# a comment
; another comment
loose1
[web]
web1
web2 role=front

[db]
db1

[prod:children]
web
db   # inline comment

[prod:vars]
env=prod
port=8080
msg = "hello world"
raw=a#b

[all:vars]
ntp=ntp.example.com
`);
    expect(shape(inv).groups).toEqual({
      all: { hosts: [], children: ['ungrouped', 'prod'], vars: { ntp: 'ntp.example.com' } },
      ungrouped: { hosts: ['loose1'], children: [], vars: {} },
      web: { hosts: ['web1', 'web2'], children: [], vars: {} },
      db: { hosts: ['db1'], children: [], vars: {} },
      prod: { hosts: [], children: ['web', 'db'], vars: { env: 'prod', port: 8080, msg: 'hello world', raw: 'a#b' } },
    });
    expect([...inv.hosts.keys()]).toEqual(['loose1', 'web1', 'web2', 'db1']);
  });

  it('reads a :vars value as a Python literal as written: no shell quoting, no inline comment', () => {
    const inv = ini('[g]\nh\n[g:vars]\nv4 = spaced value # trailing\nlist=[1, 2]\nquoted=\'[1, 2]\'\n');
    expect(inv.groups.get('g')!.vars).toEqual({ v4: 'spaced value # trailing', list: [1, 2], quoted: '[1, 2]' });
  });

  it('expands ranges with padding, stride and letters', () => {
    const inv = ini('[nodes]\nnode[01:03] role=n\nn[1:7:3]\n[a:b]-x\n');
    expect(inv.groups.get('nodes')!.hosts).toEqual(['node01', 'node02', 'node03', 'n1', 'n4', 'n7', 'a-x', 'b-x']);
    expect(inv.hosts.get('node02')!.vars).toEqual({ role: 'n' });
  });

  it('gives each range sibling its own copy of a structured variable', () => {
    const inv = ini("n[1:2] l='[1]'");
    (inv.hosts.get('n1')!.vars.l as number[]).push(2);
    expect(inv.hosts.get('n2')!.vars.l).toEqual([1]);
  });

  it('accepts a :children entry declared later in the file', () => {
    const inv = ini('[prod:children]\nweb\n[prod:vars]\nx=1\n[web]\nw1\n');
    expect(inv.groups.get('prod')!.children).toEqual(['web']);
    expect(groupsMap(inv).prod).toEqual(['w1']);
    expect(inv.groups.get('all')!.children).toEqual(['ungrouped', 'prod']);
  });

  it('merges a host listed in several groups and sections', () => {
    const inv = ini('[web]\nboth a=1 b=1\n[db]\nboth b=2 c=2\n[web]\nboth d=4\nother\n');
    expect(inv.hosts.get('both')!.vars).toEqual({ a: 1, b: 2, c: 2, d: 4 });
    expect(inv.groups.get('web')!.hosts).toEqual(['both', 'other']);
    expect(inv.groups.get('db')!.hosts).toEqual(['both']);
  });

  it('takes a host out of ungrouped once a group lists it; [all] hosts are ungrouped', () => {
    const inv = ini('early\nalone\n[all]\nin_all\n[web]\nearly\n');
    expect(groupsMap(inv)).toEqual({
      all: ['early', 'alone', 'in_all'],
      ungrouped: ['alone', 'in_all'],
      web: ['early'],
    });
  });

  it('reads ansible_group_priority as an ordering hint, not a variable', () => {
    const inv = ini('[g]\nh\n[g:vars]\nansible_group_priority=10\nx=1\n');
    expect(inv.groups.get('g')!.priority).toBe(10);
    expect(inv.groups.get('g')!.vars).toEqual({ x: 1 });
  });

  it('reads IPv6 hosts', () => {
    const inv = ini('[v6]\n::1\n[::1]:2222 x=1\n');
    // both lines are the same host; the second adds a port
    expect(inv.groups.get('v6')!.hosts).toEqual(['::1']);
    expect(inv.hosts.get('::1')!.vars).toEqual({ ansible_port: 2222, x: 1 });
  });

  it('handles CRLF line ends', () => {
    expect(groupsMap(ini('[web]\r\nw1 a=1\r\nw2\r\n')).web).toEqual(['w1', 'w2']);
  });
});

describe('INI inventory errors carry file:line:col and a hint', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['unknown section suffix', '[web]\nw1\n[web:hosts]\n', /^hosts\.ini:3:6: section \[web:hosts\] has an unknown type "hosts"\n {2}hint: /],
    ['vars line without =', '[web]\nw1\n[web:vars]\n  justaword\n', /^hosts\.ini:4:3: expected key=value in \[web:vars\], got: justaword\n {2}hint:/],
    ['vars line with empty key', '[web]\nw1\n[web:vars]\n=1\n', /^hosts\.ini:4:1: expected key=value/],
    ['host var without =', 'w1 a=1 oops\n', /^hosts\.ini:1:8: expected key=value host variable, got: oops/],
    ['unclosed quote', 'w1 a="open\n', /^hosts\.ini:1:6: cannot read host line: no closing " quote/],
    ['bad range', '[web]\nw[5:1]\n', /^hosts\.ini:2:1: host range "\[5:1\]" in "w\[5:1\]" must have begin <= end/],
    ['bad padded range', '[web]\n  w[01:100]\n', /^hosts\.ini:2:3: .*same width/],
    ['bad port', 'w1:port\n', /^hosts\.ini:1:1: bad host "w1:port"/],
    ['section with spaces', '[web servers]\n', /^hosts\.ini:1:1: invalid section header: \[web servers\]\n {2}hint: .*no spaces/],
    ['bad children entry', '[a:children]\nb c\n', /^hosts\.ini:2:1: expected a group name in \[a:children\], got: b c/],
    ['undefined child group', '[web]\nw1\n[prod:children]\nweb\nghost\n', /^hosts\.ini:5:1: section \[prod:children\] includes an undefined group: ghost\n {2}hint: declare/],
    ['vars for undefined group', '[web]\nw1\n[nope:vars]\nx=1\n', /^hosts\.ini:3:1: section \[nope:vars\] is for a group that is never declared: nope/],
    ['cycle', '[a:children]\nb\n[b:children]\n  c\n[c:children]\na\n', /^hosts\.ini:6:1: making "a" a child of "c" creates a cycle: c -> a -> b -> c/],
    ['cycle through a pending child', '[a:children]\nb\n[b:children]\na\n', /^hosts\.ini:4:1: making "a" a child of "b" creates a cycle/],
    ['group its own child', '[a]\nh\n[a:children]\na\n', /^hosts\.ini:4:1: group "a" cannot be a child of itself/],
    ['all as a child', '[a:children]\nall\n', /^hosts\.ini:2:1: group "a" cannot have "all" as a child/],
    ['a YAML file read as INI', '---\nall:\n', /^hosts\.ini:1:1: "---" is not a host; this looks like a YAML file/],
    ['bad group priority', '[g]\nh\n[g:vars]\nansible_group_priority=high\n', /^hosts\.ini:4:1: ansible_group_priority of group "g" must be an integer/],
  ];
  it.each(cases)('%s', async (_name, text, expected) => {
    expect(await validationText(() => ini(text))).toMatch(expected);
  });
});
