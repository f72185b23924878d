import { z } from 'zod';
import { ansibleBool, modeArg, ownerArg, withAliases } from './lib/arg-types.js';
import { editReplace } from './lib/replace-edit.js';
import { applyTextFile, inspectTextFile, planTextFile, textArg, type TextFileState, type TextWrite } from './lib/text-file-module.js';
import { defineModule } from './types.js';

const fields = z
  .object({
    path: z.string().min(1),
    regexp: textArg,
    replace: textArg.default(''),
    after: textArg.optional(),
    before: textArg.optional(),
    backup: ansibleBool.default(false),
    encoding: z.string().default('utf-8'),
    validate: z.string().optional(),
    mode: modeArg().optional(),
    owner: ownerArg.optional(),
    group: ownerArg.optional(),
  })
  .strict();

export type ReplaceArgs = z.infer<typeof fields>;

const args = withAliases({ dest: 'path', destfile: 'path', name: 'path' }, fields);

/** Replaces every match of a regular expression in a file (optionally between `after` and `before`). */
export default defineModule<ReplaceArgs, TextFileState, TextWrite>({
  name: 'replace',
  args,
  inspect: (ctx, a) => inspectTextFile(ctx, a.path),
  plan(a, current, pctx) {
    return planTextFile(a, current, (content) => editReplace(content, a), pctx, { diffHeader: a.path });
  },
  apply: (ctx, _a, plan) => applyTextFile(ctx, plan.data!),
});
