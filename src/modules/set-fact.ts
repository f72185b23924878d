import { z } from 'zod';
import { defineModule } from './types.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

const args = z
  .record(z.string(), z.unknown())
  .superRefine((a, zc) => {
    for (const k of Object.keys(a)) {
      if (k !== 'cacheable' && !IDENT.test(k)) zc.addIssue({ code: 'custom', path: [k], message: `'${k}' is not a valid variable name` });
    }
  });

/** Sets host variables (values were rendered by the executor, so they keep their types). */
export default defineModule({
  name: 'set_fact',
  args,
  run(_ctx, a) {
    const facts = Object.fromEntries(Object.entries(a).filter(([k]) => k !== 'cacheable'));
    return { changed: false, facts, ansible_facts: facts };
  },
});
