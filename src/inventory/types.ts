import type { SourcePos } from '../errors.js';
import type { Vars } from '../vars/types.js';

/** A host as the inventory sources define it. */
export interface InventoryHost {
  name: string;
  /** variables set in inventory sources (INI host lines, YAML `hosts:` entries, `host:port`) */
  vars: Vars;
  /** where the host was first defined, for messages */
  pos?: SourcePos;
}

/** A group as the inventory sources define it; `all` and `ungrouped` always exist. */
export interface InventoryGroup {
  name: string;
  /** variables set in inventory sources (`[g:vars]`, YAML `vars:`), without ansible_group_priority */
  vars: Vars;
  /** hosts listed directly in this group, in the order they were listed */
  hosts: string[];
  /** direct child groups */
  children: string[];
  /**
   * ansible_group_priority (Ansible's default is 1): among groups of the same depth, the higher
   * priority is merged later and so wins. Like Ansible, only inventory sources can set it.
   */
  priority?: number;
  /** where the group was first declared, for messages */
  pos?: SourcePos;
}

/** Where a group_vars/ + host_vars/ pair was found: beside an inventory source or the playbook. */
export type VarsDirOrigin = 'inventory' | 'playbook';

/**
 * The variables read from one `<base>/group_vars/` + `<base>/host_vars/` pair. They are kept apart
 * from the inventory sources' own vars because Ansible's precedence interleaves them by origin.
 */
export interface VarsDirLayer {
  origin: VarsDirOrigin;
  /** the base directory holding group_vars/ and host_vars/ */
  dir: string;
  /** group name -> merged variables of group_vars/<name>[.yml|.yaml|.json|/] */
  groups: Map<string, Vars>;
  /** host name -> merged variables of host_vars/<name>[.yml|.yaml|.json|/] */
  hosts: Map<string, Vars>;
}

export interface Inventory {
  /** every host, in inventory order (the order in which hosts first appeared) */
  hosts: Map<string, InventoryHost>;
  /** every group, including `all` and `ungrouped` */
  groups: Map<string, InventoryGroup>;
  /**
   * group_vars/host_vars layers in load order (inventory bases first, then the playbook's).
   * Optional so that a hand-built inventory (tests, other stages) needs only hosts and groups.
   */
  varsDirs?: VarsDirLayer[];
}
