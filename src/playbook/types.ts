import type { SourcePos } from '../errors.js';
import type { Vars } from '../vars/types.js';

/**
 * The loaded, validated playbook. Strings that may hold templates are kept raw and rendered per
 * host at run time; everything structural was checked when loading.
 */
export interface Playbook {
  file: string;
  /** directory of the playbook file (for roles/, group_vars/, host_vars/ beside it) */
  dir: string;
  plays: Play[];
}

/** A role as used in a play: its files are loaded once; defaults and vars are variable layers. */
export interface RoleInstance {
  name: string;
  /** absolute directory of the role */
  path: string;
  defaults: Vars;
  vars: Vars;
  /** role parameters given where it is used (`roles: [{role: x, foo: 1}]`) */
  params: Vars;
  /** handlers of this role, added to the play's handlers */
  handlers: Handler[];
}

/** Keywords shared by plays, blocks, tasks and roles ("inherited" downward). */
export interface Inherited {
  become?: boolean | string;
  becomeUser?: string;
  becomeMethod?: string;
  remoteUser?: string;
  environment?: Record<string, unknown> | string;
  ignoreErrors?: boolean | string;
  noLog?: boolean | string;
  checkMode?: boolean | string;
  diff?: boolean | string;
  anyErrorsFatal?: boolean;
  delegateTo?: string;
  runOnce?: boolean | string;
}

export interface NodeBase extends Inherited {
  pos: SourcePos;
  name?: string;
  /** conditions, ANDed; inherited conditions are prepended by the loader */
  when: string[];
  /** effective tags (own + inherited from block, role, play, import) */
  tags: string[];
  vars: Vars;
  /** the role this node belongs to, if any */
  role?: RoleInstance;
}

export interface TaskLoop {
  /** a template string (`"{{ items }}"`) or a literal list / dict (with_dict) */
  items: unknown;
  kind: 'loop' | 'with_items' | 'with_dict' | 'with_list' | 'with_indexed_items' | 'with_sequence' | 'with_nested' | 'with_together' | 'with_fileglob' | 'with_subelements';
  loopVar: string;
  indexVar?: string;
  label?: string;
  pause?: number;
}

export interface Task extends NodeBase {
  kind: 'task';
  /** canonical module name (without `ansible.builtin.`) */
  module: string;
  /** arguments as written (templates unrendered); a free-form string was already mapped to its key */
  args: Record<string, unknown>;
  /** source position of each argument key, for error messages */
  argPos: Record<string, SourcePos>;
  loop?: TaskLoop;
  register?: string;
  notify: string[];
  changedWhen?: string[];
  failedWhen?: string[];
  until?: string[];
  retries?: number | string;
  delay?: number | string;
}

export interface Handler extends Task {
  listen: string[];
}

export interface Block extends NodeBase {
  kind: 'block';
  block: TaskNode[];
  rescue: TaskNode[];
  always: TaskNode[];
}

/** Set by the loader on dynamic includes: what loading their target at run time needs. */
export interface IncludeOrigin {
  /** the file holding the include */
  file: string;
  /** directory of the play's file (roles/, templates/, files/ beside it) */
  playDir: string;
  /** directories searched for roles, in order */
  rolesPaths: string[];
  /** conditions, tags and keywords around the include (not its own): what the included tasks inherit */
  when: string[];
  tags: string[];
  inherited: Inherited;
}

/** Dynamic includes: resolved per host at run time (file names may be templates). */
export interface IncludeTasks extends NodeBase {
  kind: 'include_tasks';
  file: string;
  /** the directory relative file names resolve from (the including file's dir, or a role's tasks/) */
  baseDir: string;
  loop?: TaskLoop;
  /** pre-loaded when the file name has no template (validated before any host is touched) */
  preloaded?: TaskNode[];  /** set by the loader, for loading a templated file at run time */
  origin?: IncludeOrigin;
}

export interface IncludeRole extends NodeBase {
  kind: 'include_role';
  roleName: string;
  tasksFrom: string;
  params: Vars;
  loop?: TaskLoop;
  /** pre-loaded role (validated before any host is touched) */
  preloaded?: { role: RoleInstance; tasks: TaskNode[] };  /** set by the loader, for loading a templated role at run time */
  origin?: IncludeOrigin;
}

export type TaskNode = Task | Block | IncludeTasks | IncludeRole;

export interface Play extends Inherited {
  pos: SourcePos;
  name: string;
  /** host pattern (may be a template) */
  hosts: string;
  vars: Vars;
  /** vars_files as written (may contain templates); resolved relative to the playbook dir */
  varsFiles: Array<string | string[]>;
  /** the playbook directory, for vars_files and roles */
  dir: string;
  gatherFacts: boolean;
  /** `gather_subset` for the implicit fact gathering (Ansible's names: all, min, !hardware ...) */
  gatherSubset?: string[];
  /** `gather_timeout` in seconds (a number or a template) */
  gatherTimeout?: number | string;
  serial?: Array<number | string>;
  maxFailPercentage?: number;
  forceHandlers?: boolean;
  /** order in which the play's hosts run (`order:`); inventory order when absent */
  order?: 'inventory' | 'reverse_inventory' | 'sorted' | 'reverse_sorted' | 'shuffle';
  tags: string[];
  preTasks: TaskNode[];
  /** roles: the `roles:` section expanded to blocks with role context */
  roles: TaskNode[];
  tasks: TaskNode[];
  postTasks: TaskNode[];
  handlers: Handler[];
}
