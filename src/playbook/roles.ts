import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import type { SourcePos } from '../errors.js';
import type { Vars } from '../vars/types.js';
import type { PlayState, Scope } from './context.js';
import { checkTemplates, describe, hasTemplate, readBool, readConditions, readInherited, readStringList, readVars, unionTags } from './keyword-values.js';
import { ROLE_ENTRY_KEYWORDS } from './keywords.js';
import { didYouMean, hintOf } from './suggest.js';
import { parseHandlerList, parseTaskList } from './task-list.js';
import type { Block, Handler, Inherited, RoleInstance } from './types.js';
import { isMapping, itemPosOf, keyPosOf, posOf, valuePosOf } from './yaml-source.js';

/** A file name inside one of a role's directories, as given by tasks_from / vars_from / defaults_from. */
export interface RoleFileRef {
  name: string;
  pos?: SourcePos;
}

/** One use of a role: a `roles:` entry, a meta dependency, or an import_role / include_role. */
export interface RoleUse {
  name: string;
  namePos?: SourcePos;
  pos: SourcePos;
  params: Vars;
  vars: Vars;
  /** the use's own conditions, tags and keywords (the scope's are added when expanding) */
  when: string[];
  tags: string[];
  inherited: Inherited;
  tasksFrom?: RoleFileRef;
  varsFrom?: RoleFileRef;
  defaultsFrom?: RoleFileRef;
  handlersFrom?: RoleFileRef;
}

/** A `roles:` or `dependencies:` entry: a name, or a mapping with role (or name), keywords and parameters. */
export function parseRoleEntry(entry: unknown, pos: SourcePos, play: PlayState): RoleUse | undefined {
  const diag = play.load.diag;
  const base = { pos, params: {}, vars: {}, when: [], tags: [], inherited: {} };
  if (typeof entry === 'string') {
    if (hasTemplate(entry)) {
      diag.error('a role name in roles: cannot be a template', pos, 'use include_role with the templated name instead');
      return undefined;
    }
    return { ...base, name: entry, namePos: pos };
  }
  if (!isMapping(entry)) {
    diag.error(`a role entry is a role name or a mapping with role:, got ${describe(entry)}`, pos, 'e.g. - role: nginx');
    return undefined;
  }
  if (Object.hasOwn(entry, 'role') && Object.hasOwn(entry, 'name')) {
    diag.error("a role entry has both 'role' and 'name'", keyPosOf(entry, 'name'), "they mean the same thing here: keep 'role'");
  }
  const nameKey = Object.hasOwn(entry, 'role') ? 'role' : 'name';
  const name = entry[nameKey];
  const namePos = valuePosOf(entry, nameKey) ?? pos;
  if (typeof name !== 'string' || name === '') {
    diag.error(Object.hasOwn(entry, nameKey) ? `role name must be a string, got ${describe(name)}` : 'role entry without a role name',
      namePos, 'e.g. - role: nginx');
    return undefined;
  }
  if (hasTemplate(name)) {
    diag.error('a role name in roles: cannot be a template', namePos, 'use include_role with the templated name instead');
    return undefined;
  }
  const params: Vars = {};
  for (const [k, v] of Object.entries(entry)) {
    if (ROLE_ENTRY_KEYWORDS.has(k)) continue;
    checkTemplates(v, valuePosOf(entry, k), diag);
    params[k] = v;
  }
  return {
    name,
    namePos,
    pos: posOf(entry) ?? pos,
    params,
    vars: readVars(entry, 'vars', diag),
    when: readConditions(entry, 'when', diag) ?? [],
    tags: readStringList(entry, 'tags', diag, true) ?? [],
    inherited: readInherited(entry, ROLE_ENTRY_KEYWORDS, diag),
  };
}

/* ---------- finding roles ---------- */

/** Directories whose children are roles, in search order. */
export function roleSearchDirs(play: PlayState): string[] {
  return [...new Set([join(play.dir, 'roles'), join(play.load.rootDir, 'roles'), ...play.load.extraRolesPaths])];
}

const ROLE_SUBDIRS = ['tasks', 'handlers', 'defaults', 'vars', 'meta', 'templates', 'files'];

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isRoleDir(p: string): boolean {
  return isDir(p) && ROLE_SUBDIRS.some((d) => isDir(join(p, d)));
}

/** Where a role is looked for, in order: each roles directory, then beside the playbook. */
export function roleCandidates(name: string, play: PlayState): string[] {
  if (isAbsolute(name)) return [name];
  if (name.includes('/')) return [resolve(play.dir, name)];
  return [...roleSearchDirs(play).map((d) => join(d, name)), join(play.dir, name)];
}

