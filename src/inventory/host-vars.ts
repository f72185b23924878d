import { ValidationError } from '../errors.js';
import type { Vars } from '../vars/types.js';
import { ALL } from './builder.js';
import type { Inventory, InventoryGroup, VarsDirOrigin } from './types.js';

const DEFAULT_PRIORITY = 1;

/** child group -> its parents */
function parentsOf(inv: Inventory): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const g of inv.groups.values()) {
    for (const kid of g.children) {
      const list = parents.get(kid) ?? [];
      list.push(g.name);
      parents.set(kid, list);
    }
  }
  return parents;
}

/**
 * Depth as Ansible counts it: `all` is 0, its children 1, and a group is one deeper than its
 * deepest parent. A group with no parent counts as a child of `all` (hand-built inventories).
 */
function depthOf(name: string, parents: Map<string, string[]>, memo: Map<string, number>, visiting = new Set<string>()): number {
  if (name === ALL) return 0;
  const known = memo.get(name);
  if (known !== undefined) return known;
  if (visiting.has(name)) return 1; // a cycle cannot come from the loaders; stay finite anyway
  visiting.add(name);
  const ps = parents.get(name) ?? [];
  const depth = ps.length === 0 ? 1 : Math.max(...ps.map((p) => depthOf(p, parents, memo, visiting) + 1));
  visiting.delete(name);
  memo.set(name, depth);
  return depth;
}

/** Every group that holds the host, directly or through a child group, `all` included. */
function groupsOfHost(inv: Inventory, host: string, parents: Map<string, string[]>): Set<string> {
  const out = new Set<string>();
  const visit = (g: string) => {
    if (out.has(g)) return;
    out.add(g);
    for (const p of parents.get(g) ?? []) visit(p);
  };
  for (const g of inv.groups.values()) if (g.hosts.includes(host)) visit(g.name);
  out.add(ALL);
  return out;
}

/** Ansible's sort_groups: by depth, then ansible_group_priority, then name. */
function sortGroups(groups: InventoryGroup[], parents: Map<string, string[]>): InventoryGroup[] {
  const memo = new Map<string, number>();
  const key = (g: InventoryGroup) => [depthOf(g.name, parents, memo), g.priority ?? DEFAULT_PRIORITY] as const;
  return [...groups].sort((a, b) => {
    const [da, pa] = key(a);
    const [db, pb] = key(b);
    return da - db || pa - pb || compareNames(a.name, b.name);
  });
}

function requireHost(inv: Inventory, host: string) {
  const h = inv.hosts.get(host);
  if (!h) throw new ValidationError(`unknown host "${host}": it is not in the inventory`);
  return h;
}

/**
 * The variables the inventory gives a host, with Ansible's precedence (later wins, values are
 * replaced whole, as with hash_behaviour=replace):
 *
 * 1. `all` vars from the inventory sources
 * 2. the host's other groups' vars from the inventory sources, ordered by depth (parents before
 *    children), then ansible_group_priority (higher wins), then name
 * 3. group_vars/all beside the inventory sources, then 4. beside the playbook
 * 5. group_vars/<group> beside the inventory sources, then 6. beside the playbook, same group order
 * 7. the host's vars from the inventory sources
 * 8. host_vars/<host> beside the inventory sources, then 9. beside the playbook
 *
 * This is what Ansible does (its default VARIABLE_PRECEDENCE), and it means group_vars/all beats
 * a child group's `[child:vars]` written in the INI file.
 */
export function inventoryVars(inv: Inventory, host: string): Vars {
  const h = requireHost(inv, host);
  const parents = parentsOf(inv);
  const names = groupsOfHost(inv, host, parents);
  names.delete(ALL);
  const groups = sortGroups(
    [...names].map((n) => inv.groups.get(n)).filter((g): g is InventoryGroup => g !== undefined),
    parents,
  );
  const out: Vars = {};
  const add = (vars: Vars | undefined) => {
    if (vars) Object.assign(out, vars);
  };
  const dirLayers = (origin: VarsDirOrigin) => (inv.varsDirs ?? []).filter((l) => l.origin === origin);

  add(inv.groups.get(ALL)?.vars);
  for (const g of groups) add(g.vars);
  for (const origin of ['inventory', 'playbook'] as const) for (const l of dirLayers(origin)) add(l.groups.get(ALL));
  for (const origin of ['inventory', 'playbook'] as const) {
    for (const l of dirLayers(origin)) for (const g of groups) add(l.groups.get(g.name));
  }
  add(h.vars);
  for (const origin of ['inventory', 'playbook'] as const) for (const l of dirLayers(origin)) add(l.hosts.get(host));
  return structuredClone(out);
}

/**
 * Ansible's `group_names`: the groups holding the host, directly or through child groups, sorted,
 * without `all`. Like Ansible, a host in no group gets ["ungrouped"].
 */
export function groupNames(inv: Inventory, host: string): string[] {
  requireHost(inv, host);
  const names = groupsOfHost(inv, host, parentsOf(inv));
  names.delete(ALL);
  return [...names].sort(compareNames);
}

/**
 * Ansible's `groups`: every group, `all` and `ungrouped` included, with all the hosts in it or in
 * its descendants, in inventory order.
 */
export function groupsMap(inv: Inventory): Record<string, string[]> {
  const order = inventoryOrder(inv);
  const out: Record<string, string[]> = {};
  for (const name of inv.groups.keys()) out[name] = name === ALL ? [...inv.hosts.keys()] : sortByInventory(hostsUnder(inv, name), order);
  return out;
}

/** Hosts of a group and of its descendants (unordered). */
export function hostsUnder(inv: Inventory, group: string): Set<string> {
  const hosts = new Set<string>();
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const g = inv.groups.get(name);
    if (!g) return;
    for (const h of g.hosts) hosts.add(h);
    for (const kid of g.children) visit(kid);
  };
  visit(group);
  return hosts;
}

/** host -> its index in the inventory (order of first appearance) */
export function inventoryOrder(inv: Inventory): Map<string, number> {
  return new Map([...inv.hosts.keys()].map((h, i) => [h, i]));
}

export function sortByInventory(hosts: Iterable<string>, order: Map<string, number>): string[] {
  return [...hosts].sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity));
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
