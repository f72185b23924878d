import { EXIT } from '../cli/exit-codes.js';
import { errorMessage } from '../errors.js';
import { groupsMap, type Inventory } from '../inventory/index.js';
import { playHosts } from '../plan/play-hosts.js';
import { serialBatches } from '../plan/batches.js';
import type { Play, Playbook } from '../playbook/types.js';
import type { RecapStats, Reporter } from '../report/events.js';
import { ConnectionPool } from './connection-pool.js';
import { flushHandlers } from './handlers.js';
import { HostState } from './host-state.js';
import { EndPlay, LinearStrategy } from './linear.js';
import type { RunOptions } from './options.js';
import { PlayContext } from './play-context.js';
import { StartAtTask } from './start-at.js';

export interface RunSummary {
  exitCode: number;
  stats: Map<string, RecapStats>;
}

/** Runs every play of a loaded, validated playbook and reports a recap. */
export async function runPlaybook(pb: Playbook, inv: Inventory, options: RunOptions, reporter: Reporter, signal?: AbortSignal): Promise<RunSummary> {
  const opts: RunOptions = signal ? { ...options, signal } : options;
  const hosts = new Map<string, HostState>();
  const pool = new ConnectionPool(opts);
  const groups = groupsMap(inv);
  const startAt = new StartAtTask(opts.startAtTask);
  reporter.on({ type: 'playbook_start', file: pb.file, check: opts.check });
  try {
    for (const play of pb.plays) {
      if (signal?.aborted) break;
      await runPlay(play, pb, inv, groups, hosts, opts, reporter, pool, startAt);
    }
  } finally {
    await pool.closeAll();
  }
  if (startAt.notFound !== undefined) reporter.on({ type: 'warning', message: `no task named '${startAt.notFound}' was found (--start-at-task)` });
  // as Ansible, the recap lists the hosts something was counted for: not a host of a later serial
  // batch that never ran, or one whose every task was left out by tags
  const stats = new Map([...hosts].filter(([, s]) => Object.values(s.stats).some((n) => n > 0)).map(([h, s]) => [h, s.stats]));
  reporter.on({ type: 'recap', stats });
  const exitCode = signal?.aborted ? EXIT.INTERRUPTED : exitCodeFor(stats);
  reporter.on({ type: 'playbook_end', exitCode });
  return { exitCode, stats };
}

export function exitCodeFor(stats: Map<string, RecapStats>): number {
  const all = [...stats.values()];
  if (all.some((s) => s.failed > 0)) return EXIT.HOST_FAILED;
  if (all.some((s) => s.unreachable > 0)) return EXIT.UNREACHABLE;
  return EXIT.OK;
}

async function runPlay(
  play: Play, pb: Playbook, inv: Inventory, groups: Record<string, string[]>,
  hosts: Map<string, HostState>, opts: RunOptions, reporter: Reporter, pool: ConnectionPool, startAt: StartAtTask,
): Promise<void> {
  const names = playHosts(inv, play.hosts, opts.limit, opts.extraVars);
  reporter.on({ type: 'play_start', name: play.name, hosts: names });
  if (names.length === 0) {
    reporter.on({ type: 'no_hosts', pattern: play.hosts });
    return;
  }
  for (const h of names) {
    if (!hosts.has(h)) hosts.set(h, new HostState(h));
    hosts.get(h)!.resetForPlay();
  }
  const pc = new PlayContext(inv, groups, play, pb.dir, hosts, opts, reporter, pool, startAt);
  // hosts that failed or became unreachable in an earlier play stay out, as in Ansible
  pc.playHosts = names.filter((h) => hosts.get(h)!.active);
  for (const batch of serialBatches(pc.playHosts, play.serial)) {
    if (opts.signal?.aborted) return;
    pc.batch = batch;
    const strategy = new LinearStrategy(pc);
    try {
      await strategy.gatherFacts(batch);
      for (const section of [play.preTasks, [...play.roles, ...play.tasks], play.postTasks]) {
        if (section.length === 0) continue;
        await strategy.runList(section, batch, []);
        await flushHandlers(pc, strategy);
      }
    } catch (e) {
      if (!(e instanceof EndPlay)) throw e;
      if (e.message === 'any_errors_fatal' || e.message === 'max_fail_percentage') {
        reporter.on({ type: 'warning', message: `${e.message}: stopping the play` });
        // as Ansible, every host still in the play is marked failed (not counted as a failure in the
        // recap): their pending handlers run only when forced, and they take no part in later plays
        for (const h of pc.playHosts) if (pc.host(h).active) pc.host(h).failed = true;
        await flushHandlers(pc, strategy).catch((err) => reporter.on({ type: 'warning', message: errorMessage(err) }));
        return;
      }
      if (e.message === 'end_play') return;
      // end_batch: go on with the next batch
    }
  }
  reporter.on({ type: 'play_end', name: play.name });
}
