import type { Task } from '../playbook/types.js';
import { taskDisplayName } from './task-name.js';

/**
 * --start-at-task for the whole run: tasks are skipped until the first one with that name
 * (`role : name` also matches, and so does a shell-style pattern, as in Ansible); from there on, as in Ansible, everything runs, including later
 * plays and later serial batches. One instance per run: it used to live in each batch's strategy,
 * so every later play or batch searched for the name again and skipped all its tasks.
 */
export class StartAtTask {
  private waiting: string | undefined;

  constructor(name: string | undefined) {
    this.waiting = name;
  }

  /** true once the task (or an earlier one) matched */
  reached(task: Task): boolean {
    if (this.waiting === undefined) return true;
    const names = [task.name, taskDisplayName(task)].filter((n): n is string => n !== undefined);
    if (names.some((n) => n === this.waiting || fnmatch(n, this.waiting!))) {
      this.waiting = undefined;
      return true;
    }
    return false;
  }

  /** the name still searched for at the end of the run (Ansible reports it as not found) */
  get notFound(): string | undefined {
    return this.waiting;
  }
}

/** Python's fnmatch (what Ansible uses here): `*`, `?`, `[seq]`, `[!seq]`; case-sensitive. */
export function fnmatch(name: string, pattern: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      const end = pattern.indexOf(']', j);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let set = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
      const negated = set.startsWith('!');
      if (negated) set = set.slice(1);
      // a leading `]` is literal in Python, an empty class in JavaScript; a leading `^` is literal too
      if (set.startsWith(']') || set.startsWith('^')) set = '\\' + set;
      if (negated) set = '^' + set;
      re += `[${set}]`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's').test(name);
}
