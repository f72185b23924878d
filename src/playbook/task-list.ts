import type { SourcePos } from '../errors.js';
import { parseBlock } from './block.js';
import type { PlayState, Scope } from './context.js';
import { describe } from './keyword-values.js';
import { INCLUDE_ACTIONS } from './keywords.js';
import { parseInclude } from './includes.js';
import { parseTask } from './task.js';
import type { Handler, TaskNode } from './types.js';
import { isMapping, itemPosOf, type Mapping } from './yaml-source.js';

/** A list of task entries (tasks:, block:, an imported file...): each a task, block or include. */
export function parseTaskList(value: unknown, pos: SourcePos | undefined, what: string, scope: Scope, play: PlayState): TaskNode[] {
  const nodes: TaskNode[] = [];
  for (const [entry] of entries(value, pos, what, play)) {
    const node = parseTaskEntry(entry, scope, play);
    if (node) nodes.push(node);
  }
  return nodes;
}

/** A play's or role's handlers: plain tasks (with `listen`), no blocks or includes. */
export function parseHandlerList(value: unknown, pos: SourcePos | undefined, scope: Scope, play: PlayState): Handler[] {
  const handlers: Handler[] = [];
  const handlerScope: Scope = { ...scope, handlers: true };
  for (const [entry, at] of entries(value, pos, 'handlers', play)) {
    const nested = ['block', ...INCLUDE_ACTIONS].find((k) => Object.hasOwn(entry, k));
    if (nested) {
      play.load.diag.error(`'${nested}' is not supported in handlers`, at, 'a handler is one task running one module');
      rememberBrokenHandler(entry, play);
      continue;
    }
    const h = parseTask(entry, handlerScope, play);
    if (h && 'listen' in h) handlers.push(h);
    else rememberBrokenHandler(entry, play);
  }
  return handlers;
}

function parseTaskEntry(entry: Mapping, scope: Scope, play: PlayState): TaskNode | undefined {
  if (Object.hasOwn(entry, 'block')) return parseBlock(entry, scope, play);
  if ([...INCLUDE_ACTIONS].some((k) => Object.hasOwn(entry, k))) return parseInclude(entry, scope, play);
  return parseTask(entry, scope, play);
}

/** The mapping entries of a task list, reporting what is not a list or not a mapping. */
function entries(value: unknown, pos: SourcePos | undefined, what: string, play: PlayState): Array<[Mapping, SourcePos | undefined]> {
  const diag = play.load.diag;
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) {
    diag.error(`${what} expects a list of tasks, got ${describe(value)}`, pos, 'start each task with "- " (a dash and a space)');
    return [];
  }
  const out: Array<[Mapping, SourcePos | undefined]> = [];
  value.forEach((entry, i) => {
    const at = itemPosOf(value, i) ?? pos;
    if (isMapping(entry)) out.push([entry, at]);
    else if (entry !== null) {
      diag.error(`a task must be a mapping (keys and values), got ${describe(entry)}`, at,
        typeof entry === 'string' ? 'write "- name: ..." then the module on the next line, indented like name' : undefined);
    }
  });
  return out;
}

function rememberBrokenHandler(entry: Mapping, play: PlayState): void {
  for (const key of ['name', 'listen']) {
    const v = entry[key];
    for (const name of Array.isArray(v) ? v : [v]) if (typeof name === 'string') play.brokenHandlerNames.add(name);
  }
}
