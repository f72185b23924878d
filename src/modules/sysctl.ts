import { z } from 'zod';
import { argv } from '../connection/quote.js';
import { ansibleBool, modeArg, ownerArg, withAliases } from './lib/arg-types.js';
import { parseSysctlValue, rewriteSysctlFile, sysctlFileValues, sysctlValuesEqual } from './lib/sysctl-edit.js';
import { applySystemChange, planFile, systemPlan, type HostCommand, type SystemChange } from './lib/system-change.js';
import { fileText, readHost, type HostRead } from './lib/system-inspect.js';
import { defineModule } from './types.js';

const fields = z
  .object({
    name: z.string().trim().min(1, 'name cannot be blank'),
    value: z.union([z.string(), z.number(), z.boolean()]).optional(),
    state: z.enum(['present', 'absent']).default('present'),
    reload: ansibleBool.default(true),
    sysctl_set: ansibleBool.default(false),
    ignoreerrors: ansibleBool.default(false),
    sysctl_file: z.string().min(1).default('/etc/sysctl.conf'),
    mode: modeArg().optional(),
    owner: ownerArg.optional(),
    group: ownerArg.optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.state === 'present' && a.value === undefined) ctx.addIssue({ code: 'custom', message: 'value cannot be None' });
    if (a.state === 'present' && typeof a.value === 'string' && a.value.trim() === '') ctx.addIssue({ code: 'custom', message: 'value cannot be blank' });
  });

export type SysctlArgs = z.infer<typeof fields>;

/** What inspect reads: the sysctl file, and the value the kernel runs with (undefined: unknown key). */
export interface SysctlState extends Pick<HostRead, 'files' | 'umask' | 'user'> {
  running: string | undefined;
}

/** sysctl fails some settings with exit status 0 (Red Hat bug 1264080): Ansible's pattern. */
const SYSCTL_ERRORS = /^sysctl: setting key "[^"]+": (Invalid argument|Read-only file system)$/m;

/**
 * ansible.posix.sysctl: the key's line in sysctl_file, and the running value. Differs from Ansible
 * in two places: the reload runs only when the kernel's value differs from the desired one (Ansible
 * also reloads whenever the file changed), and ignoreerrors turns a failed reload or set into a
 * warning (procps' -e only ignores unknown keys, so a read-only /proc/sys would fail anyway).
 */
export default defineModule<SysctlArgs, SysctlState, SystemChange>({
  name: 'sysctl',
  args: withAliases({ key: 'name', val: 'value' }, fields),
  async inspect(ctx, a) {
    const read = await readHost(ctx, { files: [a.sysctl_file], commands: { running: argv(['sysctl', '-n', a.name]) } });
    const r = read.commands.running;
    return { files: read.files, umask: read.umask, user: read.user, running: r.rc === 0 ? r.stdout.replace(/\n$/, '') : undefined };
  },
  plan(a, current, pctx) {
    const present = a.state === 'present';
    const value = parseSysctlValue(a.value);
    const before = fileText(current, a.sysctl_file);
    const inFile = sysctlFileValues(before).get(a.name);
    const fileChanges = present ? inFile !== value : inFile !== undefined;
    const after = fileChanges ? rewriteSysctlFile(before, a.name, present ? value : undefined) : (before ?? '');
    const file = planFile(current, a.sysctl_file, after, pctx, { mode: a.mode, owner: a.owner, group: a.group });
    const kernelDiffers = present && !sysctlValuesEqual(current.running, value);
    const ignore = a.ignoreerrors ? ['-e'] : [];
    const commands: HostCommand[] = [];
    // like Ansible, -w needs a readable running value to compare with; the reload covers unknown keys
    if (a.sysctl_set && kernelDiffers && current.running !== undefined) {
      commands.push({ argv: ['sysctl', ...ignore, '-w', `${a.name}=${value}`], what: `setting ${a.name} failed`, failOn: SYSCTL_ERRORS, tolerate: a.ignoreerrors });
    }
    if (a.reload && kernelDiffers) {
      commands.push({ argv: ['sysctl', ...ignore, '-p', a.sysctl_file], what: 'Failed to reload sysctl', failOn: SYSCTL_ERRORS, tolerate: a.ignoreerrors });
    }
    return systemPlan([file], commands, {});
  },
  apply: (ctx, _a, plan) => applySystemChange(ctx, plan.data!),
});
