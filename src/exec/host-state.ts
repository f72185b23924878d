import type { Connection } from '../connection/types.js';
import { CheckOverlay } from '../modules/lib/check-overlay.js';
import { emptyStats, type RecapStats } from '../report/events.js';
import type { Vars } from '../vars/types.js';

/** Everything the run learns about one host; lives for the whole playbook run. */
export class HostState {
  readonly stats: RecapStats = emptyStats();
  /** gathered facts (raw data from the host: never rendered again) */
  gathered: Vars = {};
  /** set_fact values (already rendered once: never rendered again) */
  facts: Vars = {};
  /** registered results */
  registered: Vars = {};
  /** failed (leaves this play and the later ones) */
  failed = false;
  unreachable = false;
  /** the last failure, for a rescue's ansible_failed_task / ansible_failed_result */
  lastFailure?: { task: Vars; result: Vars };
  /** meta: end_host, or end_play for this host */
  ended = false;
  /** handler names notified and not yet run */
  readonly notified = new Set<string>();
  /** what check mode predicts earlier tasks did to this host's files */
  readonly overlay = new CheckOverlay();
  conn?: Connection;

  constructor(readonly name: string) {}

  get active(): boolean {
    return !this.failed && !this.unreachable && !this.ended;
  }

  /**
   * a new play: end_host and pending notifications are per play. A host that failed stays out of
   * the later plays, as unreachable hosts do (Ansible keeps failed hosts out for the whole run; they
   * used to come back in the next play).
   */
  resetForPlay(): void {
    this.ended = false;
    this.notified.clear();
  }
}
