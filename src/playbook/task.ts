import { canonicalModuleName, getModule, moduleNames } from '../modules/registry.js';
import type { Notified, PlayState, Scope } from './context.js';
import type { Diagnostics } from './diagnostics.js';
import { checkTemplates, describe, readConditions, readIdentifier, readNumberOrTemplate, readStringList } from './keyword-values.js';
import { HANDLER_KEYWORDS, PLAY_KEYWORDS, TASK_KEYWORDS, UNSUPPORTED_KEYWORDS } from './keywords.js';
import { splitWords } from './kv-args.js';
import { readLoop } from './loop.js';
import { checkModuleArgs } from './module-checks.js';
import { assembleArgs, validateArgs, type ModuleUse } from './module-args.js';
import { readNodeFields } from './node-base.js';
import { closest, didYouMean, hintOf, levenshtein } from './suggest.js';
import type { Handler, Task } from './types.js';
import { isMapping, itemPosOf, keyPosOf, locate, newLocated, posOf, textPosOf, valuePosOf, type Mapping } from './yaml-source.js';

/**
 * One task that runs a module: finds the module key among the keywords, assembles and validates
 * its arguments, and reads the task keywords. Handlers are tasks that may also `listen`.
 */
export function parseTask(map: Mapping, scope: Scope, play: PlayState): Task | Handler | undefined {
  const diag = play.load.diag;
  const keywords = scope.handlers ? HANDLER_KEYWORDS : TASK_KEYWORDS;
  const use = findModule(map, keywords, diag);

  const fields = readNodeFields(map, scope, keywords, diag);
  const loop = readLoop(map, diag);
  const register = readIdentifier(map, 'register', diag);
  const notified = readNotify(map, diag);
  play.notified.push(...notified);
  const changedWhen = readConditions(map, 'changed_when', diag);
  const failedWhen = readConditions(map, 'failed_when', diag);
  const until = readConditions(map, 'until', diag);
  const retries = readNumberOrTemplate(map, 'retries', diag);
  const delay = readNumberOrTemplate(map, 'delay', diag);
  const listen = scope.handlers ? (readStringList(map, 'listen', diag) ?? []) : undefined;
  if (!use) return undefined;

  const margs = assembleArgs(use, diag);
  const args = validateArgs(use, margs, diag);
  checkModuleArgs(
    { module: use.name, args, valuePos: margs.valuePos, modulePos: use.valuePos, role: scope.role, playDir: play.dir },
    diag,
  );

  const task: Task = {
    kind: 'task',
    ...fields,
    module: use.name,
    args,
    argPos: margs.argPos,
    notify: notified.map((n) => n.name),
  };
  if (loop) task.loop = loop;
  if (register !== undefined) task.register = register;
  if (changedWhen) task.changedWhen = changedWhen;
  if (failedWhen) task.failedWhen = failedWhen;
  if (until) task.until = until;
  if (retries !== undefined) task.retries = retries;
  if (delay !== undefined) task.delay = delay;
  if (listen) return { ...task, listen } satisfies Handler;
  return task;
}

function readNotify(map: Mapping, diag: Diagnostics): Notified[] {
  const names = readStringList(map, 'notify', diag);
  if (!names) return [];
  const value = map.notify;
  const pos = valuePosOf(map, 'notify');
  return names.map((name, i) => ({ name, pos: Array.isArray(value) ? (itemPosOf(value, i) ?? pos) : pos }));
}

/**
 * The module of a task: exactly one key that is neither a keyword nor unknown, or the `action:`
 * form. Unknown keys are reported as a misspelled keyword or an unknown module, whichever the
 * spelling is closer to.
 */
function findModule(map: Mapping, keywords: ReadonlySet<string>, diag: Diagnostics): ModuleUse | undefined {
  const keys = Object.keys(map);
  const found: ModuleUse[] = [];
  const hasModule = keys.some((k) => !keywords.has(k) && getModule(k)) || Object.hasOwn(map, 'action');
  let unknown = 0;
  for (const key of keys) {
    if (keywords.has(key)) continue;
    const def = getModule(key);
    if (def) {
      const keyPos = keyPosOf(map, key) ?? posOf(map)!;
      const valuePos = valuePosOf(map, key) ?? keyPos;
      found.push({ name: canonicalModuleName(key), def, keyPos, value: map[key], valuePos, exactText: textPosOf(map, key, 0) !== undefined });
    } else {
      unknown++;
      reportUnknownTaskKey(map, key, keywords, hasModule, diag);
    }
  }
  if (Object.hasOwn(map, 'local_action')) {
    unknown++;
    diag.error('local_action is not supported', keyPosOf(map, 'local_action'),
      'write the module as usual and add delegate_to: localhost');
  }
  if (Object.hasOwn(map, 'action')) {
    const fromAction = moduleFromAction(map, diag);
    if (fromAction) found.push(fromAction);
    else unknown++;
  }
  if (found.length === 0) {
    if (unknown === 0) {
      diag.error('task has no module', posOf(map),
        `a task runs exactly one module, e.g. "debug: msg=hello"; keys found: ${keys.join(', ') || 'none'}`);
    }
    return undefined;
  }
  if (found.length > 1) {
    diag.error(`task has more than one module: ${found.map((f) => `'${f.name}'`).join(' and ')}`, found[1]!.keyPos,
      'a task runs exactly one module: split it into separate tasks (each starts with "- ")');
  }
  const use = found[0]!;
  if (Object.hasOwn(map, 'args')) use.extra = { value: map.args, pos: valuePosOf(map, 'args') };
  return use;
}

