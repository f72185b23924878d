import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';

/**
 * The module contract in one place: controller modules `run`; the others inspect the host, plan
 * purely, and then either record the planned effects (check mode) or apply them.
 */
export async function executeModule(def: ModuleDef, ctx: ModuleContext, args: unknown, now = new Date()): Promise<ModuleResult> {
  if (def.run) return def.run(ctx, args);
  const current = await def.inspect!(ctx, args);
  const plan = def.plan!(args, current, { diff: ctx.diff, now });
  const base: ModuleResult = { changed: plan.changed, ...plan.result };
  if (ctx.diff && plan.diff?.length) base.diff = plan.diff;
  if (plan.failed) return { ...base, changed: false, failed: true, msg: plan.msg };
  if (plan.msg) base.msg = plan.msg;
  if (!plan.changed) return base;
  if (ctx.check) {
    // later tasks on this host see what this one would have done
    for (const effect of plan.effects ?? []) ctx.fs.overlay?.record(effect);
    for (const effect of plan.groups ?? []) ctx.fs.overlay?.recordGroup(effect);
    return base;
  }
  const applied = await def.apply!(ctx, args, plan);
  return { ...base, ...(applied ?? {}) };
}
