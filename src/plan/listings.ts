import type { RunOptions } from '../exec/options.js';
import type { Inventory } from '../inventory/index.js';
import type { Playbook, TaskNode } from '../playbook/types.js';
import { playHosts } from './play-hosts.js';
import { selectedByTags } from './tags.js';
import { taskDisplayName } from '../exec/task-name.js';

/** --list-hosts, --list-tasks and --list-tags in Ansible's layout. Pure. */
export function listHosts(pb: Playbook, inv: Inventory, opts: RunOptions): string {
  let out = `\nplaybook: ${pb.file}\n`;
  pb.plays.forEach((play, i) => {
    const hosts = playHosts(inv, play.hosts, opts.limit, opts.extraVars);
    out += `\n  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.tags.join(', ')}]\n`;
    out += `    pattern: ['${play.hosts}']\n    hosts (${hosts.length}):\n`;
    for (const h of hosts) out += `      ${h}\n`;
  });
  return out;
}

export function listTasks(pb: Playbook, opts: RunOptions): string {
  let out = `\nplaybook: ${pb.file}\n`;
  pb.plays.forEach((play, i) => {
    out += `\n  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.tags.join(', ')}]\n    tasks:\n`;
    for (const t of flatten([...play.preTasks, ...play.roles, ...play.tasks, ...play.postTasks])) {
      if (!selectedByTags(t.tags, opts.tags)) continue;
      out += `      ${taskDisplayName(t)}\tTAGS: [${t.tags.join(', ')}]\n`;
    }
  });
  return out;
}

export function listTags(pb: Playbook): string {
  let out = `\nplaybook: ${pb.file}\n`;
  pb.plays.forEach((play, i) => {
    const tags = new Set<string>();
    for (const t of flatten([...play.preTasks, ...play.roles, ...play.tasks, ...play.postTasks])) for (const tag of t.tags) tags.add(tag);
    out += `\n  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.tags.join(', ')}]\n`;
    out += `      TASK TAGS: [${[...tags].sort().join(', ')}]\n`;
  });
  return out;
}

/** the leaves in order: tasks and (unexpanded) dynamic includes */
function flatten(nodes: readonly TaskNode[]): TaskNode[] {
  return nodes.flatMap((n) => (n.kind === 'block' ? flatten([...n.block, ...n.rescue, ...n.always]) : [n]));
}
