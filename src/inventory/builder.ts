import { ValidationError, type SourcePos } from '../errors.js';
import type { Inventory, InventoryGroup, InventoryHost } from './types.js';

export const ALL = 'all';
export const UNGROUPED = 'ungrouped';
export const GROUP_PRIORITY_VAR = 'ansible_group_priority';

/**
 * Collects hosts, groups and their relations from any number of sources (INI, YAML, host lists)
 * and then settles the implicit rules, as Ansible's inventory data does: every group without a
 * parent hangs under `all`, and `ungrouped` holds exactly the hosts that are in no other group.
 */
export class InventoryBuilder {
  private readonly hosts = new Map<string, InventoryHost>();
  private readonly groups = new Map<string, InventoryGroup>();

  constructor() {
    this.addGroup(ALL);
    this.addGroup(UNGROUPED);
  }

  hasGroup(name: string): boolean {
    return this.groups.has(name);
  }

  addGroup(name: string, pos?: SourcePos): InventoryGroup {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, vars: {}, hosts: [], children: [], pos };
      this.groups.set(name, group);
    } else if (!group.pos && pos) {
      group.pos = pos;
    }
    return group;
  }

  /** Adds the host if new, and lists it in `group` (once) when a group is given. */
  addHost(name: string, group: string | undefined, pos?: SourcePos): InventoryHost {
    let host = this.hosts.get(name);
    if (!host) {
      host = { name, vars: {}, pos };
      this.hosts.set(name, host);
    }
    if (group !== undefined) {
      const g = this.addGroup(group, pos);
      if (!g.hosts.includes(name)) g.hosts.push(name);
    }
    return host;
  }

  setHostVar(host: string, key: string, value: unknown): void {
    const h = this.hosts.get(host);
    if (!h) throw new Error(`internal: setHostVar on unknown host ${host}`);
    h.vars[key] = value;
  }

  /** ansible_group_priority is not a variable but an ordering hint, as in Ansible. */
  setGroupVar(group: string, key: string, value: unknown, pos?: SourcePos): void {
    const g = this.addGroup(group, pos);
    if (key === GROUP_PRIORITY_VAR) {
      const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
      if (!Number.isInteger(n)) {
        throw new ValidationError(`${GROUP_PRIORITY_VAR} of group "${group}" must be an integer, got ${JSON.stringify(value)}`, {
          pos,
          hint: 'groups of the same depth are merged by ascending priority; the default is 1',
        });
      }
      g.priority = n;
      return;
    }
    g.vars[key] = value;
  }

  /** Makes `child` a child group of `parent`; refuses self-references and cycles. */
  addChild(parent: string, child: string, pos?: SourcePos): void {
    if (child === ALL) {
      throw new ValidationError(`group "${parent}" cannot have "${ALL}" as a child`, {
        pos,
        hint: `"${ALL}" is the implicit parent of every group`,
      });
    }
    if (child === parent) {
      throw new ValidationError(`group "${parent}" cannot be a child of itself`, { pos });
    }
    const loop = this.pathBetween(child, parent);
    if (loop) {
      throw new ValidationError(`making "${child}" a child of "${parent}" creates a cycle: ${[parent, ...loop].join(' -> ')}`, {
        pos,
        hint: 'a group cannot be its own ancestor; remove one of these :children entries',
      });
    }
    const p = this.addGroup(parent);
    this.addGroup(child, pos);
    if (!p.children.includes(child)) p.children.push(child);
  }

  /** A chain of child links from `from` down to `to`, if there is one. */
  private pathBetween(from: string, to: string, seen = new Set<string>()): string[] | undefined {
    if (from === to) return [to];
    if (seen.has(from)) return undefined;
    seen.add(from);
    for (const kid of this.groups.get(from)?.children ?? []) {
      const rest = this.pathBetween(kid, to, seen);
      if (rest) return [from, ...rest];
    }
    return undefined;
  }

  /** Settles the implicit groups and returns the inventory (the builder should not be used after). */
  build(): Inventory {
    const all = this.groups.get(ALL)!;
    const ungrouped = this.groups.get(UNGROUPED)!;
    const hasParent = new Set<string>();
    for (const g of this.groups.values()) for (const kid of g.children) hasParent.add(kid);
    for (const name of this.groups.keys()) {
      if (name !== ALL && !hasParent.has(name) && !all.children.includes(name)) all.children.push(name);
    }

    const grouped = new Set<string>();
    for (const g of this.groups.values()) {
      if (g.name === ALL || g.name === UNGROUPED) continue;
      for (const h of g.hosts) grouped.add(h);
    }
    // A host listed before any section (INI) or only under `all` belongs to `ungrouped` unless
    // some other group lists it too.
    ungrouped.hosts = [...this.hosts.keys()].filter((h) => !grouped.has(h));
    return { hosts: this.hosts, groups: this.groups, varsDirs: [] };
  }
}
