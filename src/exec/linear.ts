import pLimit from 'p-limit';
import { errorMessage } from '../errors.js';
import { gatherFactsTask } from '../facts/gather-task.js';
import { selectedByTags } from '../plan/tags.js';
import type { Block, IncludeRole, IncludeTasks, Inherited, Task, TaskNode } from '../playbook/types.js';
import type { HostResult } from '../report/events.js';
import { evalConditions } from '../vars/condition/index.js';
import { renderText } from '../vars/template.js';
import { loadIncludedTasks, type Included } from './dynamic-include.js';
import { flushHandlers, notifyHandlers } from './handlers.js';
import type { PlayContext } from './play-context.js';
import { runTaskOnHost } from './run-task.js';
import { taskDisplayName } from './task-name.js';

/** Stop the whole play (any_errors_fatal, max_fail_percentage, meta: end_play). */
export class EndPlay extends Error {}

/**
 * Ansible's linear strategy: each task runs on every active host in parallel (at most --forks at
 * once), and the next task starts when all hosts are done. Blocks send the hosts that failed in
 * them to `rescue`, and everyone that entered to `always`.
 */
export class LinearStrategy {
  private readonly limit;

  constructor(private readonly pc: PlayContext) {
    this.limit = pLimit(Math.max(1, pc.opts.forks));
  }

  /**
   * gather_facts: the "Gathering Facts" task on every host of the batch before its first task, run
   * and counted like any task (unreachable hosts drop out, a failure fails the host). As in
   * Ansible it runs in check mode too, and with --start-at-task before the task searched for.
   */
  async gatherFacts(hosts: readonly string[]): Promise<void> {
    const active = hosts.filter((h) => this.pc.host(h).active);
    if (!this.pc.play.gatherFacts || active.length === 0) return;
    await this.runTask(gatherFactsTask(this.pc.play), active, [], false, true);
  }

  /** Runs nodes on hosts; returns the hosts that failed (and were not rescued) in them. */
  async runList(nodes: readonly TaskNode[], hosts: readonly string[], blocks: readonly Block[]): Promise<Set<string>> {
    const failed = new Set<string>();
    for (const node of nodes) {
      if (this.pc.opts.signal?.aborted) break;
      const active = hosts.filter((h) => !failed.has(h) && this.pc.host(h).active);
      if (active.length === 0) break;
      const f = await this.runNode(node, active, blocks);
      for (const h of f) failed.add(h);
    }
    return failed;
  }

  private async runNode(node: TaskNode, hosts: string[], blocks: readonly Block[]): Promise<Set<string>> {
    switch (node.kind) {
      case 'task':
        return this.runTask(node, hosts, blocks, false);
      case 'block':
        return this.runBlock(node, hosts, blocks);
      case 'include_tasks':
      case 'include_role':
        return this.runInclude(node, hosts, blocks);
    }
  }

  private async runBlock(block: Block, hosts: string[], blocks: readonly Block[]): Promise<Set<string>> {
    const inner = [...blocks, block];
    const failedInBlock = await this.runList(block.block, hosts, inner);
    let stillFailed = failedInBlock;
    if (block.rescue.length && failedInBlock.size) {
      const toRescue = [...failedInBlock].filter((h) => !this.pc.host(h).unreachable);
      for (const h of toRescue) {
        const hs = this.pc.host(h);
        hs.failed = false; // rescue: the host is back in play
        // as Ansible, the failure counts as rescued once a rescue runs for it, even if the rescue fails
        // in turn (that is a failure of its own): it used to count as failed then
        hs.stats.rescued++;
        hs.stats.failed = Math.max(0, hs.stats.failed - 1);
        // Ansible's rescue sees what failed (set as facts, so they stay visible afterwards)
        if (hs.lastFailure) Object.assign(hs.facts, { ansible_failed_task: hs.lastFailure.task, ansible_failed_result: hs.lastFailure.result });
      }
      const rescueFailed = await this.runList(block.rescue, toRescue, inner);
      stillFailed = new Set([...failedInBlock].filter((h) => this.pc.host(h).unreachable || rescueFailed.has(h)));
      for (const h of rescueFailed) this.pc.host(h).failed = true;
    }
    if (block.always.length) {
      const entered = hosts.filter((h) => !this.pc.host(h).unreachable && !this.pc.host(h).ended);
      // always runs for failed hosts too: lift the failure for the section, then restore it
      const wasFailed = entered.filter((h) => this.pc.host(h).failed);
      for (const h of wasFailed) this.pc.host(h).failed = false;
      const alwaysFailed = await this.runList(block.always, entered, inner);
      for (const h of wasFailed) this.pc.host(h).failed = true;
      for (const h of alwaysFailed) stillFailed.add(h);
    }
    return stillFailed;
  }

