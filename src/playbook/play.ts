import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { SourcePos } from '../errors.js';
import type { Vars } from '../vars/types.js';
import type { LoadContext, PlayState, Scope } from './context.js';
import {
  checkTemplates,
  describe,
  hasTemplate,
  readBool,
  readInherited,
  readNumberOrTemplate,
  readString,
  readStringList,
  readVars,
  unionTags,
} from './keyword-values.js';
import { PLAY_KEYWORDS } from './keywords.js';
import { reportUnknownKeys, taskKeyHint } from './node-base.js';
import { expandRole, parseRoleEntry } from './roles.js';
import { didYouMean, hintOf } from './suggest.js';
import { parseHandlerList, parseTaskList } from './task-list.js';
import type { Handler, Play, TaskNode } from './types.js';
import { itemPosOf, keyPosOf, posOf, valuePosOf, type Mapping } from './yaml-source.js';

/** What an `import_playbook` entry adds to the plays it imports. */
export interface PlaybookImport {
  when: string[];
  tags: string[];
  vars: Vars;
  /** files being imported, to stop cycles */
  stack: string[];
}

const ORDERS = ['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle'] as const;

/** One play: its keywords, roles expanded into blocks, task sections, handlers; notify targets checked. */
export function parsePlay(map: Mapping, file: string, load: LoadContext, imported: PlaybookImport): Play | undefined {
  const diag = load.diag;
  const pos = posOf(map) ?? { file, line: 1, col: 1 };
  reportUnknownKeys(map, PLAY_KEYWORDS, 'play', diag, (key) => taskKeyHint(key, 'tasks:'));

  const hosts = readHosts(map, pos, load);
  const play: PlayState = { load, dir: dirname(file), roleHandlers: [], notified: [], brokenHandlerNames: new Set(), rolesSeen: new Set() };
  const inherited = readInherited(map, PLAY_KEYWORDS, diag);
  const tags = unionTags(imported.tags, readStringList(map, 'tags', diag, true) ?? []);
  const vars: Vars = { ...readVars(map, 'vars', diag), ...imported.vars };
  const connection = readString(map, 'connection', diag);
  if (connection !== undefined) vars.ansible_connection = connection;

  if (Object.hasOwn(map, 'module_defaults')) {
    diag.error('module_defaults is not supported', keyPosOf(map, 'module_defaults'),
      'set the arguments on each task; a YAML anchor (&defaults / <<: *defaults) avoids repeating them');
  }
  const strategy = map.strategy;
  if (Object.hasOwn(map, 'strategy') && strategy !== 'linear') {
    diag.error(`strategy ${describe(strategy)} is not supported`, valuePosOf(map, 'strategy'),
      'tsplay runs plays with the linear strategy; use serial: to roll out in batches');
  }

  const scope: Scope = { file, baseDir: play.dir, when: imported.when, tags, inherited, stack: imported.stack };
  const section = (key: string): TaskNode[] => parseTaskList(map[key], valuePosOf(map, key), key, scope, play);
  const preTasks = section('pre_tasks');
  const roles = parseRoles(map, scope, play);
  const tasks = section('tasks');
  const postTasks = section('post_tasks');
  // an imported playbook's conditions apply to tasks, not handlers (as in Ansible)
  const ownHandlers = parseHandlerList(map.handlers, valuePosOf(map, 'handlers'), { ...scope, when: [], tags: [] }, play);
  const handlers = [...play.roleHandlers, ...ownHandlers];
  checkNotified(play, handlers);
  if (hosts === undefined) return undefined;

  const result: Play = {
    ...inherited,
    pos,
    name: readString(map, 'name', diag) ?? hosts,
    hosts,
    vars,
    varsFiles: readVarsFiles(map, play),
    dir: play.dir,
    gatherFacts: readBool(map, 'gather_facts', diag) ?? true,
    tags,
    preTasks,
    roles,
    tasks,
    postTasks,
    handlers,
  };
  const serial = readSerial(map, load);
  if (serial) result.serial = serial;
  const maxFail = readPercentage(map, 'max_fail_percentage', load);
  if (maxFail !== undefined) result.maxFailPercentage = maxFail;
  const gatherSubset = readStringList(map, 'gather_subset', diag, true);
  if (gatherSubset) result.gatherSubset = gatherSubset;
  const gatherTimeout = readNumberOrTemplate(map, 'gather_timeout', diag);
  if (gatherTimeout !== undefined) result.gatherTimeout = gatherTimeout;
  const forceHandlers = readBool(map, 'force_handlers', diag);
  if (forceHandlers !== undefined) result.forceHandlers = forceHandlers;
  if (Object.hasOwn(map, 'order')) {
    const order = map.order;
    if (typeof order === 'string' && (ORDERS as readonly string[]).includes(order)) result.order = order as Play['order'];
    else {
      diag.error(`order ${describe(order)} is not one of ${ORDERS.join(', ')}`, valuePosOf(map, 'order'),
        typeof order === 'string' ? didYouMean(order, ORDERS) : undefined);
    }
  }
  return result;
}

