import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { errorMessage } from '../errors.js';
import { ansibleBool, modeArg, ownerArg } from './lib/arg-types.js';
import type { SourceTree } from './lib/copy-source.js';
import { applyTree, inspectTree, planTree, type TreeData, type TreeInspect, type TreeOptions } from './lib/copy-tree.js';
import { normalizeMode } from './lib/file-state.js';
import { checkValidate } from './lib/validate-command.js';
import { defineModule, type ModuleContext } from './types.js';

/** Ansible accepts the escaped spellings too ("\\n" written in YAML single quotes). */
const NEWLINES: Record<string, string> = { '\n': '\n', '\r': '\r', '\r\n': '\r\n', '\\n': '\n', '\\r': '\r', '\\r\\n': '\r\n' };

const args = z
  .object({
    src: z.string().min(1),
    dest: z.string().min(1),
    mode: modeArg({ preserve: true }).optional(),
    owner: ownerArg.optional(),
    group: ownerArg.optional(),
    backup: ansibleBool.default(false),
    force: ansibleBool.default(true),
    follow: ansibleBool.default(false),
    validate: z.string().optional(),
    newline_sequence: z.string().refine((s) => s in NEWLINES, { message: 'newline_sequence needs to be one of: \\n, \\r or \\r\\n' }).default('\n'),
    output_encoding: z.string().refine((s) => /^utf-?8$/i.test(s), { message: 'only utf-8 output is supported' }).optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    const problem = a.validate !== undefined ? checkValidate(a.validate) : undefined;
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export type TemplateArgs = z.infer<typeof args>;

/**
 * Renders a controller-side template with the task's variables and puts the result in place,
 * exactly as copy does with content (same comparison, diff, write and validation code).
 */
export default defineModule<TemplateArgs, TreeInspect, TreeData>({
  name: 'template',
  args,
  async inspect(ctx, a) {
    const source = renderSource(ctx, a);
    if ('error' in source) return source;
    return inspectTree(ctx, source, treeOptions(a));
  },
  plan(a, current, pctx) {
    return planTree(current, treeOptions(a), pctx);
  },
  apply(ctx, _a, plan) {
    return applyTree(ctx, plan.data!);
  },
});

function treeOptions(a: TemplateArgs): TreeOptions {
  return {
    dest: a.dest,
    mode: a.mode === 'preserve' ? 'preserve' : normalizeMode(a.mode),
    owner: a.owner,
    group: a.group,
    backup: a.backup,
    force: a.force,
    follow: a.follow,
    validate: a.validate,
  };
}

/** The rendered template as a one-file source (named like the template, for a directory dest). */
function renderSource(ctx: ModuleContext, a: TemplateArgs): SourceTree | { error: string } {
  let path: string;
  let text: string;
  try {
    path = a.src.startsWith('/') ? a.src : ctx.findLocal('templates', a.src);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { error: (e as Error).message };
  }
  // Jinja writes the template's own line breaks as newline_sequence; values are left alone
  const newline = NEWLINES[a.newline_sequence];
  const source = text.replace(/\r\n|\r|\n/g, newline);
  let rendered: string;
  try {
    rendered = ctx.render(source);
  } catch (e) {
    return { error: `could not render ${path}: ${errorMessage(e)}` };
  }
  const mode = (statSync(path).mode & 0o7777).toString(8).padStart(4, '0');
  return { isDir: false, label: path, files: [{ rel: basename(path), payload: { kind: 'bytes', content: Buffer.from(rendered), label: path }, mode }], dirs: [], links: [] };
}
