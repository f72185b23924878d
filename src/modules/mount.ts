import { z } from 'zod';
import { argv } from '../connection/quote.js';
import { ansibleBool, withAliases } from './lib/arg-types.js';
import { parseMountinfo, setFstabEntry, unsetFstabEntry, type MountedFs } from './lib/fstab-edit.js';
import { applySystemChange, planFile, systemPlan, type FilePart, type HostCommand, type SystemChange } from './lib/system-change.js';
import { fileText, readHost, type HostRead } from './lib/system-inspect.js';
import { applyTextFile, textArg, type TextWrite } from './lib/text-file-module.js';
import { defineModule, type ModuleResult } from './types.js';

const STATES = ['absent', 'absent_from_fstab', 'absent_mount', 'mounted', 'present', 'unmounted', 'remounted', 'ephemeral'] as const;

const fields = z
  .object({
    path: z.string().min(1),
    src: z.string().min(1).optional(),
    fstype: z.string().min(1).optional(),
    opts: z.string().min(1).optional(),
    opts_no_log: ansibleBool.default(false),
    dump: textArg.default('0'),
    passno: textArg.default('0'),
    state: z.enum(STATES),
    fstab: z.string().min(1).optional(),
    backup: ansibleBool.default(false),
    boot: ansibleBool.default(true),
  })
  .strict()
  .superRefine((a, ctx) => {
    for (const s of ['mounted', 'present', 'ephemeral'] as const) {
      if (a.state === s && (a.src === undefined || a.fstype === undefined)) ctx.addIssue({ code: 'custom', message: `state is ${s} but all of the following are missing: ${['src', 'fstype'].filter((k) => a[k as 'src' | 'fstype'] === undefined).join(', ')}` });
    }
  });

export type MountArgs = z.infer<typeof fields>;

export interface MountState extends Pick<HostRead, 'files' | 'umask' | 'user'> {
  mounts: Map<string, MountedFs>;
  pathExists: boolean;
}

export interface MountChange extends SystemChange {
  /** fstab as it was: put back when mounting fails (Ansible's fix for ansible/ansible#59183) */
  restore?: TextWrite;
  createdDir?: string;
}

const REMOUNT_WITH_OPTS_FAILED =
  'Options were specified with remounted, but the remount command failed. Failing in order to prevent an unexpected mount result. ' +
  'Try replacing this command with a "state: unmounted" followed by a "state: mounted" using the full desired mount options instead.';