  /**
   * include_tasks / include_role, shown and counted as Ansible does: a banner, a `skipping` row (and
   * a skipped count) for a host that includes nothing (`when` false, empty loop), and for
   * include_tasks an `included: FILE for HOSTS` line and one `ok` per file (per loop item) and host.
   * They used to print and count nothing, so recaps differed from Ansible's.
   */
  private async runInclude(node: IncludeTasks | IncludeRole, hosts: string[], blocks: readonly Block[]): Promise<Set<string>> {
    if (!selectedByTags(node.tags, this.pc.opts.tags)) return new Set();
    // Ansible: --start-at-task cannot follow dynamic includes; they are passed over while searching
    if (this.pc.startAt.notFound !== undefined) return new Set();
    this.pc.emit({ type: 'task_start', name: taskDisplayName(node, (t) => renderText(t, this.pc.taskVars(hosts[0], node, blocks))), handler: false, hosts });
    // hosts may include different files: group them by what they include, run each group in turn
    const groups = new Map<string, { inc: Included; hosts: string[] }>();
    const failed = new Set<string>();
    for (const host of hosts) {
      try {
        const included = loadIncludedTasks(this.pc, node, host, blocks);
        if (included.length === 0) this.record({ host, status: 'skipped', result: { changed: false, skipped: true }, module: node.kind, durationMs: 0 }, false);
        for (const inc of included) {
          const g = groups.get(inc.key) ?? { inc, hosts: [] };
          g.hosts.push(host);
          groups.set(inc.key, g);
        }
      } catch (e) {
        this.fail(host, node, errorMessage(e));
        failed.add(host);
      }
    }
    for (const { inc, hosts: hs } of groups.values()) {
      if (node.kind !== 'include_tasks') continue;
      for (const h of hs) this.pc.host(h).stats.ok++;
      this.pc.emit({ type: 'included', file: inc.file, hosts: hs, ...(inc.item !== undefined ? { item: inc.item } : {}) });
    }
    for (const g of groups.values()) {
      const f = await this.runList(g.inc.nodes, g.hosts.filter((h) => this.pc.host(h).active), [...blocks, ...g.inc.blocks]);
      for (const h of f) failed.add(h);
    }
    return failed;
  }

  private fail(host: string, node: TaskNode, msg: string): void {
    const hs = this.pc.host(host);
    hs.failed = true;
    hs.stats.failed++;
    hs.lastFailure = { task: { name: taskDisplayName(node), action: node.kind }, result: { changed: false, failed: true, msg } };
    this.pc.emit({ type: 'host_result', loop: false, result: { host, status: 'failed', result: { changed: false, failed: true, msg }, durationMs: 0 } });
  }

