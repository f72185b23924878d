import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { ValidationError, ValidationErrors, type SourcePos } from '../errors.js';
import { getModule } from '../modules/registry.js';
import { LoadContext, type PlayState, type Scope } from './context.js';
import { Diagnostics } from './diagnostics.js';
import { describe, hasTemplate, readBool } from './keyword-values.js';
import { INCLUDE_ACTIONS, INCLUDE_KEYWORDS, LOOP_KEYWORDS, TASK_KEYWORDS, UNSUPPORTED_KEYWORDS } from './keywords.js';
import { readLoop } from './loop.js';
import { childScope, inheritedOf, readNodeFields, type NodeFields } from './node-base.js';
import { expandRole, roleSearchDirs, type RoleFileRef, type RoleUse } from './roles.js';
import { didYouMean, hintOf } from './suggest.js';
import { parseTaskList } from './task-list.js';
import type { Block, IncludeOrigin, IncludeRole, IncludeTasks, RoleInstance, TaskNode } from './types.js';
import { isMapping, keyPosOf, posOf, valuePosOf, type Mapping } from './yaml-source.js';

type IncludeAction = 'import_tasks' | 'include_tasks' | 'import_role' | 'include_role';

/**
 * Task files and roles pulled into a task list. Imports are static: the file or role is inlined as
 * a block carrying the import's keywords. Includes are dynamic (decided per host at run time), so
 * they stay nodes; when their target is not a template it is loaded now anyway, so its mistakes
 * are found before any host is touched.
 */
export function parseInclude(map: Mapping, scope: Scope, play: PlayState): TaskNode | undefined {
  const diag = play.load.diag;
  const actions = Object.keys(map).filter((k): k is IncludeAction => INCLUDE_ACTIONS.has(k));
  const action = actions[0]!;
  if (actions.length > 1) {
    diag.error(`a task can use only one of ${actions.map((a) => `'${a}'`).join(' and ')}`, keyPosOf(map, actions[1]!),
      'split it into separate tasks');
  }
  checkIncludeKeys(map, action, diag);
  const fields = readNodeFields(map, scope, INCLUDE_KEYWORDS, diag);
  switch (action) {
    case 'import_tasks':
      return importTasks(map, fields, scope, play);
    case 'include_tasks':
      return includeTasks(map, fields, scope, play);
    case 'import_role':
      return importRole(map, fields, scope, play);
    case 'include_role':
      return includeRole(map, fields, scope, play);
  }
}

function checkIncludeKeys(map: Mapping, action: IncludeAction, diag: PlayState['load']['diag']): void {
  const isImport = action.startsWith('import_');
  const loops: readonly string[] = [...LOOP_KEYWORDS, 'loop_control'];
  for (const key of Object.keys(map)) {
    if (INCLUDE_ACTIONS.has(key)) continue;
    const pos = keyPosOf(map, key);
    if (INCLUDE_KEYWORDS.has(key)) {
      if (isImport && loops.includes(key)) {
        diag.error(`${action} cannot loop: it is static, read once before the play runs`, pos,
          `use ${action.replace('import_', 'include_')} to run it once per item`);
      }
    } else if (getModule(key)) {
      diag.error(`a task cannot have both '${action}' and the module '${key}'`, pos, 'split it into two tasks');
    } else if (UNSUPPORTED_KEYWORDS[key] && !TASK_KEYWORDS.has(key)) {
      diag.error(`keyword '${key}' is not supported by tsplay`, pos, UNSUPPORTED_KEYWORDS[key]);
    } else if (TASK_KEYWORDS.has(key)) {
      diag.error(`'${key}' cannot be used with ${action}`, pos, `put it on the tasks inside; allowed here: ${[...INCLUDE_KEYWORDS].sort().join(', ')}`);
    } else {
      diag.error(`unknown ${action} keyword '${key}'`, pos,
        hintOf(didYouMean(key, INCLUDE_KEYWORDS), `allowed: ${[...INCLUDE_KEYWORDS].sort().join(', ')}`));
    }
  }
}

/* ---------- task files ---------- */