export function findRole(name: string, play: PlayState): string | undefined {
  const candidates = roleCandidates(name, play);
  const last = candidates[candidates.length - 1];
  // a plain directory beside the playbook is only a role if it looks like one
  return candidates.find((c) => (c === last && candidates.length > 1 ? isRoleDir(c) : isDir(c)));
}

function knownRoles(play: PlayState): string[] {
  const names: string[] = [];
  for (const dir of roleSearchDirs(play)) {
    try {
      for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) names.push(e.name);
    } catch {
      // a roles directory that does not exist has no roles
    }
  }
  return names;
}

/* ---------- role files ---------- */

const YAML_EXTS = ['.yml', '.yaml', '.json'];

/**
 * The files of `<role>/<section>/<name>` as Ansible reads them: name.yml, name.yaml, name.json, the
 * name as given, or a directory `name/` whose files are read in name order. undefined when absent.
 */
export function roleSectionFiles(roleDir: string, section: string, name = 'main'): string[] | undefined {
  const base = join(roleDir, section, name);
  const asGiven = YAML_EXTS.includes(extname(name)) ? [base] : [];
  for (const f of [...asGiven, ...YAML_EXTS.map((e) => base + e)]) {
    if (existsSync(f) && !isDir(f)) return [f];
  }
  if (isDir(base)) {
    return readdirSync(base)
      .filter((f) => YAML_EXTS.includes(extname(f)))
      .sort()
      .map((f) => join(base, f));
  }
  return undefined;
}

/** Files for a section; a missing file that was asked for by name (tasks_from...) is an error. */
function sectionFiles(roleDir: string, section: string, ref: RoleFileRef | undefined, play: PlayState): string[] {
  const files = roleSectionFiles(roleDir, section, ref?.name);
  if (!files && ref) {
    play.load.diag.error(`role file ${section}/${ref.name} not found in ${roleDir}`, ref.pos,
      hintOf(didYouMean(ref.name, listSection(roleDir, section)), `tried ${YAML_EXTS.map((e) => `${ref.name}${e}`).join(', ')}`));
  }
  return files ?? [];
}

function listSection(roleDir: string, section: string): string[] {
  try {
    return readdirSync(join(roleDir, section)).map((f) => f.replace(/\.(ya?ml|json)$/, ''));
  } catch {
    return [];
  }
}

/** defaults/ or vars/: mappings merged in file order; template syntax checked. */
function readVarsFiles(files: string[], play: PlayState): Vars {
  const out: Vars = {};
  for (const file of files) {
    const parsed = play.load.yaml(file);
    if (!parsed || parsed.value === null) continue;
    if (!isMapping(parsed.value)) {
      play.load.diag.error(`${file} must hold a mapping of variables, got ${describe(parsed.value)}`, posOf(parsed.value) ?? { file, line: 1, col: 1 });
      continue;
    }
    for (const [k, v] of Object.entries(parsed.value)) {
      checkTemplates(v, valuePosOf(parsed.value, k), play.load.diag);
      out[k] = v;
    }
  }
  return out;
}

interface RoleMeta {
  dependencies: Array<{ entry: unknown; pos: SourcePos }>;
  allowDuplicates: boolean;
}

function readMeta(roleDir: string, play: PlayState): RoleMeta {
  const meta: RoleMeta = { dependencies: [], allowDuplicates: false };
  for (const file of roleSectionFiles(roleDir, 'meta') ?? []) {
    const parsed = play.load.yaml(file);
    if (!parsed || parsed.value === null) continue;
    const m = parsed.value;
    if (!isMapping(m)) {
      play.load.diag.error(`${file} must be a mapping (dependencies:, galaxy_info: ...)`, posOf(m) ?? { file, line: 1, col: 1 });
      continue;
    }
    meta.allowDuplicates = readBool(m, 'allow_duplicates', play.load.diag) ?? meta.allowDuplicates;
    const deps = m.dependencies;
    if (deps === null || deps === undefined) continue;
    if (!Array.isArray(deps)) {
      play.load.diag.error(`dependencies expects a list of roles, got ${describe(deps)}`, valuePosOf(m, 'dependencies'));
      continue;
    }
    deps.forEach((entry, i) => meta.dependencies.push({ entry, pos: itemPosOf(deps, i) ?? posOf(deps) ?? { file, line: 1, col: 1 } }));
  }
  return meta;
}

