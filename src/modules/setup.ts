import { z } from 'zod';
import { ansibleBool } from './lib/arg-types.js';
import { gatherFacts } from '../facts/gather.js';
import { filterFacts, resolveSubset, SubsetError } from '../facts/subset.js';
import type { Vars } from '../vars/types.js';
import { defineModule } from './types.js';

/** a string or a list of strings; a comma-separated string is a list, as Ansible's `type: list` */
const stringList = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v),
  z.array(z.string()),
);

const args = z
  .object({
    gather_subset: stringList.default(['all']),
    gather_timeout: z.coerce.number().int().positive().default(10),
    filter: stringList.default([]),
    // accepted for compatibility: local facts (facts.d) are not gathered
    fact_path: z.string().default('/etc/ansible/facts.d'),
  })
  .strict();

export type SetupArgs = z.infer<typeof args>;

interface Gathered {
  facts?: Vars;
  error?: string;
}

/**
 * Gathers the host's facts in one round trip (a POSIX sh script on stdin) and returns them as
 * `ansible_facts`, which the executor merges into the host's facts. Read-only: runs in check mode too.
 */
const setup = defineModule<SetupArgs, Gathered, never>({
  name: 'setup',
  args,
  async inspect(ctx, a) {
    let collectors;
    try {
      collectors = resolveSubset(a.gather_subset);
    } catch (e) {
      if (e instanceof SubsetError) return { error: e.message };
      throw e;
    }
    return { facts: await gatherFacts((cmd, o) => ctx.run(cmd, o), collectors, a.gather_timeout) };
  },
  plan(a, g) {
    if (g.error !== undefined || !g.facts) return { changed: false, failed: true, msg: g.error };
    // as Ansible, the filter applies to the meta facts (gather_subset, module_setup) too
    const facts = filterFacts({ ...g.facts, gather_subset: a.gather_subset, module_setup: true }, a.filter);
    return { changed: false, result: { ansible_facts: facts } };
  },
});

export default setup;

/**
 * `gather_facts` as a task (Ansible's action of that name): setup under another name. `parallel`
 * is accepted; there is only one fact module to run.
 */
const gatherArgs = args.extend({ parallel: ansibleBool.optional() }).strict();

export const gatherFactsModule = defineModule<z.infer<typeof gatherArgs>, Gathered, never>({
  name: 'gather_facts',
  args: gatherArgs,
  inspect: (ctx, a) => setup.inspect!(ctx, a),
  plan: (a, g, pc) => setup.plan!(a, g, pc),
});