  /** Runs a task on hosts in parallel; returns the hosts that failed. */
  async runTask(task: Task, hosts: string[], blocks: readonly Block[], handler: boolean, implicit = false): Promise<Set<string>> {
    const failed = new Set<string>();
    if (!handler && !implicit && !this.pc.startAt.reached(task)) return failed;
    if (!handler && !selectedByTags(task.tags, this.pc.opts.tags)) return failed;
    // building a host's variables is only worth it when the name is a template
    const name = taskDisplayName(task, (t) => (t.includes('{{') ? renderText(t, this.pc.taskVars(hosts[0], task, blocks)) : t));
    this.pc.emit({ type: 'task_start', name, handler, hosts });

    const runOnce = hosts.length > 0 && this.runsOnce(task, hosts[0], blocks);
    const targets = runOnce ? [hosts[0]] : hosts;
    const results = await Promise.all(targets.map((h) => this.limit(() => runTaskOnHost(this.pc, h, task, blocks))));
    if (runOnce && results[0]) {
      // run_once, as in Ansible: the result is registered (and set_fact applied) on every host, but shown,
      // counted and notified for the first host only (copying it to every host inflated their recap)
      const once = results[0];
      for (const h of hosts.slice(1)) {
        const hs = this.pc.host(h);
        if (task.register) hs.registered[task.register] = once.result;
        if (once.result.facts && once.status !== 'failed' && once.status !== 'unreachable') Object.assign(hs.facts, once.result.facts);
      }
    }
    let metaAction: string | undefined;
    for (const r of results) {
      this.record(r, task.loop !== undefined);
      if (r.status === 'failed' && !r.ignored) this.pc.host(r.host).lastFailure = { task: { name, action: task.module, args: task.args }, result: r.result };
      if (r.status === 'failed' && !r.ignored) failed.add(r.host);
      // only a success notifies: Ansible queues handlers in its "ok" branch, so a failure ignored by
      // ignore_errors notifies nothing even when its result says changed
      if (r.status === 'changed' && task.notify.length) {
        notifyHandlers(this.pc, r.host, task, blocks);
      }
      if (typeof r.result.meta === 'string' && r.status !== 'skipped') {
        metaAction = r.result.meta;
        if (metaAction === 'end_host') this.pc.host(r.host).ended = true;
        if (metaAction === 'clear_host_errors') for (const h of this.pc.playHosts) this.pc.host(h).failed = false;
        if (metaAction === 'clear_facts') {
          const hs = this.pc.host(r.host);
          hs.gathered = {};
          hs.facts = {};
        }
      }
    }
    if (runOnce && failed.has(hosts[0])) {
      // Ansible fails every host of a run_once task that failed (counted once, on the host that ran it)
      for (const h of hosts.slice(1)) {
        this.pc.host(h).failed = true;
        failed.add(h);
      }
    }
    if (metaAction === 'flush_handlers') await flushHandlers(this.pc, this);
    if (metaAction === 'end_play' || metaAction === 'end_batch') throw new EndPlay(metaAction);
    this.checkFailurePolicy(task, blocks, hosts, failed);
    return failed;
  }

  /** run_once is inherited from blocks and the play, like the other task keywords */
  private runsOnce(task: Task, host: string, blocks: readonly Block[]): boolean {
    const v = inherited(task, blocks, this.pc.play, 'runOnce');
    if (v === undefined || typeof v === 'boolean') return v ?? false;
    return evalConditions([String(v)], this.pc.taskVars(host, task, blocks));
  }

  private record(r: HostResult, loop: boolean): void {
    const hs = this.pc.host(r.host);
    if (r.module === 'meta' && r.status !== 'failed' && r.status !== 'unreachable') {
      // Ansible runs meta tasks in the strategy and never counts them in the recap (ok or skipped)
      this.pc.emit({ type: 'host_result', result: r, loop });
      return;
    }
    switch (r.status) {
      case 'ok':
        hs.stats.ok++;
        break;
      case 'changed':
        hs.stats.ok++;
        hs.stats.changed++;
        break;
      case 'skipped':
        hs.stats.skipped++;
        break;
      case 'unreachable':
        hs.stats.unreachable++;
        hs.unreachable = true;
        break;
      case 'failed':
        if (r.ignored) {
          hs.stats.ignored++;
          hs.stats.ok++;
          // as Ansible: an ignored failure that changed something (`command: false`) counts as changed too
          if (r.result.changed) hs.stats.changed++;
        } else {
          hs.stats.failed++;
          hs.failed = true;
        }
        break;
    }
    this.pc.emit({ type: 'host_result', result: r, loop });
  }

  /** any_errors_fatal and max_fail_percentage end the play for everyone. */
  private checkFailurePolicy(task: Task, blocks: readonly Block[], hosts: string[], failed: Set<string>): void {
    if (failed.size === 0) return;
    // a block's any_errors_fatal covers its tasks (it was read from the task and play only)
    const fatal = inherited(task, blocks, this.pc.play, 'anyErrorsFatal');
    if (fatal) throw new EndPlay('any_errors_fatal');
    const max = this.pc.play.maxFailPercentage;
    if (max !== undefined) {
      const batch = this.pc.batch.length || hosts.length;
      const down = this.pc.batch.filter((h) => !this.pc.host(h).active).length;
      if ((down / batch) * 100 > max) throw new EndPlay('max_fail_percentage');
    }
  }
}

/** A keyword's innermost value: the task's own, else its blocks' (inner first), else the play's. */
function inherited<K extends keyof Inherited>(task: Task, blocks: readonly Block[], play: Inherited, key: K): Inherited[K] | undefined {
  for (const node of [task, ...[...blocks].reverse(), play]) if (node[key] !== undefined) return node[key];
  return undefined;
}