/** ansible.posix.mount on Linux: fstab lines (present/absent_from_fstab) and the mount itself. */
export default defineModule<MountArgs, MountState, MountChange>({
  name: 'mount',
  args: withAliases({ name: 'path' }, fields),
  async inspect(ctx, a) {
    const fstab = a.fstab ?? '/etc/fstab';
    const read = await readHost(ctx, { files: [fstab], commands: { mountinfo: 'cat /proc/self/mountinfo', exists: `[ -e ${argv([a.path])} ]` } });
    return { files: read.files, umask: read.umask, user: read.user, mounts: parseMountinfo(read.commands.mountinfo.stdout), pathExists: read.commands.exists.rc === 0 };
  },
  plan(a, current, pctx) {
    const fstab = a.fstab ?? '/etc/fstab';
    let opts = a.opts ?? 'defaults';
    if (!a.boot && !opts.split(',').includes('noauto')) opts = `${opts},noauto`;
    const entry = { src: a.src ?? '', path: a.path, fstype: a.fstype ?? '', opts, dump: a.dump, passno: a.passno };
    const result: Record<string, unknown> = { name: a.path, src: a.src, fstype: a.fstype, opts: a.opts_no_log ? '********' : opts, dump: a.dump, passno: a.passno, fstab, boot: a.boot ? 'yes' : 'no' };
    const warnings = a.boot && (a.opts ?? '').split(',').includes('noauto') ? ["Ignore the 'boot' due to 'opts' contains 'noauto'."] : [];
    if (warnings.length) result.warnings = warnings;
    const before = a.state === 'ephemeral' ? '' : (fileText(current, fstab) ?? '');
    const mounted = current.mounts.has(a.path);
    const fstabArgs = fstab !== '/etc/fstab' ? ['-T', fstab] : [];
    const mountCmd: HostCommand = a.state === 'ephemeral'
      ? { argv: ['mount', '-t', a.fstype!, ...(opts !== 'defaults' ? ['-o', opts] : []), a.src!, a.path], what: `Error mounting ${a.path}` }
      : { argv: ['mount', ...fstabArgs, a.path], what: `Error mounting ${a.path}` };
    const umountCmd: HostCommand = { argv: ['umount', a.path], what: `Error unmounting ${a.path}` };
    const remount = (withOpts: boolean): HostCommand => ({
      argv: ['mount', '-o', withOpts && opts !== 'defaults' ? `remount,${opts}` : 'remount', ...(a.state === 'ephemeral' ? ['-t', a.fstype!, a.src!] : fstabArgs), a.path],
      what: withOpts && opts !== 'defaults' ? REMOUNT_WITH_OPTS_FAILED : `Error remounting ${a.path}`,
      orElse: withOpts && opts !== 'defaults' ? undefined : [umountCmd, mountCmd],
    });
    const parts: FilePart[] = [];
    const commands: HostCommand[] = [];
    const data: Partial<MountChange> = {};
    const fstabPart = (text: string) => planFile(current, fstab, text, pctx, { backup: a.backup });

    switch (a.state) {
      case 'present':
      case 'absent_from_fstab':
      case 'absent':
      case 'absent_mount': {
        const edit = a.state === 'present' ? setFstabEntry(before, entry) : unsetFstabEntry(before, { path: a.path, src: a.src });
        if (!edit.changed) break;
        parts.push(fstabPart(edit.text));
        if (a.state === 'absent' || a.state === 'absent_mount') {
          if (mounted) commands.push(umountCmd);
          if (a.state === 'absent' && current.pathExists) commands.push({ argv: ['rmdir', a.path], what: `Error rmdir ${a.path}`, effect: { path: a.path, kind: 'absent' } });
        }
        break;
      }
      case 'unmounted':
        if (mounted) commands.push(umountCmd);
        break;
      case 'remounted':
        commands.push(remount(true));
        break;
      case 'mounted':
      case 'ephemeral': {
        if (!current.pathExists) {
          commands.push({ argv: ['mkdir', '-p', a.path], what: `Error making dir ${a.path}`, effect: { path: a.path, kind: 'directory' } });
          data.createdDir = a.path;
        }
        const edit = a.state === 'mounted' ? setFstabEntry(before, entry) : { text: before, changed: false };
        if (edit.changed) {
          parts.push(fstabPart(edit.text));
          data.restore = { path: fstab, content: Buffer.from(before), creating: !current.files[fstab]?.exists, backup: false };
        }
        if (mounted && a.state === 'ephemeral' && current.mounts.get(a.path)!.src !== a.src) {
          return { changed: false, failed: true, msg: 'Ephemeral mount point is already mounted with a different source than the specified one. Failing in order to prevent an unwanted unmount or override operation. Try replacing this command with a "state: unmounted" followed by a "state: ephemeral", or use a different destination path.', result };
        }
        if (!mounted) commands.push(mountCmd);
        else if (edit.changed || a.state === 'ephemeral') commands.push(remount(false));
        break;
      }
    }
    const plan = systemPlan(parts, commands, result);
    return plan.data ? { ...plan, data: { ...plan.data, ...data } } : plan;
  },
  async apply(ctx, _a, plan) {
    const change = plan.data!;
    const r: Partial<ModuleResult> = await applySystemChange(ctx, change);
    if (!r.failed) return r;
    // a fstab entry that does not mount may break the next boot: put the old fstab back
    if (change.restore && change.writes.length) await applyTextFile(ctx, change.restore).catch(() => undefined);
    if (change.createdDir) await ctx.run(argv(['rmdir', change.createdDir]));
    return r;
  },
});