function readHosts(map: Mapping, pos: SourcePos, load: LoadContext): string | undefined {
  const value = map.hosts;
  if (!Object.hasOwn(map, 'hosts') || value === null || value === '') {
    const looksLikeTask = Object.keys(map).some((k) => taskKeyHint(k, 'tasks:'));
    load.diag.error("play has no 'hosts'", pos,
      looksLikeTask ? 'this looks like a task: tasks go under tasks: in a play that has hosts:' : 'add hosts: all (or a group or host pattern)');
    return undefined;
  }
  const vpos = valuePosOf(map, 'hosts');
  if (typeof value === 'string' || typeof value === 'number') {
    checkTemplates(String(value), vpos, load.diag);
    return String(value);
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
    return value.map(String).join(',');
  }
  load.diag.error(`hosts expects a host pattern or a list of them, got ${describe(value)}`, vpos, 'e.g. hosts: webservers');
  return undefined;
}

function parseRoles(map: Mapping, scope: Scope, play: PlayState): TaskNode[] {
  const value = map.roles;
  const pos = valuePosOf(map, 'roles');
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) {
    play.load.diag.error(`roles expects a list of roles, got ${describe(value)}`, pos, 'e.g. roles:\n    - common\n    - role: nginx');
    return [];
  }
  const nodes: TaskNode[] = [];
  value.forEach((entry, i) => {
    const at = itemPosOf(value, i) ?? pos ?? { file: scope.file, line: 1, col: 1 };
    const use = parseRoleEntry(entry, at, play);
    if (use) nodes.push(...expandRole(use, scope, play, { dedupe: true }).nodes);
  });
  return nodes;
}

/** `vars_files` entries: a file, or a list of alternatives (the first that exists is used). */
function readVarsFiles(map: Mapping, play: PlayState): Array<string | string[]> {
  const diag = play.load.diag;
  if (!Object.hasOwn(map, 'vars_files') || map.vars_files === null) return [];
  const value = map.vars_files;
  const pos = valuePosOf(map, 'vars_files');
  const entries = Array.isArray(value) ? value : [value];
  const out: Array<string | string[]> = [];
  entries.forEach((entry, i) => {
    const at = Array.isArray(value) ? (itemPosOf(value, i) ?? pos) : pos;
    const names = Array.isArray(entry) ? entry : [entry];
    if (!names.every((n): n is string => typeof n === 'string' && n !== '')) {
      diag.error(`vars_files expects file names (or lists of alternatives), got ${describe(entry)}`, at);
      return;
    }
    checkTemplates(names, at, diag);
    const paths = names.map((n) => (isAbsolute(n) ? n : join(play.dir, n)));
    if (!names.some(hasTemplate) && !paths.some((p) => existsSync(p))) {
      diag.error(`vars_files: ${names.length > 1 ? 'none of ' : ''}'${names.join("', '")}' not found`, at, `looked in: ${paths.join(', ')}`);
    }
    out.push(Array.isArray(entry) ? names : names[0]!);
  });
  return out;
}

/** `serial: 2`, `serial: "30%"`, `serial: [1, 5, "50%"]`. */
function readSerial(map: Mapping, load: LoadContext): Array<number | string> | undefined {
  if (!Object.hasOwn(map, 'serial') || map.serial === null) return undefined;
  const value = map.serial;
  const pos = valuePosOf(map, 'serial');
  const items = Array.isArray(value) ? value : [value];
  const out: Array<number | string> = [];
  items.forEach((item, i) => {
    const at = Array.isArray(value) ? (itemPosOf(value, i) ?? pos) : pos;
    if (typeof item === 'number' && Number.isInteger(item) && item >= 0) out.push(item);
    else if (typeof item === 'string' && /^\s*\d+(\.\d+)?\s*%\s*$/.test(item)) out.push(item.trim());
    else if (typeof item === 'string' && /^\d+$/.test(item.trim())) out.push(Number(item));
    else if (typeof item === 'string' && hasTemplate(item)) {
      checkTemplates(item, at, load.diag);
      out.push(item);
    } else load.diag.error(`serial expects a number of hosts or a percentage ("30%"), got ${describe(item)}`, at);
  });
  return out;
}

function readPercentage(map: Mapping, key: string, load: LoadContext): number | undefined {
  if (!Object.hasOwn(map, key)) return undefined;
  const v = map[key];
  const n = typeof v === 'string' ? Number(v.replace(/%\s*$/, '')) : v;
  if (typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= 100) return n;
  load.diag.error(`${key} expects a number from 0 to 100, got ${describe(v)}`, valuePosOf(map, key));
  return undefined;
}

/**
 * Every notified name must match a handler's name or a `listen` topic (or `role : handler`).
 * Ansible finds this only when a host reaches the task; here it is found before the play starts.
 */
function checkNotified(play: PlayState, handlers: Handler[]): void {
  const names = new Set<string>();
  for (const h of handlers) {
    if (h.name) names.add(h.name);
    if (h.name && h.role) names.add(`${h.role.name} : ${h.name}`);
    for (const topic of h.listen) names.add(topic);
  }
  for (const n of play.notified) {
    if (hasTemplate(n.name) || names.has(n.name) || names.has(n.name.replace(/\s*:\s*/, ' : '))) continue;
    if (play.brokenHandlerNames.has(n.name)) continue;
    const known = [...names].filter((x) => !x.includes(' : '));
    play.load.diag.error(`notify: no handler named or listening to '${n.name}' in this play`, n.pos,
      hintOf(didYouMean(n.name, known), known.length ? `handlers: ${known.map((k) => `'${k}'`).join(', ')}` : 'the play has no handlers: add a handlers: section'));
  }
}
