import { z } from 'zod';
import { ansibleBool, withAliases } from './lib/arg-types.js';
import { configValue, runtimeState, setConfigValue, type SelinuxState } from './lib/selinux-config.js';
import { applySystemChange, failedPlan, planFile, systemPlan, type FilePart, type HostCommand, type SystemChange } from './lib/system-change.js';
import { fileText, readHost, type HostRead } from './lib/system-inspect.js';
import { defineModule } from './types.js';

const fields = z
  .object({
    state: z.enum(['enforcing', 'permissive', 'disabled']),
    policy: z.string().min(1).optional(),
    configfile: z.string().min(1).default('/etc/selinux/config'),
    update_kernel_param: ansibleBool.default(false),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.state !== 'disabled' && a.policy === undefined) ctx.addIssue({ code: 'custom', message: "Policy is required if state is not 'disabled'" });
    if (a.update_kernel_param) ctx.addIssue({ code: 'custom', message: 'update_kernel_param is not supported by tsplay (it edits the boot loader with grubby)' });
  });

export type SelinuxArgs = z.infer<typeof fields>;

export interface SelinuxHostState extends Pick<HostRead, 'files' | 'umask' | 'user'> {
  /** /sys/fs/selinux/enforce: undefined when SELinux is not enabled in the running kernel */
  enforce: string | undefined;
}

/**
 * ansible.posix.selinux: SELINUX= and SELINUXTYPE= in the config file for the next boot, and
 * `setenforce` for the running mode when SELinux is enabled. On a host without SELinux and without
 * the config file, state disabled is ok (nothing to do) where Ansible fails for the missing
 * libselinux; enforcing/permissive fail as Ansible's "Unable to find file".
 */
export default defineModule<SelinuxArgs, SelinuxHostState, SystemChange>({
  name: 'selinux',
  args: withAliases({ conf: 'configfile', file: 'configfile' }, fields),
  async inspect(ctx, a) {
    const read = await readHost(ctx, { files: [a.configfile], commands: { enforce: 'cat /sys/fs/selinux/enforce' } });
    const e = read.commands.enforce;
    return { files: read.files, umask: read.umask, user: read.user, enforce: e.rc === 0 ? e.stdout : undefined };
  },
  plan(a, current, pctx) {
    const text = fileText(current, a.configfile);
    const enabled = current.enforce !== undefined;
    const base = { configfile: a.configfile, policy: a.policy, state: a.state };
    if (text === undefined) {
      if (a.state === 'disabled' && !enabled) return systemPlan([], [], { ...base, reboot_required: false, msg: '' });
      return failedPlan(`Unable to find file ${a.configfile}`, { ...base, details: 'Please install SELinux-policy package, if this package is not installed previously.' });
    }
    const msgs: string[] = [];
    const warnings: string[] = [];
    const commands: HostCommand[] = [];
    let rebootRequired = false;
    let after = text;
    const running = runtimeState(current.enforce);
    const configPolicy = configValue(text, 'SELINUXTYPE');
    if (a.policy !== undefined && a.policy !== configPolicy) {
      after = setConfigValue(after, 'SELINUXTYPE', a.policy);
      msgs.push(`Config SELinux policy changed from '${configPolicy}' to '${a.policy}'`);
      rebootRequired = true;
    }
    if (a.state !== running) {
      if (enabled) {
        if (a.state === 'disabled') {
          if (running !== 'permissive') {
            commands.push({ argv: ['setenforce', '0'], what: 'Failed to set SELinux state' });
            warnings.push(`SELinux state temporarily changed from '${running}' to 'permissive'. State change will take effect next reboot.`);
          } else warnings.push('SELinux state change will take effect next reboot');
          rebootRequired = true;
        } else {
          commands.push({ argv: ['setenforce', a.state === 'enforcing' ? '1' : '0'], what: 'Failed to set SELinux state' });
          msgs.push(`SELinux state changed from '${running}' to '${a.state}'`);
        }
      } else {
        warnings.push(`Reboot is required to set SELinux state to '${a.state}'`);
        rebootRequired = true;
      }
    }
    const configState = configValue(text, 'SELINUX');
    if (a.state !== configState) {
      after = setConfigValue(after, 'SELINUX', a.state);
      msgs.push(`Config SELinux state changed from '${configState}' to '${a.state}'`);
    }
    const parts: FilePart[] = after === text ? [] : [planFile(current, a.configfile, after, pctx)];
    const msg = msgs.join(', ');
    return systemPlan(parts, commands, { ...base, reboot_required: rebootRequired, msg, ...(warnings.length ? { warnings } : {}) }, msg || undefined);
  },
  apply: (ctx, _a, plan) => applySystemChange(ctx, plan.data!),
});
