import { z } from 'zod';
import { argv } from '../connection/quote.js';
import { commandOptionFields, runCommand } from './lib/run-command.js';
import { shlexSplit } from './lib/shlex.js';
import { defineModule } from './types.js';

const args = z
  .object({
    cmd: z.string().optional(),
    argv: z.array(z.coerce.string()).optional(),
    ...commandOptionFields,
    expand_argument_vars: z.boolean().default(true),
  })
  .strict()
  .refine((a) => (a.cmd === undefined) !== (a.argv === undefined), { message: 'give exactly one of cmd (or the free-form command) and argv' });

/** Runs a program without a shell: the free-form line is split like shlex, each word quoted. */
export default defineModule({
  name: 'command',
  args,
  freeForm: 'cmd',
  checkMode: 'run',
  run(ctx, a) {
    const words = a.argv ?? shlexSplit(a.cmd!);
    if (words.length === 0) return { changed: false, failed: true, msg: 'no command given' };
    return runCommand(ctx, a, argv(words), a.cmd ?? words);
  },
});
