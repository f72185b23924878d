import pLimit from 'p-limit';
import { errorMessage } from '../errors.js';
import { selectedByTags } from '../plan/tags.js';
import type { Block, IncludeRole, IncludeTasks, Task, TaskNode } from '../playbook/types.js';
import type { HostResult } from '../report/events.js';
import { evalConditions } from '../vars/condition/index.js';
import { renderText } from '../vars/template.js';
import { loadIncludedTasks } from './dynamic-include.js';
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
  /** --start-at-task: skip until a task with this name is reached */
  private waitingForStart: string | undefined;

  constructor(private readonly pc: PlayContext) {
    this.limit = pLimit(Math.max(1, pc.opts.forks));
    this.waitingForStart = pc.opts.startAtTask;
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
      for (const h of toRescue) this.pc.host(h).failed = false; // rescue: the host is back in play
      const rescueFailed = await this.runList(block.rescue, toRescue, inner);
      stillFailed = new Set([...failedInBlock].filter((h) => this.pc.host(h).unreachable || rescueFailed.has(h)));
      for (const h of toRescue) {
        const hs = this.pc.host(h);
        if (!rescueFailed.has(h)) {
          hs.stats.rescued++;
          hs.stats.failed = Math.max(0, hs.stats.failed - 1);
        } else hs.failed = true;
      }
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

  private async runInclude(node: IncludeTasks | IncludeRole, hosts: string[], blocks: readonly Block[]): Promise<Set<string>> {
    if (!selectedByTags(node.tags, this.pc.opts.tags)) return new Set();
    // hosts may include different files: group them by what they include, run each group in turn
    const groups = new Map<string, { nodes: TaskNode[]; hosts: string[]; blocks: Block[] }>();
    const failed = new Set<string>();
    for (const host of hosts) {
      try {
        for (const inc of loadIncludedTasks(this.pc, node, host, blocks)) {
          const g = groups.get(inc.key) ?? { nodes: inc.nodes, hosts: [], blocks: inc.blocks };
          g.hosts.push(host);
          groups.set(inc.key, g);
        }
      } catch (e) {
        this.fail(host, node, errorMessage(e));
        failed.add(host);
      }
    }
    for (const g of groups.values()) {
      const f = await this.runList(g.nodes, g.hosts.filter((h) => this.pc.host(h).active), [...blocks, ...g.blocks]);
      for (const h of f) failed.add(h);
    }
    return failed;
  }

  private fail(host: string, node: TaskNode, msg: string): void {
    const hs = this.pc.host(host);
    hs.failed = true;
    hs.stats.failed++;
    this.pc.emit({ type: 'task_start', name: taskDisplayName(node), handler: false, hosts: [host] });
    this.pc.emit({ type: 'host_result', loop: false, result: { host, status: 'failed', result: { changed: false, failed: true, msg }, durationMs: 0 } });
  }

  /** Runs a task on hosts in parallel; returns the hosts that failed. */
  async runTask(task: Task, hosts: string[], blocks: readonly Block[], handler: boolean): Promise<Set<string>> {
    const failed = new Set<string>();
    if (!handler && !this.startReached(task)) return failed;
    if (!handler && !selectedByTags(task.tags, this.pc.opts.tags)) return failed;
    const name = taskDisplayName(task, (t) => renderText(t, this.pc.taskVars(hosts[0], task, blocks)));
    this.pc.emit({ type: 'task_start', name, handler, hosts });

    const runOnce = task.runOnce !== undefined && hosts.length > 0 && this.runsOnce(task, hosts[0], blocks);
    const targets = runOnce ? [hosts[0]] : hosts;
    const results = await Promise.all(targets.map((h) => this.limit(() => runTaskOnHost(this.pc, h, task, blocks))));
    if (runOnce && results[0]) {
      // run_once: the one result counts for every host (registered everywhere, as in Ansible)
      for (const h of hosts.slice(1)) {
        if (task.register) this.pc.host(h).registered[task.register] = results[0].result;
        results.push({ ...results[0], host: h });
      }
    }
    let metaAction: string | undefined;
    for (const r of results) {
      this.record(r, task.loop !== undefined);
      if (r.status === 'failed' && !r.ignored) failed.add(r.host);
      if ((r.status === 'changed' || (r.status === 'failed' && r.ignored && r.result.changed)) && task.notify.length) {
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
    if (metaAction === 'flush_handlers') await flushHandlers(this.pc, this);
    if (metaAction === 'end_play' || metaAction === 'end_batch') throw new EndPlay(metaAction);
    this.checkFailurePolicy(task, hosts, failed);
    return failed;
  }

  private runsOnce(task: Task, host: string, blocks: readonly Block[]): boolean {
    const v = task.runOnce;
    if (typeof v === 'boolean') return v;
    return evalConditions([String(v)], this.pc.taskVars(host, task, blocks));
  }

  private record(r: HostResult, loop: boolean): void {
    const hs = this.pc.host(r.host);
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
        } else {
          hs.stats.failed++;
          hs.failed = true;
        }
        break;
    }
    this.pc.emit({ type: 'host_result', result: r, loop });
  }

  /** any_errors_fatal and max_fail_percentage end the play for everyone. */
  private checkFailurePolicy(task: Task, hosts: string[], failed: Set<string>): void {
    if (failed.size === 0) return;
    const fatal = task.anyErrorsFatal ?? this.pc.play.anyErrorsFatal;
    if (fatal) throw new EndPlay('any_errors_fatal');
    const max = this.pc.play.maxFailPercentage;
    if (max !== undefined) {
      const batch = this.pc.batch.length || hosts.length;
      const down = this.pc.batch.filter((h) => !this.pc.host(h).active).length;
      if ((down / batch) * 100 > max) throw new EndPlay('max_fail_percentage');
    }
  }

  private startReached(task: Task): boolean {
    if (this.waitingForStart === undefined) return true;
    const wanted = this.waitingForStart;
    const full = taskDisplayName(task);
    if (task.name === wanted || full === wanted) {
      this.waitingForStart = undefined;
      return true;
    }
    return false;
  }
}
