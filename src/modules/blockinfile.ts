import { z } from 'zod';
import { ansibleBool, modeArg, ownerArg, withAliases } from './lib/arg-types.js';
import { DEFAULT_MARKER, editBlockinfile } from './lib/blockinfile-edit.js';
import { applyTextFile, inspectTextFile, mutuallyExclusive, planTextFile, textArg, type TextFileState, type TextWrite } from './lib/text-file-module.js';
import { defineModule } from './types.js';

const fields = z
  .object({
    path: z.string().min(1),
    state: z.enum(['present', 'absent']).default('present'),
    block: textArg.default(''),
    marker: textArg.default(DEFAULT_MARKER),
    marker_begin: textArg.default('BEGIN'),
    marker_end: textArg.default('END'),
    insertafter: textArg.optional(),
    insertbefore: textArg.optional(),
    create: ansibleBool.default(false),
    backup: ansibleBool.default(false),
    append_newline: ansibleBool.default(false),
    prepend_newline: ansibleBool.default(false),
    validate: z.string().optional(),
    mode: modeArg().optional(),
    owner: ownerArg.optional(),
    group: ownerArg.optional(),
  })
  .strict();

export type BlockinfileArgs = z.infer<typeof fields>;

const args = withAliases(
  { dest: 'path', destfile: 'path', name: 'path', content: 'block' },
  fields.superRefine(mutuallyExclusive<BlockinfileArgs>([['insertbefore', 'insertafter']])),
);

/** Inserts, updates or removes a block of lines between marker lines. */
export default defineModule<BlockinfileArgs, TextFileState, TextWrite>({
  name: 'blockinfile',
  args,
  inspect: (ctx, a) => inspectTextFile(ctx, a.path),
  plan(a, current, pctx) {
    return planTextFile(a, current, (content) => editBlockinfile(content, a), pctx, { diffHeader: `${a.path} (content)` });
  },
  apply: (ctx, _a, plan) => applyTextFile(ctx, plan.data!),
});
