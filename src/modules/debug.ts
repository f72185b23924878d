import { z } from 'zod';
import { evaluate, parseExpression } from '../vars/condition/index.js';
import { defineModule } from './types.js';

const args = z
  .object({
    msg: z.unknown().optional(),
    var: z.string().optional(),
    verbosity: z.number().int().min(0).default(0),
  })
  .strict()
  .refine((a) => a.msg === undefined || a.var === undefined, { message: "'msg' and 'var' are mutually exclusive" });

/** Prints a message or a variable (an expression, as in Ansible: `var: result.stdout_lines`). */
export default defineModule({
  name: 'debug',
  args,
  run(ctx, a) {
    if (a.var !== undefined) {
      let value: unknown;
      try {
        value = evaluate(parseExpression(a.var), ctx.vars);
      } catch {
        value = 'VARIABLE IS NOT DEFINED!';
      }
      return { changed: false, [a.var]: value, verbosity: a.verbosity };
    }
    return { changed: false, msg: a.msg ?? 'Hello world!', verbosity: a.verbosity };
  },
});
