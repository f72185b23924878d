import { z } from 'zod';
import { argv } from '../connection/quote.js';
import { commandOptionFields, runCommand } from './lib/run-command.js';
import { defineModule } from './types.js';

const args = z
  .object({
    cmd: z.string(),
    ...commandOptionFields,
    executable: z.string().optional(),
  })
  .strict();

/** Runs shell text as written by the user (their pipes, redirections); the interpreter is quoted. */
export default defineModule({
  name: 'shell',
  args,
  freeForm: 'cmd',
  checkMode: 'run',
  run(ctx, a) {
    const script = argv([a.executable ?? '/bin/sh', '-c', a.cmd]);
    return runCommand(ctx, a, script, a.cmd);
  },
});