/** `import_tasks: file.yml` or `include_tasks: {file: file.yml}`. */
function taskFileName(map: Mapping, action: 'import_tasks' | 'include_tasks', play: PlayState): { name: string; pos?: SourcePos } | undefined {
  const value = map[action];
  const pos = valuePosOf(map, action);
  if (typeof value === 'string' && value !== '') return { name: value, pos };
  if (isMapping(value) && typeof value.file === 'string') {
    for (const k of Object.keys(value)) {
      if (k === 'file') continue;
      const hint = k === 'apply' ? UNSUPPORTED_KEYWORDS.apply : `${action} takes a file name only`;
      play.load.diag.error(`unsupported ${action} option '${k}'`, keyPosOf(value, k), hint);
    }
    return { name: value.file, pos: valuePosOf(value, 'file') ?? pos };
  }
  play.load.diag.error(`${action} expects a file name, got ${describe(value)}`, pos, `e.g. ${action}: setup.yml`);
  return undefined;
}

/** Relative task files resolve from the scope's base (a role's tasks/), then the including file's directory. */
function taskFileCandidates(name: string, scope: Scope): string[] {
  if (isAbsolute(name)) return [name];
  return [...new Set([join(scope.baseDir, name), join(dirname(scope.file), name)])];
}

/** Finds, checks for cycles and parses a task file; undefined when it is missing or cyclic (reported). */
function loadTaskFile(
  ref: { name: string; pos?: SourcePos },
  scope: Scope,
  play: PlayState,
  action: string,
  /** a conditional include_tasks may include itself: the condition ends the recursion at run time */
  cycleAllowed = false,
): { tasks: TaskNode[]; path: string } | undefined {
  const diag = play.load.diag;
  const candidates = taskFileCandidates(ref.name, scope);
  const path = candidates.find((c) => existsSync(c));
  if (!path) {
    diag.error(`${action}: file '${ref.name}' not found`, ref.pos, `looked in: ${candidates.join(', ')}`);
    return undefined;
  }
  if (scope.stack.includes(path)) {
    if (cycleAllowed) return undefined;
    const files = [...scope.stack.filter((s) => !s.startsWith('role:')), path];
    const start = files.indexOf(path);
    const chain = files.slice(start).map((f) => relative(play.dir, f) || basename(f));
    diag.error(`${action}: include cycle: ${chain.join(' -> ')}`, ref.pos, 'a task file cannot import or include itself, directly or through other files');
    return undefined;
  }
  const parsed = play.load.yaml(path);
  if (!parsed) return { tasks: [], path };
  const fileScope: Scope = {
    ...scope,
    file: path,
    baseDir: scope.role ? scope.baseDir : dirname(path),
    stack: [...scope.stack, path],
  };
  return { tasks: parseTaskList(parsed.value, posOf(parsed.value) ?? { file: path, line: 1, col: 1 }, path, fileScope, play), path };
}

function importTasks(map: Mapping, fields: NodeFields, scope: Scope, play: PlayState): Block | undefined {
  const ref = taskFileName(map, 'import_tasks', play);
  if (!ref) return undefined;
  if (hasTemplate(ref.name)) {
    play.load.diag.error('import_tasks is static: its file name cannot be a template', ref.pos,
      'use include_tasks for a file name that depends on variables');
    return undefined;
  }
  const loaded = loadTaskFile(ref, childScope(scope, fields), play, 'import_tasks');
  if (!loaded) return undefined;
  return { kind: 'block', ...fields, block: loaded.tasks, rescue: [], always: [] };
}

function includeTasks(map: Mapping, fields: NodeFields, scope: Scope, play: PlayState): IncludeTasks | undefined {
  const ref = taskFileName(map, 'include_tasks', play);
  if (!ref) return undefined;
  const node: IncludeTasks = { kind: 'include_tasks', ...fields, file: ref.name, baseDir: scope.baseDir, origin: originOf(scope, play) };
  const loop = readLoop(map, play.load.diag);
  if (loop) node.loop = loop;
  if (!hasTemplate(ref.name)) {
    // the include's own keywords apply to the include, not to the included tasks (Ansible's rule)
    const loaded = loadTaskFile(ref, scope, play, 'include_tasks', fields.when.length > 0);
    if (loaded) node.preloaded = loaded.tasks;
  }
  return node;
}

/* ---------- roles ---------- */

const ROLE_OPTIONS = ['name', 'tasks_from', 'vars_from', 'defaults_from', 'handlers_from', 'allow_duplicates', 'public'];

