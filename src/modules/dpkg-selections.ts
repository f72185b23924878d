import { z } from 'zod';
import { argv } from '../connection/quote.js';
import { defineModule } from './types.js';

const args = z
  .object({
    name: z.string().min(1),
    selection: z.enum(['install', 'hold', 'deinstall', 'purge']),
  })
  .strict();

export type DpkgSelectionsArgs = z.infer<typeof args>;

/** dpkg's selection for the package: a word, `not present` (dpkg never heard of it), or unknown. */
export interface SelectionState {
  current: string;
  /** dpkg-query said "no packages found matching" */
  unknown: boolean;
}

/** `dpkg --get-selections NAME` output -> the current selection (Ansible's parsing). */
export function parseSelections(stdout: string, stderr: string): SelectionState {
  if (/no packages found matching/.test(stderr)) return { current: 'not present', unknown: true };
  const words = stdout.trim().split(/\s+/);
  return { current: words.length >= 2 ? words[1] : 'not present', unknown: false };
}

/**
 * Sets a package's dpkg selection: `hold` is how apt users pin a version (apt-mark hold), `install`
 * releases it. One round trip to read, one to write.
 */
export default defineModule<DpkgSelectionsArgs, SelectionState, string>({
  name: 'dpkg_selections',
  args,
  async inspect(ctx, a) {
    const r = await ctx.run(argv(['dpkg', '--get-selections', a.name]), { env: { LC_ALL: 'C' } });
    if (r.rc !== 0 && !/no packages found matching/.test(r.stderr)) throw new Error(`dpkg --get-selections failed: ${r.stderr.trim()}`);
    return parseSelections(r.stdout, r.stderr);
  },
  plan(a, s, pctx) {
    const result = { before: s.current, after: a.selection };
    if (s.unknown) return { changed: false, failed: true, msg: `Failed to find package '${a.name}' to perform selection '${a.selection}'.`, result };
    const changed = s.current !== a.selection;
    const diff = pctx.diff && changed ? [{ before: `${a.name}\t${s.current}\n`, after: `${a.name}\t${a.selection}\n`, beforeHeader: 'dpkg selection (before)', afterHeader: 'dpkg selection (after)' }] : undefined;
    return { changed, result, diff, data: `${a.name} ${a.selection}\n` };
  },
  async apply(ctx, _a, plan) {
    const r = await ctx.run(argv(['dpkg', '--set-selections']), { stdin: plan.data! });
    if (r.rc !== 0) return { changed: false, failed: true, rc: r.rc, msg: `dpkg --set-selections failed: ${r.stderr.trim()}`, stderr: r.stderr };
    return {};
  },
});