function reportUnknownTaskKey(map: Mapping, key: string, keywords: ReadonlySet<string>, hasModule: boolean, diag: Diagnostics): void {
  const pos = keyPosOf(map, key);
  if (UNSUPPORTED_KEYWORDS[key]) {
    diag.error(`task keyword '${key}' is not supported by tsplay`, pos, UNSUPPORTED_KEYWORDS[key]);
  } else if (key === 'listen') {
    diag.error("'listen' is only valid in handlers", pos, 'move this task under handlers:, or use notify: to trigger a handler');
  } else if (key === 'rescue' || key === 'always') {
    diag.error(`'${key}' needs a 'block' in the same task`, pos, `put the tasks to protect under block:, beside ${key}:`);
  } else if (key === 'import_playbook') {
    diag.error('import_playbook is only allowed at the top level of a playbook', pos, 'use import_tasks to reuse a list of tasks');
  } else if (PLAY_KEYWORDS.has(key)) {
    diag.error(`'${key}' is a play keyword, not a task keyword`, pos, 'is this indented too far, under a task list?');
  } else {
    const name = canonicalModuleName(key);
    const modules = moduleNames();
    const kw = closest(key, keywords);
    const mods = closest(name, modules);
    const asKeyword = hasModule || (kw.length > 0 && (mods.length === 0 || levenshtein(key, kw[0]!) <= levenshtein(name, mods[0]!)));
    if (asKeyword) {
      diag.error(`unknown task keyword '${key}'`, pos, didYouMean(key, [...keywords, ...modules]) ?? `task keywords: ${[...keywords].sort().join(', ')}`);
    } else {
      const foreign = /^[a-z0-9_]+\.[a-z0-9_]+\.[a-z0-9_]+$/i.test(key) && !key.startsWith('ansible.');
      const suggestion = didYouMean(name, [...modules, ...keywords]);
      diag.error(`unknown module '${key}'`, pos,
        hintOf(suggestion, foreign && 'tsplay has the ansible.builtin modules and a few of ansible.posix and community.general (see the README), by full or short name',
          !suggestion && `modules: ${modules.join(', ')}`));
    }
  }
}

/** `action: copy src=a dest=b` or `action: {module: copy, src: a, dest: b}`. */
function moduleFromAction(map: Mapping, diag: Diagnostics): ModuleUse | undefined {
  const value = map.action;
  const pos = valuePosOf(map, 'action') ?? keyPosOf(map, 'action')!;
  let name: unknown;
  let rest: unknown;
  let restPos = pos;
  if (typeof value === 'string') {
    const words = splitWords(value);
    name = words[0]?.text;
    rest = words[1] ? value.slice(words[1].start) : null;
    restPos = (words[1] && textPosOf(map, 'action', words[1].start)) || pos;
  } else if (isMapping(value)) {
    name = value.module;
    const args: Mapping = {};
    const info = newLocated(posOf(value) ?? pos);
    for (const [k, v] of Object.entries(value)) {
      if (k === 'module') continue;
      args[k] = v;
      info.keyPos[k] = keyPosOf(value, k) ?? pos;
      info.valuePos[k] = valuePosOf(value, k) ?? pos;
    }
    rest = locate(args, info);
  } else {
    diag.error(`action expects "module args" or a mapping with a module key, got ${describe(value)}`, pos);
    return undefined;
  }
  if (typeof name !== 'string' || name === '') {
    diag.error('action does not name a module', pos, 'e.g. action: copy src=a dest=/tmp/a, or action: {module: copy, src: a}');
    return undefined;
  }
  const def = getModule(name);
  if (!def) {
    diag.error(`unknown module '${name}'`, pos, didYouMean(canonicalModuleName(name), moduleNames()));
    return undefined;
  }
  checkTemplates(name, pos, diag);
  const exactText = typeof value === 'string' && textPosOf(map, 'action', 0) !== undefined;
  return { name: canonicalModuleName(name), def, keyPos: keyPosOf(map, 'action') ?? pos, value: rest, valuePos: restPos, exactText };
}
