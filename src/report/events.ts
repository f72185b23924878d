import type { ModuleResult } from '../modules/types.js';

/** The one result shape per task and host. */
export type Status = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

export interface HostResult {
  host: string;
  status: Status;
  /** the module that produced it (reporters show debug output differently) */
  module?: string;
  /** the module's result (what `register` stores) */
  result: ModuleResult;
  /** loop item label, when this result is one item of a loop */
  item?: string;
  /** failed but ignore_errors: counted as ignored, not failed */
  ignored?: boolean;
  /** delegated to another host */
  delegatedTo?: string;
  /** no_log: reporters print nothing from result */
  noLog?: boolean;
  durationMs: number;
}

export interface RecapStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

/** Typed events the executor emits; reporters subscribe. Modules never print. */
export type RunEvent =
  | { type: 'playbook_start'; file: string; check: boolean }
  | { type: 'play_start'; name: string; hosts: string[] }
  | { type: 'no_hosts'; pattern: string }
  | { type: 'task_start'; name: string; handler: boolean; hosts: string[] }
  /** the result of one loop item (followed by the aggregate host_result) */
  | { type: 'item_result'; result: HostResult }
  | { type: 'host_result'; result: HostResult; loop: boolean }
  /** include_tasks brought in a file for these hosts (one event per file and loop item) */
  | { type: 'included'; file: string; hosts: string[]; item?: string }
  | { type: 'warning'; message: string }
  | { type: 'play_end'; name: string }
  | { type: 'recap'; stats: Map<string, RecapStats> }
  | { type: 'playbook_end'; exitCode: number };

export interface Reporter {
  on(event: RunEvent): void;
  /** Flush and stop (live views). */
  close?(): Promise<void> | void;
}

export function emptyStats(): RecapStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}
