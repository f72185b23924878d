import type { Diagnostics } from './diagnostics.js';
import { checkTemplates, describe, hasTemplate, IDENTIFIER } from './keyword-values.js';
import { LOOP_CONTROL_KEYS, LOOP_KEYWORDS, type LoopKeyword } from './keywords.js';
import { didYouMean, hintOf } from './suggest.js';
import type { TaskLoop } from './types.js';
import { isMapping, keyPosOf, posOf, valuePosOf, type Mapping } from './yaml-source.js';

/** Loop keywords that take a list (or a template giving one). */
const LIST_LOOPS = new Set<LoopKeyword>(['loop', 'with_items', 'with_list', 'with_indexed_items', 'with_nested', 'with_together', 'with_subelements']);

/**
 * Reads a task's loop (`loop:` or one `with_*` keyword) and its `loop_control`. Returns undefined
 * when the task does not loop or the loop is wrong (reported).
 */
export function readLoop(map: Mapping, diag: Diagnostics): TaskLoop | undefined {
  const present = LOOP_KEYWORDS.filter((k) => Object.hasOwn(map, k));
  if (present.length > 1) {
    diag.error(`a task can have only one loop, found ${present.map((k) => `'${k}'`).join(' and ')}`, keyPosOf(map, present[1]!),
      'keep one loop keyword; to combine lists use with_nested or a "{{ a + b }}" template');
  }
  const kind = present[0];
  if (!kind) {
    if (Object.hasOwn(map, 'loop_control')) {
      diag.error('loop_control without a loop', keyPosOf(map, 'loop_control'), 'add loop: (or a with_* keyword), or remove loop_control');
    }
    return undefined;
  }
  const items = map[kind];
  const pos = valuePosOf(map, kind);
  checkTemplates(items, pos, diag);
  const isTemplateString = typeof items === 'string' && hasTemplate(items);
  if (LIST_LOOPS.has(kind) && !Array.isArray(items) && !isTemplateString) {
    diag.error(`${kind} expects a list or a "{{ template }}" giving one, got ${describe(items)}`, pos,
      typeof items === 'string' ? `to loop over the variable ${items}, write ${kind}: "{{ ${items} }}"` : undefined);
    return undefined;
  }
  if (kind === 'with_dict' && !isMapping(items) && !isTemplateString) {
    diag.error(`with_dict expects a mapping or a "{{ template }}" giving one, got ${describe(items)}`, pos);
    return undefined;
  }
  const loop: TaskLoop = { items, kind, loopVar: 'item' };
  return readLoopControl(map, loop, diag) ? loop : undefined;
}

function readLoopControl(map: Mapping, loop: TaskLoop, diag: Diagnostics): boolean {
  if (!Object.hasOwn(map, 'loop_control') || map.loop_control === null) return true;
  const lc = map.loop_control;
  if (!isMapping(lc)) {
    diag.error(`loop_control expects a mapping, got ${describe(lc)}`, valuePosOf(map, 'loop_control'), 'e.g. loop_control:\n    loop_var: pkg');
    return false;
  }
  let ok = true;
  const known: readonly string[] = LOOP_CONTROL_KEYS;
  for (const [key, value] of Object.entries(lc)) {
    const pos = valuePosOf(lc, key) ?? posOf(lc);
    switch (key) {
      case 'loop_var':
      case 'index_var':
        if (typeof value === 'string' && IDENTIFIER.test(value)) {
          if (key === 'loop_var') loop.loopVar = value;
          else loop.indexVar = value;
        } else {
          diag.error(`loop_control.${key} must be a variable name, got ${describe(value)}`, pos);
          ok = false;
        }
        break;
      case 'label':
        if (typeof value === 'string' || typeof value === 'number') {
          loop.label = String(value);
          checkTemplates(loop.label, pos, diag);
        } else {
          diag.error(`loop_control.label expects a string, got ${describe(value)}`, pos);
          ok = false;
        }
        break;
      case 'pause':
        if (typeof value === 'number' && value >= 0) loop.pause = value;
        else {
          diag.error(`loop_control.pause expects a number of seconds, got ${describe(value)}`, pos);
          ok = false;
        }
        break;
      default:
        diag.error(`unknown loop_control key '${key}'`, keyPosOf(lc, key) ?? pos,
          hintOf(didYouMean(key, known), `supported: ${known.join(', ')}`));
        ok = false;
    }
  }
  return ok;
}
