import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { RoleInstance } from './types.js';

/** The places a controller-side file is looked for, in Ansible's order. */
export function localFileCandidates(
  kind: 'files' | 'templates',
  name: string,
  task: { role?: RoleInstance },
  playbookDir: string,
): string[] {
  if (isAbsolute(name)) return [name];
  const dirs: string[] = [];
  if (task.role) dirs.push(join(task.role.path, kind), task.role.path);
  dirs.push(join(playbookDir, kind), playbookDir);
  return dirs.map((d) => join(d, name));
}

/**
 * Finds a file used by `copy: src=` (files/) or `template: src=` (templates/): the role's kind
 * directory, the role directory, the playbook directory's kind directory, then the playbook
 * directory. Absolute paths are used as they are. Returns undefined when nothing exists.
 */
export function findLocalFile(
  kind: 'files' | 'templates',
  name: string,
  task: { role?: RoleInstance },
  playbookDir: string,
): string | undefined {
  return localFileCandidates(kind, name, task, playbookDir).find((p) => existsSync(p));
}
