import { z } from 'zod';
import { ansibleBool, withAliases } from './lib/arg-types.js';
import { parseSysvInspect, planSysv, sysvInspectCommand, type SysvPlanData, type SysvWanted } from './lib/service-sysv.js';
import { shlexSplit } from './lib/shlex.js';
import { runSystemd } from './systemd.js';
import { defineModule, type ModuleContext, type ModuleResult, type Plan } from './types.js';

const args = withAliases(
  { args: 'arguments' },
  z
    .object({
      name: z.string().min(1),
      state: z.enum(['started', 'stopped', 'reloaded', 'restarted']).optional(),
      sleep: z.coerce.number().int().nonnegative().optional(),
      pattern: z.string().optional(),
      enabled: ansibleBool.optional(),
      runlevel: z.string().default('default'),
      arguments: z.string().default(''),
      use: z.string().default('auto'),
    })
    .strict()
    .refine((a) => a.state !== undefined || a.enabled !== undefined, { message: 'one of the following is required: state, enabled' }),
);

export type ServiceArgs = z.infer<typeof args>;

/** Arguments the systemd module has no use for (Ansible's service action drops them with a warning). */
const UNUSED_ON_SYSTEMD = ['pattern', 'runlevel', 'sleep', 'arguments'] as const;

/**
 * ansible.builtin.service: the host's service manager decides. `use: auto` takes the
 * ansible_service_mgr fact, or (without facts) asks the host whether systemd is its init; systemd
 * hosts get the systemd module's logic, the others SysV init scripts (service, update-rc.d,
 * chkconfig).
 */
export default defineModule<ServiceArgs, never, never>({
  name: 'service',
  args,
  checkMode: 'run',
  async run(ctx, a) {
    const manager = a.use !== 'auto' ? a.use : await serviceManager(ctx);
    if (manager === 'systemd') {
      const ignored = UNUSED_ON_SYSTEMD.filter((k) => (k === 'runlevel' ? a.runlevel !== 'default' : k === 'arguments' ? a.arguments !== '' : a[k] !== undefined));
      const r = await runSystemd(ctx, { name: a.name, state: a.state, enabled: a.enabled, daemon_reload: false, daemon_reexec: false, scope: 'system', no_block: false });
      return ignored.length ? { ...r, warnings: ignored.map((k) => `Ignoring "${k}" as it is not used in "systemd"`) } : r;
    }
    if (manager !== 'sysvinit' && manager !== 'service') {
      return { changed: false, failed: true, msg: `tsplay's service module supports systemd and SysV init hosts, not "${manager}"` };
    }
    return runSysv(ctx, { name: a.name, state: a.state, enabled: a.enabled, pattern: a.pattern, sleep: a.sleep, arguments: shlexSplit(a.arguments) });
  },
});

/** The fact if gathered, else what the host's init is (the same canaries as Ansible's fact). */
async function serviceManager(ctx: ModuleContext): Promise<string> {
  const fact = ctx.vars.ansible_service_mgr;
  if (typeof fact === 'string' && fact !== '' && fact !== 'auto') return fact;
  const r = await ctx.run(
    'if [ -d /run/systemd/system ] || [ -d /dev/.run/systemd ] || [ -d /dev/.systemd ] || grep -q systemd /proc/1/comm 2>/dev/null; then echo systemd; else echo sysvinit; fi',
  );
  return r.stdout.trim() || 'sysvinit';
}

async function runSysv(ctx: ModuleContext, w: SysvWanted): Promise<ModuleResult> {
  const r = await ctx.run(sysvInspectCommand(w));
  const plan = planSysv(w, parseSysvInspect(r.stdout));
  const base: ModuleResult = { changed: plan.changed, ...plan.result };
  if (plan.failed) return { ...base, changed: false, failed: true, msg: plan.msg };
  if (!plan.changed || ctx.check) return base;
  const failure = await applySysv(ctx, plan);
  return failure ? { ...base, failed: true, msg: failure } : base;
}

async function applySysv(ctx: ModuleContext, plan: Plan<SysvPlanData>): Promise<string | undefined> {
  for (const step of plan.data!.steps) {
    if ('sleep' in step) {
      await new Promise((resolve) => setTimeout(resolve, step.sleep * 1000));
      continue;
    }
    // init scripts start daemons that may keep the session's stdin open: give them none
    const r = await ctx.run(step.argv, { stdin: '' });
    if (r.rc === 0 || step.onError === 'ignore') continue;
    if (step.onError === 'chkconfig') {
      const [, name, action] = step.argv;
      return r.stderr ? `Error when trying to ${action} ${name}: rc=${r.rc} ${r.stderr}` : `Failure for ${action} ${name}: rc=${r.rc} ${r.stdout}`;
    }
    return r.stderr || r.stdout;
  }
  return undefined;
}
