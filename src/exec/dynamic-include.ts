import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Block, IncludeRole, IncludeTasks, TaskNode } from '../playbook/types.js';
import { loadIncludeRoleAtRuntime, loadIncludeTasksAtRuntime } from '../playbook/includes.js';
import { evalConditions } from '../vars/condition/index.js';
import { overlayVars } from '../vars/lazy-context.js';
import { renderText } from '../vars/template.js';
import { loopItems } from './loop-items.js';
import type { PlayContext } from './play-context.js';

export interface Included {
  /** what was included (hosts including the same thing run it together) */
  key: string;
  nodes: TaskNode[];
  /** a synthetic block carrying the loop variable for the included tasks */
  blocks: Block[];
  /** what the `included:` line shows: the task file's path, or the role's name */
  file: string;
  /** the loop item's label, when the include loops */
  item?: string;
}

/**
 * include_tasks / include_role for one host: the `when` and the (possibly templated) file name are
 * evaluated with the host's variables; with a loop, one inclusion per item.
 */
export function loadIncludedTasks(pc: PlayContext, node: IncludeTasks | IncludeRole, host: string, blocks: readonly Block[]): Included[] {
  const vars = pc.taskVars(host, node, blocks);
  const perItem: Array<{ vars: typeof vars; itemVars?: Record<string, unknown>; key: string; label?: string }> = [];
  if (node.loop) {
    loopItems(node.loop, vars, pc.playbookDir).forEach((item, i) => {
      const itemVars: Record<string, unknown> = { [node.loop!.loopVar]: item, ansible_loop_var: node.loop!.loopVar };
      if (node.loop!.indexVar) itemVars[node.loop!.indexVar] = i;
      const v = overlayVars(vars, itemVars);
      const label = node.loop!.label !== undefined ? renderText(node.loop!.label, v) : typeof item === 'object' && item !== null ? JSON.stringify(item) : String(item);
      perItem.push({ vars: v, itemVars, key: `#${i}:${JSON.stringify(item)}`, label });
    });
  } else perItem.push({ vars, key: '' });

  const out: Included[] = [];
  for (const { vars: v, itemVars, key, label } of perItem) {
    if (!evalConditions(node.when, v, node.pos)) continue;
    const carrier: Block[] = itemVars ? [{ kind: 'block', pos: node.pos, when: [], tags: [], vars: itemVars, block: [], rescue: [], always: [] }] : [];
    if (node.kind === 'include_tasks') {
      const file = renderText(node.file, v);
      const nodes = node.preloaded && !node.file.includes('{{') ? node.preloaded : loadIncludeTasksAtRuntime(node, file);
      out.push({ key: `${file}${key}`, nodes: nodes.map((n) => withIncludeVars(n, node)), blocks: carrier, file: includedPath(node, file), item: label });
    } else {
      const name = renderText(node.roleName, v);
      const loaded = node.preloaded && !node.roleName.includes('{{') ? node.preloaded : loadIncludeRoleAtRuntime(node, name, pc.playbookDir);
      out.push({ key: `role:${name}${key}`, nodes: loaded.tasks, blocks: carrier, file: name, item: label });
    }
  }
  return out;
}

/** the include's own vars reach the included tasks (through a wrapping block) */
function withIncludeVars(n: TaskNode, inc: IncludeTasks): TaskNode {
  if (Object.keys(inc.vars).length === 0) return n;
  return { kind: 'block', pos: inc.pos, when: [], tags: [], vars: inc.vars, role: inc.role, block: [n], rescue: [], always: [] };
}

/** the path the loader reads (beside the including file when not under the base directory) */
function includedPath(node: IncludeTasks, file: string): string {
  const primary = resolve(node.baseDir, file);
  return existsSync(primary) || !node.origin ? primary : resolve(dirname(node.origin.file), file);
}
