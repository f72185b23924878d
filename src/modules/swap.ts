import { z } from 'zod';
import { commentOutSwap, activeSwaps, fstabSwapSources, uncommentSwap } from './lib/fstab-swap.js';
import { applySystemChange, planFile, systemPlan, type FilePart, type HostCommand, type SystemChange } from './lib/system-change.js';
import { fileText, readHost, type HostRead } from './lib/system-inspect.js';
import { defineModule } from './types.js';

const args = z
  .object({
    state: z.preprocess((v) => (v === 'off' ? 'absent' : v === 'on' ? 'present' : v), z.enum(['absent', 'present'])).default('absent'),
    fstab: z.string().min(1).default('/etc/fstab'),
  })
  .strict();

export type SwapArgs = z.infer<typeof args>;

export interface SwapState extends Pick<HostRead, 'files' | 'umask' | 'user'> {
  /** the swap areas in use (/proc/swaps) */
  active: string[];
}

/**
 * tsplay's own module (Ansible has none; the usual recipe is `command: swapoff -a` plus a
 * `replace` commenting out the swap lines of /etc/fstab). state absent (alias off): `swapoff` each
 * area in use now, and comment out the swap entries of fstab with `# ` so they stay off after a
 * reboot. state present (alias on): uncomment them and `swapon` (`swapon -a` for /etc/fstab).
 * On systemd hosts the fstab-generated swap units follow fstab at the next boot; swap partitions
 * systemd discovers by itself (GPT auto-discovery) are not handled: mask them with the systemd module.
 */
export default defineModule<SwapArgs, SwapState, SystemChange>({
  name: 'swap',
  args,
  async inspect(ctx, a) {
    const read = await readHost(ctx, { files: [a.fstab], commands: { swaps: 'cat /proc/swaps' } });
    const s = read.commands.swaps;
    if (s.rc !== 0) throw new Error('cannot read /proc/swaps');
    return { files: read.files, umask: read.umask, user: read.user, active: activeSwaps(s.stdout) };
  },
  plan(a, current, pctx) {
    const before = fileText(current, a.fstab);
    const commands: HostCommand[] = [];
    const parts: FilePart[] = [];
    if (a.state === 'absent') {
      for (const area of current.active) commands.push({ argv: ['swapoff', area], what: `Failed to turn off swap on ${area}` });
      const edit = before === undefined ? { text: '', changed: false } : commentOutSwap(before);
      if (edit.changed) parts.push(planFile(current, a.fstab, edit.text, pctx));
    } else {
      const edit = before === undefined ? { text: '', changed: false } : uncommentSwap(before);
      if (edit.changed) parts.push(planFile(current, a.fstab, edit.text, pctx));
      const sources = fstabSwapSources(edit.text);
      // fstab's UUID=/LABEL= sources cannot be matched with /proc/swaps' paths without asking the
      // host again: turn swap on when fstab changed, or when no swap is in use at all
      if (sources.length && (edit.changed || current.active.length === 0)) {
        if (a.fstab === '/etc/fstab') commands.push({ argv: ['swapon', '-a'], what: 'Failed to turn on swap' });
        else for (const src of sources) commands.push({ argv: ['swapon', src], what: `Failed to turn on swap on ${src}` });
      }
    }
    return systemPlan(parts, commands, { state: a.state, swaps_before: current.active });
  },
  apply: (ctx, _a, plan) => applySystemChange(ctx, plan.data!),
});