function samePos(a: SourcePos, b: SourcePos): boolean {
  return a.file === b.file && a.line === b.line && a.col === b.col;
}

/* ---------- expanding a role into blocks ---------- */

export interface ExpandedRole {
  /** the dependencies' blocks first, then the role's own block */
  nodes: Block[];
  instance?: RoleInstance;
}

/**
 * Loads a role for one use and turns it into blocks: its meta dependencies first, then a block
 * `role NAME` holding its tasks, each task knowing its role. The use's conditions, tags and
 * keywords apply to the dependencies too. With `dedupe` (roles: and dependencies), a role used
 * again in the same play with the same parameters is skipped, as Ansible runs it once, unless its
 * meta says allow_duplicates. The role's handlers join the play's handlers.
 */
export function expandRole(use: RoleUse, scope: Scope, play: PlayState, opts: { dedupe: boolean }): ExpandedRole {
  const diag = play.load.diag;
  const path = findRole(use.name, play);
  if (!path) {
    const searched = roleCandidates(use.name, play);
    diag.error(`role '${use.name}' not found`, use.namePos ?? use.pos,
      hintOf(didYouMean(basename(use.name), knownRoles(play)), `searched: ${searched.join(', ')}`));
    return { nodes: [] };
  }
  const marker = `role:${path}`;
  if (scope.stack.includes(marker)) {
    const chain = [...scope.stack.filter((s) => s.startsWith('role:')), marker].map((s) => basename(s.slice(5)));
    diag.error(`role dependency cycle: ${chain.join(' -> ')}`, use.namePos ?? use.pos, 'a role cannot depend on itself, directly or through other roles');
    return { nodes: [] };
  }
  const meta = readMeta(path, play);
  if (opts.dedupe && !meta.allowDuplicates) {
    const key = JSON.stringify([path, use.tasksFrom?.name, use.params, use.vars, use.when, use.tags]);
    if (play.rolesSeen.has(key)) return { nodes: [] };
    play.rolesSeen.add(key);
  }

  const roleScope: Scope = {
    ...scope,
    when: [...scope.when, ...use.when],
    tags: unionTags(scope.tags, use.tags),
    inherited: { ...scope.inherited, ...use.inherited },
    stack: [...scope.stack, marker],
    handlers: false,
  };
  const nodes: Block[] = [];
  for (const dep of meta.dependencies) {
    const depUse = parseRoleEntry(dep.entry, dep.pos, play);
    if (depUse) nodes.push(...expandRole(depUse, roleScope, play, { dedupe: true }).nodes);
  }

  const instance: RoleInstance = {
    name: basename(use.name),
    path,
    defaults: readVarsFiles(sectionFiles(path, 'defaults', use.defaultsFrom, play), play),
    vars: readVarsFiles(sectionFiles(path, 'vars', use.varsFrom, play), play),
    params: use.params,
    handlers: [],
  };
  const tasksDir = join(path, 'tasks');
  const tasks = sectionFiles(path, 'tasks', use.tasksFrom, play).flatMap((file) => {
    const parsed = play.load.yaml(file);
    if (!parsed) return [];
    const fileScope: Scope = { ...roleScope, file, baseDir: tasksDir, role: instance, stack: [...roleScope.stack, file] };
    return parseTaskList(parsed.value, posOf(parsed.value) ?? { file, line: 1, col: 1 }, file, fileScope, play);
  });
  for (const file of sectionFiles(path, 'handlers', use.handlersFrom, play)) {
    const parsed = play.load.yaml(file);
    if (!parsed) continue;
    const handlerScope: Scope = { ...roleScope, file, baseDir: dirname(file), role: instance, when: [], tags: [] };
    instance.handlers.push(...parseHandlerList(parsed.value, posOf(parsed.value) ?? { file, line: 1, col: 1 }, handlerScope, play));
  }
  // a role used twice (import_role, include_role, other parameters) does not add its handlers twice
  const known = (h: Handler) => play.roleHandlers.some((x) => x.role?.path === path && x.name === h.name && samePos(x.pos, h.pos));
  play.roleHandlers.push(...instance.handlers.filter((h) => !known(h)));

  nodes.push({
    kind: 'block',
    ...roleScope.inherited,
    pos: use.pos,
    name: `role ${instance.name}`,
    when: roleScope.when,
    tags: roleScope.tags,
    vars: use.vars,
    role: instance,
    block: tasks,
    rescue: [],
    always: [],
  });
  return { nodes, instance };
}
