import type { TaskNode } from '../playbook/types.js';

/** "role : name" as Ansible shows it; a nameless task shows its module (or include). */
export function taskDisplayName(node: TaskNode, render: (s: string) => string = (s) => s): string {
  let name: string;
  if (node.name) {
    try {
      name = render(node.name);
    } catch {
      name = node.name;
    }
  } else if (node.kind === 'task') name = node.module;
  else if (node.kind === 'include_tasks') name = `include_tasks: ${node.file}`;
  else if (node.kind === 'include_role') name = `include_role: ${node.roleName}`;
  else name = 'block';
  return node.role ? `${node.role.name} : ${name}` : name;
}
