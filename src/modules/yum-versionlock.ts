import { z } from 'zod';
import { argv } from '../connection/quote.js';
import { commaList } from './lib/rpm-args.js';
import { detectPkgMgr } from './lib/rpm-backend.js';
import { planVersionlock, versionlockCommand, type VersionlockArgs, type VersionlockState } from './lib/rpm-versionlock.js';
import { defineModule } from './types.js';

const args = z
  .object({
    name: commaList.refine((n) => n.length > 0, { message: 'missing required arguments: name' }).refine((n) => n.every((x) => !x.startsWith('-')), { message: 'invalid package name' }),
    state: z.enum(['present', 'absent']).default('present'),
  })
  .strict();

const PLUGIN = { yum: 'yum-plugin-versionlock', dnf: 'python3-dnf-plugin-versionlock' } as const;

/**
 * Holds installed packages at their version (community.general.yum_versionlock) with the
 * versionlock plugin: `dnf versionlock` where dnf is the package manager, `yum versionlock` on EL7.
 */
export default defineModule<VersionlockArgs, VersionlockState, string[]>({
  name: 'yum_versionlock',
  args,
  async inspect(ctx) {
    const backend = (await detectPkgMgr(ctx)) === 'dnf' ? 'dnf' : 'yum';
    const r = await ctx.run(argv(versionlockCommand(backend, 'list')));
    if (r.rc === 1 && /o such command/.test(r.stderr + r.stdout)) throw new Error(`Error: Please install rpm package ${PLUGIN[backend]} : ${r.stderr}${r.stdout}`);
    if (r.rc !== 0) throw new Error(`Error: ${r.stderr}${r.stdout}`);
    return { backend, entries: r.stdout.split(/\s+/).filter(Boolean) };
  },
  plan: (a, st) => planVersionlock(a, st),
  async apply(ctx, _a, plan) {
    const r = await ctx.run(argv(plan.data!));
    if (r.rc !== 0) return { failed: true, changed: false, msg: `Error: ${r.stderr}${r.stdout}`, rc: r.rc };
    return {};
  },
});