interface RoleOptions {
  name: string;
  namePos?: SourcePos;
  from: Pick<RoleUse, 'tasksFrom' | 'varsFrom' | 'defaultsFrom' | 'handlersFrom'>;
  templated: boolean;
}

function roleOptions(map: Mapping, action: 'import_role' | 'include_role', play: PlayState): RoleOptions | undefined {
  const diag = play.load.diag;
  const value = map[action];
  const pos = valuePosOf(map, action);
  if (!isMapping(value)) {
    diag.error(`${action} expects a mapping with the role name, got ${describe(value)}`, pos, `e.g. ${action}:\n    name: nginx`);
    return undefined;
  }
  for (const k of Object.keys(value)) {
    if (ROLE_OPTIONS.includes(k)) continue;
    const hint = k === 'apply' ? UNSUPPORTED_KEYWORDS.apply : hintOf(didYouMean(k, ROLE_OPTIONS),
      k === 'vars' ? `role parameters go in vars: beside ${action}, not inside it` : `options: ${ROLE_OPTIONS.join(', ')}`);
    diag.error(`unknown ${action} option '${k}'`, keyPosOf(value, k), hint);
  }
  for (const k of ['allow_duplicates', 'public']) readBool(value, k, diag);
  const name = value.name;
  if (typeof name !== 'string' || name === '') {
    diag.error(`${action} needs the role's name`, Object.hasOwn(value, 'name') ? valuePosOf(value, 'name') : pos, `e.g. ${action}:\n    name: nginx`);
    return undefined;
  }
  const ref = (key: string): RoleFileRef | undefined => {
    const v = value[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') {
      diag.error(`${key} expects a file name, got ${describe(v)}`, valuePosOf(value, key));
      return undefined;
    }
    return { name: v, pos: valuePosOf(value, key) };
  };
  const from = { tasksFrom: ref('tasks_from'), varsFrom: ref('vars_from'), defaultsFrom: ref('defaults_from'), handlersFrom: ref('handlers_from') };
  const templated = hasTemplate(name) || Object.values(from).some((r) => r && hasTemplate(r.name));
  return { name, namePos: valuePosOf(value, 'name'), from, templated };
}

function roleUse(opts: RoleOptions, fields: NodeFields, own: boolean): RoleUse {
  return {
    name: opts.name,
    namePos: opts.namePos,
    pos: fields.pos,
    // import_role / include_role take role parameters through vars:
    params: fields.vars,
    vars: fields.vars,
    when: own ? fields.when : [],
    tags: own ? fields.tags : [],
    inherited: own ? inheritedOf(fields) : {},
    ...opts.from,
  };
}

function importRole(map: Mapping, fields: NodeFields, scope: Scope, play: PlayState): Block | undefined {
  const opts = roleOptions(map, 'import_role', play);
  if (!opts) return undefined;
  if (opts.templated) {
    play.load.diag.error('import_role is static: the role name and *_from files cannot be templates', opts.namePos,
      'use include_role for a role chosen by variables');
    return undefined;
  }
  // the import's conditions and keywords already include the scope's: expand from a bare scope
  const bare: Scope = { ...scope, when: [], tags: [], inherited: {} };
  const { nodes } = expandRole(roleUse(opts, fields, true), bare, play, { dedupe: false });
  if (nodes.length === 0) return undefined;
  if (nodes.length === 1) return nodes[0];
  return {
    kind: 'block',
    ...inheritedOf(fields),
    pos: fields.pos,
    name: fields.name ?? `import_role ${opts.name}`,
    when: fields.when,
    tags: fields.tags,
    vars: {},
    ...(scope.role ? { role: scope.role } : {}),
    block: nodes,
    rescue: [],
    always: [],
  };
}

function includeRole(map: Mapping, fields: NodeFields, scope: Scope, play: PlayState): IncludeRole | undefined {
  const opts = roleOptions(map, 'include_role', play);
  if (!opts) return undefined;
  const node: IncludeRole = {
    kind: 'include_role',
    ...fields,
    roleName: opts.name,
    tasksFrom: opts.from.tasksFrom?.name ?? 'main',
    params: fields.vars,
    origin: originOf(scope, play),
  };
  const loop = readLoop(map, play.load.diag);
  if (loop) node.loop = loop;
  if (!opts.templated) {
    // like include_tasks: the include's keywords stay on the include node
    const { nodes, instance } = expandRole(roleUse(opts, fields, false), scope, play, { dedupe: false });
    if (instance) node.preloaded = { role: instance, tasks: nodes };
  }
  return node;
}

