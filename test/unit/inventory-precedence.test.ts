import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupNames, groupsMap, inventoryVars, loadInventory, parseInventoryText } from '../../src/inventory/index.js';
import type { Inventory } from '../../src/inventory/index.js';
import { makeTree } from './inventory-helpers.js';

/**
 * Every place the inventory can set `x` for host h (in group child, whose parent is parent),
 * lowest precedence first. This order was checked layer by layer against ansible-core 2.14
 * (ansible-inventory --playbook-dir), including its surprise: group_vars/all beats [child:vars].
 */
const LAYERS = [
  'ini_all',
  'ini_parent',
  'ini_child',
  'inv_gv_all',
  'pb_gv_all',
  'inv_gv_parent',
  'inv_gv_child',
  'pb_gv_parent',
  'pb_gv_child',
  'ini_host',
  'inv_hv',
  'pb_hv',
] as const;
type Layer = (typeof LAYERS)[number];

/** The tree with only the given layers defining x. */
function precedenceTree(present: Set<Layer>): Record<string, string> {
  const has = (l: Layer) => present.has(l);
  const files: Record<string, string> = {
    'inv/hosts': [
      '[child]',
      has('ini_host') ? 'h x=ini_host' : 'h',
      '[sibling]',
      'h',
      '[parent:children]',
      'child',
      '[all:vars]',
      has('ini_all') ? 'x=ini_all' : 'unrelated=1',
      '[parent:vars]',
      has('ini_parent') ? 'x=ini_parent' : 'unrelated=1',
      '[child:vars]',
      has('ini_child') ? 'x=ini_child' : 'unrelated=1',
      '',
    ].join('\n'),
    'pb/site.yml': '- hosts: all\n',
  };
  const yamlFiles: Array<[Layer, string]> = [
    ['inv_gv_all', 'inv/group_vars/all.yml'],
    ['pb_gv_all', 'pb/group_vars/all.yml'],
    ['inv_gv_parent', 'inv/group_vars/parent.yml'],
    ['inv_gv_child', 'inv/group_vars/child.yml'],
    ['pb_gv_parent', 'pb/group_vars/parent.yml'],
    ['pb_gv_child', 'pb/group_vars/child.yml'],
    ['inv_hv', 'inv/host_vars/h.yml'],
    ['pb_hv', 'pb/host_vars/h.yml'],
  ];
  for (const [layer, path] of yamlFiles) if (has(layer)) files[path] = `x: ${layer}\n`;
  return files;
}

async function xFor(present: Set<Layer>): Promise<unknown> {
  const root = makeTree(precedenceTree(present));
  const inv = await loadInventory([join(root, 'inv/hosts')], { playbookDir: join(root, 'pb') });
  return inventoryVars(inv, 'h').x;
}

