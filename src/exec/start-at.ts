import type { Task } from '../playbook/types.js';
import { fnmatch } from '../util/fnmatch.js';
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
