import { z } from 'zod';
import { argv } from '../connection/quote.js';
import { ansibleBool, withAliases } from './lib/arg-types.js';
import { missingMessage, planSystemd, type SystemdAction, type SystemdPlanData } from './lib/systemd-plan.js';
import { judgeUnit, parseSystemdInspect, systemctlWords, systemdInspectCommand, XDG_RUNTIME_DEFAULT, type SystemdScope } from './lib/systemd-state.js';
import { defineModule, type ModuleContext, type ModuleResult, type Plan } from './types.js';

const args = withAliases(
  { service: 'name', unit: 'name', 'daemon-reload': 'daemon_reload', 'daemon-reexec': 'daemon_reexec' },
  z
    .object({
      name: z.string().min(1).optional(),
      state: z.enum(['reloaded', 'restarted', 'started', 'stopped']).optional(),
      enabled: ansibleBool.optional(),
      force: ansibleBool.optional(),
      masked: ansibleBool.optional(),
      daemon_reload: ansibleBool.default(false),
      daemon_reexec: ansibleBool.default(false),
      scope: z.enum(['system', 'user', 'global']).default('system'),
      no_block: ansibleBool.default(false),
    })
    .strict()
    .refine((a) => a.state !== undefined || a.enabled !== undefined || a.masked !== undefined || a.daemon_reload || a.daemon_reexec, {
      message: 'one of the following is required: state, enabled, masked, daemon_reload, daemon_reexec',
    })
    .refine((a) => a.name !== undefined || (a.state === undefined && a.enabled === undefined && a.masked === undefined), {
      message: 'missing parameter(s) required by state, enabled, masked: name',
    }),
);

export type SystemdArgs = z.infer<typeof args>;

/**
 * ansible.builtin.systemd_service. Ansible runs daemon-reload before it looks at the unit and never
 * counts it as a change, so this module runs the steps itself (`run`): reload (not in check mode),
 * inspect in one round trip, plan purely (lib/systemd-plan.ts), then apply unless in check mode.
 */
const systemd = defineModule<SystemdArgs, never, never>({
  name: 'systemd',
  args,
  checkMode: 'run',
  run: (ctx, a) => runSystemd(ctx, a),
});
export default systemd;

export async function runSystemd(ctx: ModuleContext, a: SystemdArgs): Promise<ModuleResult> {
  if (a.name !== undefined) {
    const glob = ['*', '?', '['].find((g) => a.name!.includes(g));
    if (glob) return { changed: false, failed: true, msg: `This module does not currently support using glob patterns, found '${glob}' in service name: ${a.name}` };
  }
  const words = systemctlWords(a);
  for (const [wanted, verb] of [[a.daemon_reload, 'daemon-reload'], [a.daemon_reexec, 'daemon-reexec']] as const) {
    if (!wanted || ctx.check) continue;
    const r = await ctx.run(`${XDG_RUNTIME_DEFAULT}; ${argv([...words, verb])}`);
    if (r.rc !== 0) return { changed: false, failed: true, name: a.name ?? null, status: {}, msg: `failure ${r.rc} during ${verb}: ${r.stderr}` };
  }
  let unit;
  if (a.name !== undefined) {
    const r = await ctx.run(systemdInspectCommand(a.name, a.scope));
    const raw = parseSystemdInspect(r.stdout);
    if (!raw.systemctl) return { changed: false, failed: true, name: a.name, status: {}, msg: 'Failed to find required executable "systemctl"' };
    unit = judgeUnit(raw, a.scope);
  }
  const plan = planSystemd(a, unit);
  const base: ModuleResult = { changed: plan.changed, ...plan.result };
  if (plan.failed) return { ...base, changed: false, failed: true, msg: plan.msg };
  if (!plan.changed || ctx.check) return base;
  const failure = await applySystemd(ctx, a.name!, words, plan);
  return failure ? { ...base, failed: true, msg: failure } : base;
}

/** Runs the planned systemctl actions in order; returns Ansible's message for the first failure. */
async function applySystemd(ctx: ModuleContext, name: string, words: string[], plan: Plan<SystemdPlanData>): Promise<string | undefined> {
  for (const action of plan.data!.actions) {
    const r = await ctx.run(`${XDG_RUNTIME_DEFAULT}; ${argv([...words, action.verb, '--', name])}`);
    if (r.rc === 0) continue;
    const problem = failureMessage(action, name, plan.data!.found, r.stdout, r.stderr);
    if (problem) return problem;
  }
  return undefined;
}

function failureMessage(action: SystemdAction, name: string, found: boolean, out: string, err: string): string | undefined {
  switch (action.onError) {
    case 'missing-if-not-found':
      return found ? undefined : missingMessage(name);
    case 'unable-out-err':
      return `Unable to ${action.verb} service ${name}: ${out}${err}`;
    case 'unable-err':
      return `Unable to ${action.verb} service ${name}: ${err}`;
  }
}

/** The same module under Ansible's other name (ansible.builtin.systemd_service). */
export const systemdService = defineModule<SystemdArgs, never, never>({ ...systemd, name: 'systemd_service' });

export type { SystemdScope };
