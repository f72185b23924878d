import type { Block, Handler, Task } from '../playbook/types.js';
import { renderText } from '../vars/template.js';
import type { LinearStrategy } from './linear.js';
import type { PlayContext } from './play-context.js';

/** Handler indexes a notify name reaches: by name, by "role : name", or by `listen`. */
function handlersFor(handlers: readonly Handler[], name: string): number[] {
  const out: number[] = [];
  handlers.forEach((h, i) => {
    const full = h.role && h.name ? `${h.role.name} : ${h.name}` : undefined;
    if (h.name === name || full === name || h.listen.includes(name)) out.push(i);
  });
  return out;
}

/** A changed task notifies its handlers on that host; they run at the next flush. */
export function notifyHandlers(pc: PlayContext, host: string, task: Task, blocks: readonly Block[]): void {
  const hs = pc.host(host);
  for (const raw of task.notify) {
    const name = raw.includes('{{') ? renderText(raw, pc.taskVars(host, task, blocks)) : raw;
    for (const i of handlersFor(pc.play.handlers, name)) hs.notified.add(String(i));
  }
}

/**
 * Runs notified handlers once each, in definition order (not notification order), on the hosts
 * that notified them. Handlers may notify later handlers, which then run in the same flush.
 * A failed host's handlers run only with --force-handlers / force_handlers.
 */
export async function flushHandlers(pc: PlayContext, strategy: LinearStrategy): Promise<void> {
  const force = pc.opts.forceHandlers || pc.play.forceHandlers === true;
  for (let round = 0; round < 100; round++) {
    if (pc.opts.signal?.aborted) return;
    let ran = false;
    for (let i = 0; i < pc.play.handlers.length; i++) {
      const id = String(i);
      const hosts = pc.batch.filter((h) => {
        const hs = pc.host(h);
        return hs.notified.has(id) && !hs.unreachable && (hs.active || (force && hs.failed));
      });
      if (hosts.length === 0) continue;
      for (const h of hosts) pc.host(h).notified.delete(id);
      const revived = force ? hosts.filter((h) => pc.host(h).failed) : [];
      for (const h of revived) pc.host(h).failed = false;
      await strategy.runTask(pc.play.handlers[i], hosts, [], true);
      for (const h of revived) pc.host(h).failed = true;
      ran = true;
    }
    if (!ran) return;
  }
}
