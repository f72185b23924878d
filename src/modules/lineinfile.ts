import { z } from 'zod';
import { ansibleBool, modeArg, ownerArg, withAliases } from './lib/arg-types.js';
import { editLineinfile } from './lib/lineinfile-edit.js';
import { applyTextFile, inspectTextFile, mutuallyExclusive, planTextFile, textArg, type TextFileState, type TextWrite } from './lib/text-file-module.js';
import { defineModule } from './types.js';

const fields = z
  .object({
    path: z.string().min(1),
    state: z.enum(['present', 'absent']).default('present'),
    regexp: textArg.optional(),
    search_string: textArg.optional(),
    line: textArg.optional(),
    insertafter: textArg.optional(),
    insertbefore: textArg.optional(),
    backrefs: ansibleBool.default(false),
    create: ansibleBool.default(false),
    backup: ansibleBool.default(false),
    firstmatch: ansibleBool.default(false),
    validate: z.string().optional(),
    mode: modeArg().optional(),
    owner: ownerArg.optional(),
    group: ownerArg.optional(),
  })
  .strict();

export type LineinfileArgs = z.infer<typeof fields>;

const args = withAliases(
  { dest: 'path', destfile: 'path', name: 'path', regex: 'regexp', value: 'line' },
  fields.superRefine(
    mutuallyExclusive<LineinfileArgs>([
      ['insertbefore', 'insertafter'],
      ['regexp', 'search_string'],
      ['backrefs', 'search_string'],
    ]),
  ),
);

/** Ensures a line is in a file (or not), replacing the line a regexp or a literal string matches. */
export default defineModule<LineinfileArgs, TextFileState, TextWrite>({
  name: 'lineinfile',
  args,
  inspect: (ctx, a) => inspectTextFile(ctx, a.path),
  plan(a, current, pctx) {
    return planTextFile(a, current, (content) => editLineinfile(content, a), pctx, { diffHeader: `${a.path} (content)`, backupKey: 'backup' });
  },
  apply: (ctx, _a, plan) => applyTextFile(ctx, plan.data!),
});