describe('inventoryVars precedence', () => {
  // With layers 1..n present, layer n must win.
  it.each(LAYERS.map((layer, i) => [layer, i] as const))('%s wins over every layer below it', async (layer, i) => {
    expect(await xFor(new Set(LAYERS.slice(0, i + 1)))).toBe(layer);
  });

  // And each layer alone is seen (nothing is dropped).
  it.each(LAYERS.map((l) => [l]))('%s alone is used', async (layer) => {
    expect(await xFor(new Set([layer]))).toBe(layer);
  });

  const ini = (text: string): Inventory => parseInventoryText(text, 'hosts', 'ini');

  const groupOrderCases: Array<[string, string, Record<string, unknown>]> = [
    [
      'same depth: by name, the later name wins',
      '[a]\nh\n[b]\nh\n[a:vars]\nx=a\n[b:vars]\nx=b\n',
      { x: 'b' },
    ],
    [
      'same depth: higher ansible_group_priority wins',
      '[a]\nh\n[b]\nh\n[a:vars]\nx=a\nansible_group_priority=10\n[b:vars]\nx=b\n',
      { x: 'a' },
    ],
    [
      'a deeper group wins whatever the priority',
      '[top]\nh\n[p:children]\nkid\n[kid]\nh\n[top:vars]\nx=top\nansible_group_priority=100\n[kid:vars]\nx=kid\nansible_group_priority=-5\n',
      { x: 'kid' },
    ],
    [
      'depth is the longest path from all',
      // c hangs under a (depth 2) and under a > b (depth 3): it counts as 3, deeper than e (2)
      '[a:children]\nb\nc\n[b:children]\nc\n[c]\nh\n[d:children]\ne\n[e]\nh\n[c:vars]\nx=c\n[e:vars]\nx=e\n',
      { x: 'c' },
    ],
    [
      'host vars beat every group',
      '[g]\nh x=host\n[g:vars]\nx=group\nansible_group_priority=1000\n',
      { x: 'host' },
    ],
    [
      'values are replaced whole, not merged',
      // in :vars the value is a Python literal as written (no shell quoting)
      '[g]\nh\n[all:vars]\ncfg={"a": 1, "b": 1}\n[g:vars]\ncfg={"b": 2}\n',
      { cfg: { b: 2 } },
    ],
  ];
  it.each(groupOrderCases)('%s', (_name, text, expected) => {
    expect(inventoryVars(ini(text), 'h')).toEqual(expected);
  });

  it('ignores ansible_group_priority set in group_vars (a plain variable there, as in Ansible)', async () => {
    const root = makeTree({
      'hosts': '[a]\nh\n[b]\nh\n[a:vars]\nx=a\n[b:vars]\nx=b\n',
      'group_vars/a.yml': 'ansible_group_priority: 50\n',
    });
    const vars = inventoryVars(await loadInventory([join(root, 'hosts')]), 'h');
    expect(vars).toEqual({ x: 'b', ansible_group_priority: 50 });
  });

  it('applies group_vars of several inventory directories source by source', async () => {
    // Ansible merges one source's group_vars for all the host's groups, then the next source's.
    const root = makeTree({
      'one/hosts': '[parent:children]\nchild\n[child]\nh\n',
      'one/group_vars/child.yml': 'x: one_child\n',
      'two/hosts': '[child]\nh\n',
      'two/group_vars/parent.yml': 'x: two_parent\n',
    });
    const inv = await loadInventory([join(root, 'one/hosts'), join(root, 'two/hosts')]);
    expect(inventoryVars(inv, 'h').x).toBe('two_parent');
  });

  it('returns a copy the caller may change', () => {
    const inv = ini('[g]\nh\n[g:vars]\nl=[1]\n');
    (inventoryVars(inv, 'h').l as number[]).push(2);
    expect(inventoryVars(inv, 'h').l).toEqual([1]);
  });

  it('refuses an unknown host', () => {
    expect(() => inventoryVars(ini('h\n'), 'nobody')).toThrow(/unknown host "nobody"/);
  });
});

describe('groupNames and groupsMap', () => {
  const inv = parseInventoryText(
    [
      'loose',
      '[web]',
      'w2',
      'w1',
      '[db]',
      'd1',
      'w1',
      '[prod:children]',
      'web',
      'db',
      '[eu:children]',
      'prod',
      '[empty]',
    ].join('\n'),
    'hosts',
    'ini',
  );

  it.each([
    ['w1', ['db', 'eu', 'prod', 'web']],
    ['w2', ['eu', 'prod', 'web']],
    ['d1', ['db', 'eu', 'prod']],
    ['loose', ['ungrouped']], // as Ansible's group_names
  ])('groupNames(%s)', (host, names) => {
    expect(groupNames(inv, host)).toEqual(names);
  });

  it('maps every group to all its hosts, descendants included, in inventory order', () => {
    expect(groupsMap(inv)).toEqual({
      all: ['loose', 'w2', 'w1', 'd1'],
      ungrouped: ['loose'],
      web: ['w2', 'w1'],
      db: ['w1', 'd1'],
      prod: ['w2', 'w1', 'd1'],
      eu: ['w2', 'w1', 'd1'],
      empty: [],
    });
  });

  it('works on a hand-built inventory without varsDirs', () => {
    const hand: Inventory = {
      hosts: new Map([['h', { name: 'h', vars: { a: 1 } }]]),
      groups: new Map([
        ['all', { name: 'all', vars: { a: 0, b: 0 }, hosts: [], children: ['g'] }],
        ['g', { name: 'g', vars: { b: 1 }, hosts: ['h'], children: [] }],
      ]),
    };
    expect(inventoryVars(hand, 'h')).toEqual({ a: 1, b: 1 });
    expect(groupNames(hand, 'h')).toEqual(['g']);
  });
});
