import { z } from 'zod';
import { ansibleBool, modeArg, ownerArg } from './lib/arg-types.js';
import { contentSource, hostSource, localSource, type SourceTree } from './lib/copy-source.js';
import { applyTree, inspectTree, planTree, type TreeData, type TreeInspect, type TreeOptions } from './lib/copy-tree.js';
import { normalizeMode } from './lib/file-state.js';
import { checkValidate } from './lib/validate-command.js';
import { defineModule, type ModuleContext } from './types.js';

const args = z
  .object({
    src: z.string().min(1).optional(),
    // Ansible turns a dict or list into JSON text; scalars become their string form
    content: z.union([z.string(), z.number(), z.boolean(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
    dest: z.string().min(1),
    mode: modeArg({ preserve: true }).optional(),
    owner: ownerArg.optional(),
    group: ownerArg.optional(),
    backup: ansibleBool.default(false),
    force: ansibleBool.default(true),
    directory_mode: modeArg().optional(),
    remote_src: ansibleBool.default(false),
    local_follow: ansibleBool.default(true),
    follow: ansibleBool.default(false),
    validate: z.string().optional(),
    /** expected sha1 of the source */
    checksum: z.string().regex(/^[0-9a-f]{40}$/i).optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (a.src === undefined && a.content === undefined) fail('src (or content) is required');
    if (a.src !== undefined && a.content !== undefined) fail('src and content are mutually exclusive');
    if (a.content !== undefined && a.dest.endsWith('/')) fail('can not use content with a dir as dest');
    if (a.remote_src && a.src === undefined) fail('remote_src needs src');
    if (a.validate !== undefined && checkValidate(a.validate)) fail(checkValidate(a.validate)!);
  });

export type CopyArgs = z.infer<typeof args>;

/** Copies a file (or a tree) to the host: from the controller, from `content`, or within the host. */
export default defineModule<CopyArgs, TreeInspect, TreeData>({
  name: 'copy',
  args,
  async inspect(ctx, a) {
    const source = await loadSource(ctx, a);
    if ('error' in source) return { error: source.error };
    return inspectTree(ctx, source, treeOptions(a));
  },
  plan(a, current, pctx) {
    return planTree(current, treeOptions(a), pctx);
  },
  apply(ctx, _a, plan) {
    return applyTree(ctx, plan.data!);
  },
});

function treeOptions(a: CopyArgs): TreeOptions {
  return {
    dest: a.dest,
    mode: a.mode === 'preserve' ? 'preserve' : normalizeMode(a.mode),
    directoryMode: normalizeMode(a.directory_mode),
    owner: a.owner,
    group: a.group,
    backup: a.backup,
    force: a.force,
    follow: a.follow,
    validate: a.validate,
    remoteSrc: a.remote_src,
    expectedChecksum: a.checksum?.toLowerCase(),
    fromContent: a.content !== undefined,
  };
}

async function loadSource(ctx: ModuleContext, a: CopyArgs): Promise<SourceTree | { error: string }> {
  if (a.content !== undefined) return contentSource(contentText(a.content));
  const src = a.src!;
  if (a.remote_src) return hostSource(ctx, src, ctx.check || ctx.diff);
  let local: string;
  try {
    local = src.startsWith('/') ? src : ctx.findLocal('files', src);
  } catch (e) {
    return { error: (e as Error).message };
  }
  try {
    return localSource(local, src.endsWith('/'), a.local_follow);
  } catch (e) {
    return { error: `could not find src=${local}, ${(e as Error).message}` };
  }
}

/** Ansible's str() of content: dicts and lists as Python's json.dumps writes them. */
export function contentText(content: NonNullable<CopyArgs['content']>): string {
  if (typeof content === 'string') return content;
  if (typeof content === 'number') return String(content);
  if (typeof content === 'boolean') return content ? 'True' : 'False';
  return pythonJson(content);
}

/** json.dumps with its defaults: ", " and ": " separators, non-ASCII escaped. */
export function pythonJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(pythonJson).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pythonJson(k)}: ${pythonJson(x)}`).join(', ')}}`;
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  return JSON.stringify(v);
}