/* ---------- run time: includes whose target is a template ---------- */

function originOf(scope: Scope, play: PlayState): IncludeOrigin {
  return { file: scope.file, playDir: play.dir, rolesPaths: roleSearchDirs(play), when: scope.when, tags: scope.tags, inherited: scope.inherited };
}

/** A fresh load for one run-time include: same checks as at load time, errors thrown together. */
function runtimeLoad(origin: IncludeOrigin, role: RoleInstance | undefined, baseDir: string): { play: PlayState; scope: Scope } {
  const load = new LoadContext(new Diagnostics(), origin.playDir, origin.rolesPaths);
  const play: PlayState = { load, dir: origin.playDir, roleHandlers: [], notified: [], brokenHandlerNames: new Set(), rolesSeen: new Set() };
  // the stack starts empty: a file including itself is fine at run time when a condition ends it
  const scope: Scope = { file: origin.file, baseDir, when: origin.when, tags: origin.tags, inherited: origin.inherited, stack: [] };
  if (role) scope.role = role;
  return { play, scope };
}

function throwIfErrors(play: PlayState): void {
  if (play.load.diag.errors.length) throw new ValidationErrors([...play.load.diag.errors]);
}

function defaultOrigin(node: IncludeTasks | IncludeRole, playDir: string): IncludeOrigin {
  return { file: node.pos.file, playDir, rolesPaths: [join(playDir, 'roles')], when: [], tags: [], inherited: {} };
}

const tasksCache = new WeakMap<IncludeTasks, Map<string, TaskNode[]>>();
const roleCache = new WeakMap<IncludeRole, Map<string, { role: RoleInstance; tasks: TaskNode[] }>>();

/**
 * Loads the (rendered) file of an include_tasks for the executor; hosts including the same file
 * through the same include share the result. Throws ValidationErrors when the file is missing or bad.
 */
export function loadIncludeTasksAtRuntime(node: IncludeTasks, file: string): TaskNode[] {
  const cached = tasksCache.get(node)?.get(file);
  if (cached) return cached;
  const origin = node.origin ?? defaultOrigin(node, node.baseDir);
  const { play, scope } = runtimeLoad(origin, node.role, node.baseDir);
  const loaded = loadTaskFile({ name: file, pos: node.pos }, scope, play, 'include_tasks', true);
  throwIfErrors(play);
  const tasks = loaded?.tasks ?? [];
  if (!tasksCache.has(node)) tasksCache.set(node, new Map());
  tasksCache.get(node)!.set(file, tasks);
  return tasks;
}

/**
 * Loads the (rendered) role of an include_role for the executor: the role and its blocks
 * (dependencies first). Its handlers are in `role.handlers`. Throws ValidationErrors when the
 * role is missing or bad.
 */
export function loadIncludeRoleAtRuntime(node: IncludeRole, name: string, playbookDir: string): { role: RoleInstance; tasks: TaskNode[] } {
  const cached = roleCache.get(node)?.get(name);
  if (cached) return cached;
  const origin = node.origin ?? defaultOrigin(node, playbookDir);
  const { play, scope } = runtimeLoad(origin, node.role, dirname(origin.file));
  const use: RoleUse = {
    name,
    namePos: node.pos,
    pos: node.pos,
    params: node.params,
    vars: node.params,
    when: [],
    tags: [],
    inherited: {},
    ...(node.tasksFrom !== 'main' ? { tasksFrom: { name: node.tasksFrom, pos: node.pos } } : {}),
  };
  const { nodes, instance } = expandRole(use, scope, play, { dedupe: false });
  throwIfErrors(play);
  if (!instance) throw new ValidationErrors([new ValidationError(`include_role: role '${name}' could not be loaded`, { pos: node.pos })]);
  const result = { role: instance, tasks: nodes };
  if (!roleCache.has(node)) roleCache.set(node, new Map());
  roleCache.get(node)!.set(name, result);
  return result;
}
