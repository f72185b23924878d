import { z } from 'zod';
import { evalCondition } from '../vars/condition/index.js';
import { defineModule } from './types.js';

const condition = z.union([z.string(), z.boolean()]);

const args = z
  .object({
    that: z.union([condition, z.array(condition)]),
    fail_msg: z.unknown().optional(),
    msg: z.unknown().optional(),
    success_msg: z.unknown().optional(),
    quiet: z.boolean().default(false),
  })
  .strict();

/** Checks conditions; the first false one fails the host with fail_msg (or the condition itself). */
export default defineModule({
  name: 'assert',
  args,
  run(ctx, a) {
    for (const cond of Array.isArray(a.that) ? a.that : [a.that]) {
      if (!evalCondition(cond, ctx.vars)) {
        return { changed: false, failed: true, evaluated_to: false, assertion: cond, msg: a.fail_msg ?? a.msg ?? 'Assertion failed' };
      }
    }
    return { changed: false, msg: a.success_msg ?? 'All assertions passed' };
  },
});
