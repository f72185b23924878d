import type { RunOptions } from '../exec/options.js';
import type { Inventory } from '../inventory/index.js';
import type { Playbook, TaskNode } from '../playbook/types.js';
import { playHosts } from './play-hosts.js';
import { selectedByTags } from './tags.js';
import { taskDisplayName } from '../exec/task-name.js';

export interface ListWhat {
  hosts?: boolean;
  tasks?: boolean;
  tags?: boolean;
}

/**
 * --list-hosts, --list-tasks and --list-tags in Ansible's layout: one `playbook:` header, then per
 * play its hosts, its tasks and its tags together (they used to be three separate listings). As in
 * Ansible, tags are sorted and --list-tags shows only the tags of the tasks that --tags /
 * --skip-tags select (a `never` task is left out unless asked for). The playbook is shown as given on
 * the command line (`shownAs`), as Ansible does. Pure.
 */
export function listPlaybook(pb: Playbook, inv: Inventory, opts: RunOptions, what: ListWhat, shownAs = pb.file): string {
  let out = `\nplaybook: ${shownAs}\n`;
  pb.plays.forEach((play, i) => {
    out += `\n  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.tags.join(',')}]\n`;
    if (what.hosts) {
      const hosts = playHosts(inv, play.hosts, opts.limit, opts.extraVars);
      out += `    pattern: ['${play.hosts}']\n    hosts (${hosts.length}):\n`;
      for (const h of hosts) out += `      ${h}\n`;
    }
    if (!what.tasks && !what.tags) return;
    const selected = flatten([...play.preTasks, ...play.roles, ...play.tasks, ...play.postTasks]).filter((t) => selectedByTags(t.tags, opts.tags));
    if (what.tasks) {
      out += '    tasks:\n';
      for (const t of selected) out += `      ${taskDisplayName(t)}\tTAGS: [${sortedTags(t.tags).join(', ')}]\n`;
    }
    if (what.tags) out += `      TASK TAGS: [${sortedTags(selected.flatMap((t) => t.tags)).join(', ')}]\n`;
  });
  return out;
}

function sortedTags(tags: readonly string[]): string[] {
  return [...new Set(tags)].sort();
}

/** the leaves in order: tasks and (unexpanded) dynamic includes */
function flatten(nodes: readonly TaskNode[]): TaskNode[] {
  return nodes.flatMap((n) => (n.kind === 'block' ? flatten([...n.block, ...n.rescue, ...n.always]) : [n]));
}
