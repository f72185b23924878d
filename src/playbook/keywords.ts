import type { Inherited } from './types.js';

/**
 * The keywords allowed in each place of a playbook. Anything else in a task is a module name; in a
 * play or block it is a mistake (reported with the closest keyword).
 */

/** Keywords inherited downward (play -> role -> block -> task), with the field they fill. */
export const INHERITED_KEYWORDS = {
  become: 'become',
  become_user: 'becomeUser',
  become_method: 'becomeMethod',
  remote_user: 'remoteUser',
  environment: 'environment',
  ignore_errors: 'ignoreErrors',
  no_log: 'noLog',
  check_mode: 'checkMode',
  diff: 'diff',
  any_errors_fatal: 'anyErrorsFatal',
  delegate_to: 'delegateTo',
  run_once: 'runOnce',
} as const satisfies Record<string, keyof Inherited>;

export type InheritedKeyword = keyof typeof INHERITED_KEYWORDS;

const PLAY_INHERITED: InheritedKeyword[] = [
  'become', 'become_user', 'become_method', 'remote_user', 'environment', 'ignore_errors', 'no_log',
  'check_mode', 'diff', 'any_errors_fatal',
];
const ALL_INHERITED = Object.keys(INHERITED_KEYWORDS) as InheritedKeyword[];

export const LOOP_KEYWORDS = [
  'loop', 'with_items', 'with_list', 'with_dict', 'with_indexed_items', 'with_sequence', 'with_nested',
  'with_together', 'with_fileglob', 'with_subelements',
] as const;
export type LoopKeyword = (typeof LOOP_KEYWORDS)[number];

export const LOOP_CONTROL_KEYS = ['loop_var', 'label', 'index_var', 'pause'] as const;

export const PLAY_KEYWORDS = new Set<string>([
  'name', 'hosts', 'vars', 'vars_files', 'gather_facts', 'gather_subset', 'gather_timeout', 'serial', 'max_fail_percentage', 'force_handlers',
  'pre_tasks', 'roles', 'tasks', 'post_tasks', 'handlers', 'tags', 'connection', 'strategy', 'order',
  'module_defaults', ...PLAY_INHERITED,
]);

export const BLOCK_KEYWORDS = new Set<string>(['block', 'rescue', 'always', 'name', 'when', 'tags', 'vars', ...ALL_INHERITED]);

export const TASK_KEYWORDS = new Set<string>([
  'name', 'when', ...LOOP_KEYWORDS, 'loop_control', 'register', 'notify', 'changed_when', 'failed_when', 'tags',
  'vars', 'args', 'retries', 'until', 'delay', 'action', 'local_action', ...ALL_INHERITED,
]);

export const HANDLER_KEYWORDS = new Set<string>([...TASK_KEYWORDS, 'listen']);

/** Keywords that may sit beside import_tasks / include_tasks / import_role / include_role. */
export const INCLUDE_KEYWORDS = new Set<string>(['name', 'when', 'tags', 'vars', ...LOOP_KEYWORDS, 'loop_control', ...ALL_INHERITED]);

/** The task keys that are not modules but includes of tasks or roles. */
export const INCLUDE_ACTIONS = new Set<string>(['import_tasks', 'include_tasks', 'import_role', 'include_role']);

/** A `roles:` entry: these are keywords, every other key is a role parameter. */
export const ROLE_ENTRY_KEYWORDS = new Set<string>(['role', 'name', 'when', 'tags', 'vars', ...ALL_INHERITED]);

export const IMPORT_PLAYBOOK_KEYWORDS = new Set<string>(['import_playbook', 'name', 'when', 'tags', 'vars']);

/**
 * Ansible keywords tsplay knows but does not implement: reported as "not supported" rather than
 * as unknown, so the user knows the spelling is right.
 */
export const UNSUPPORTED_KEYWORDS: Record<string, string> = {
  async: 'background tasks are not supported; run the command in the foreground or with nohup',
  poll: 'background tasks are not supported',
  throttle: 'use serial on the play to limit parallelism',
  delegate_facts: 'facts always belong to the host running the task',
  debugger: 'the task debugger is not supported',
  collections: 'collections are not supported; use module short names',
  ignore_unreachable: 'an unreachable host always leaves the play',
  timeout: 'task timeouts are not supported',
  port: 'set ansible_port in the inventory',
  become_flags: 'become flags are not supported',
  become_exe: 'become_exe is not supported',
  vars_prompt: 'prompts are not supported; pass values with -e',
  fact_path: 'local facts (facts.d) are not gathered',
  connection: 'set the connection on the play, or ansible_connection in the inventory',
  module_defaults: 'module_defaults is not supported: set the arguments on each task (a YAML anchor helps)',
  include: "'include' was removed from Ansible: use include_tasks (dynamic) or import_tasks (static)",
  apply: "'apply' is not supported: put the keywords on the included tasks",
  notify: 'notify belongs on tasks, not on blocks',
};
