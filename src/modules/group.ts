import { z } from 'zod';
import { argv, quote } from '../connection/quote.js';
import { ansibleBool } from './lib/arg-types.js';
import { planGroup, type GroupArgs, type GroupCurrent, type GroupPlanOut } from './lib/group-plan.js';
import { parseGroupLine, withPredictedGroups } from './lib/user-getent.js';
import { defineModule } from './types.js';

const args = z
  .object({
    name: z.string().min(1),
    state: z.enum(['present', 'absent']).default('present'),
    gid: z.coerce.number().int().nonnegative().optional(),
    system: ansibleBool.default(false),
    local: ansibleBool.default(false),
    non_unique: ansibleBool.default(false),
    force: ansibleBool.default(false),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.non_unique && a.gid === undefined) ctx.addIssue({ code: 'custom', message: 'non_unique is True but all of the following are missing: gid' });
    // lgroupadd (libuser) is not on standard hosts; refusing is more honest than silently using groupadd
    if (a.local) ctx.addIssue({ code: 'custom', message: 'local: true (libuser lgroupadd) is not supported by tsplay' });
    if (a.name.includes(':') || a.name.includes('\n')) ctx.addIssue({ code: 'custom', message: `invalid group name: ${a.name}` });
  });

/** Manages a local group with groupadd / groupmod / groupdel; inspects with `getent group`. */
export default defineModule<GroupArgs, GroupCurrent, GroupPlanOut>({
  name: 'group',
  args,
  async inspect(ctx, a) {
    const r = await ctx.run(`getent group ${quote(a.name)}; rc=$?; [ $rc -eq 2 ] && exit 0; exit $rc`);
    if (r.rc !== 0) throw new Error(`cannot read group ${a.name}: ${r.stderr.trim() || `exit ${r.rc}`}`);
    const entry = parseGroupLine(r.stdout.split('\n')[0] ?? '');
    const predicted = ctx.fs.overlay?.predictedGroups().filter((g) => g.name === a.name) ?? [];
    return { entry: withPredictedGroups(entry ? [entry] : [], predicted)[0] };
  },
  plan(a, cur) {
    const p = planGroup(a, cur);
    const result: Record<string, unknown> = { name: a.name, state: a.state };
    if (a.state === 'present') {
      result.system = a.system;
      // a group an earlier check-mode task would create has no number yet
      if (p.gid !== undefined && !Number.isNaN(p.gid)) result.gid = p.gid;
    }
    const effect = a.state === 'present' ? { name: a.name, present: true, ...(a.gid !== undefined ? { gid: a.gid } : {}) } : { name: a.name, present: false };
    return { changed: p.changed, result, data: p, groups: [effect] };
  },
  async apply(ctx, a, plan) {
    const cmd = plan.data!.command!;
    const r = await ctx.run(`${argv(cmd)} && { getent group ${quote(a.name)} || true; }`);
    if (r.rc !== 0) return { failed: true, msg: r.stderr.trim() || `${cmd[0]} exited ${r.rc}`, rc: r.rc };
    const entry = parseGroupLine(r.stdout.split('\n')[0] ?? '');
    return entry && a.state === 'present' ? { gid: entry.gid } : {};
  },
});
