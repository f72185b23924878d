import { posix } from 'node:path';
import { z } from 'zod';
import type { FileDiff, FileEffect, ModuleContext, ModuleResult, Plan, PlanContext } from '../types.js';
import { attrChangeFields, attrCommands, defaultMode, desiredAttrs, fieldsDiff, planAttrs, type AttrChange } from './file-attrs.js';
import { ParentDirError, type Probe, type ProbedState } from './remote-fs.js';
import { textDiff } from './text-diff.js';
import type { TextEdit } from './text-edit.js';
import { checkValidate, ValidateFailedError } from './validate-command.js';

/**
 * The module side shared by lineinfile, blockinfile and replace: read the file in one round trip,
 * run the pure text edit, add Ansible's attribute handling (mode/owner/group), diff and check-mode
 * effects, and write atomically (validate, backup) through the real path of a link.
 */

/** The arguments every text-editing module has besides its own. */
export interface TextFileArgs {
  path: string;
  mode?: string | number;
  owner?: string;
  group?: string;
  backup: boolean;
  validate?: string;
}

/** What inspect reads: the file (following links, with content) and what new files look like. */
export interface TextFileState {
  file: ProbedState;
  umask: number;
  user: Probe['user'];
}

/** What apply does. */
export interface TextWrite {
  /** the path written: the file itself, or where a link at `path` points */
  path: string;
  /** new content to write; absent when only attributes change */
  content?: Buffer;
  /** the file does not exist yet: its directory may have to be created (as Ansible does) */
  creating: boolean;
  mode?: string;
  owner?: string;
  group?: string;
  backup: boolean;
  validate?: string;
  /** attributes to fix on an otherwise unchanged file */
  attrs?: AttrChange;
  /** the key under which the backup's name is reported (lineinfile: `backup`) besides `backup_file` */
  backupKey?: string;
}

export async function inspectTextFile(ctx: ModuleContext, path: string): Promise<TextFileState> {
  const probe = await ctx.fs.probe([path], { follow: true, content: true });
  return { file: probe.states[0], umask: probe.umask, user: probe.user };
}

export interface TextPlanOptions {
  /** Ansible's diff header: lineinfile and blockinfile say `PATH (content)`, replace just PATH */
  diffHeader: string;
  /** where the backup's name goes in the result besides `backup_file` (lineinfile: `backup`) */
  backupKey?: string;
}

const ATTRS_CHANGED = 'ownership, perms or SE linux context changed';

/** Pure: the current file and the edit function -> the plan. */
export function planTextFile(
  args: TextFileArgs,
  current: TextFileState,
  edit: (content: Buffer | undefined) => TextEdit,
  pctx: PlanContext,
  opts: TextPlanOptions,
): Plan<TextWrite> {
  const { file } = current;
  if (file.type === 'directory') return { changed: false, failed: true, msg: `Path ${args.path} is a directory !`, result: { rc: 256 } };
  if (file.exists && file.type !== 'file') return { changed: false, failed: true, msg: `Path ${args.path} is not a regular file`, result: {} };
  if (file.exists && file.content === undefined) return { changed: false, failed: true, msg: `cannot read ${args.path}: permission denied`, result: {} };

  const before = file.exists ? file.content : undefined;
  const e = edit(before);
  const result: Record<string, unknown> = { ...e.result, ...(e.rc !== undefined ? { rc: e.rc } : {}) };
  if (e.failed) return { changed: false, failed: true, msg: e.msg, result };
  if (e.content === undefined) return { changed: false, msg: e.msg, result: { ...result, msg: e.msg } };

  // attributes are compared with what the file has, or what a new file will have
  const creating = !file.exists;
  const base: ProbedState = creating
    ? { path: args.path, exists: true, type: 'file', mode: defaultMode(current.umask, false), owner: current.user.name, uid: current.user.uid, group: current.user.group, gid: current.user.gid }
    : file;
  const attrs = planAttrs(desiredAttrs(args), base);
  let msg = e.msg;
  if (attrs) msg = e.changed ? `${msg} and ${ATTRS_CHANGED}` : ATTRS_CHANGED;
  const changed = e.changed || attrs !== undefined;
  if (!changed) return { changed: false, msg, result: { ...result, msg } };

  const writePath = file.realPath ?? args.path;
  const final = { mode: attrs?.mode ?? base.mode, owner: attrs?.owner ?? base.owner, group: attrs?.group ?? base.group };
  const diff: FileDiff[] = [];
  let effect: FileEffect;
  let data: TextWrite;
  if (e.changed) {
    if (pctx.diff) diff.push(textDiff(before?.toString('utf8'), e.content.toString('utf8'), opts.diffHeader));
    effect = { path: args.path, kind: 'file', content: e.content, ...final };
    data = {
      path: writePath, content: e.content, creating, backup: args.backup, validate: args.validate, backupKey: opts.backupKey,
      // without an attribute change the write keeps an existing file's mode and owner, and gives a
      // new file the umask default: exactly what `base` assumed
      mode: attrs?.mode, owner: attrs?.owner, group: attrs?.group,
    };
  } else {
    effect = { path: args.path, kind: 'attrs', mode: attrs!.mode, owner: attrs!.owner, group: attrs!.group };
    data = { path: writePath, creating: false, backup: false, attrs: { ...attrs!, path: writePath } };
  }
  if (attrs && pctx.diff) {
    const f = attrChangeFields(attrs);
    diff.push(fieldsDiff(args.path, f.before, f.after));
  }
  // a new file's directory is created too (as Ansible does): later check-mode tasks should see it
  const parent = posix.dirname(args.path);
  const effects: FileEffect[] = creating && parent !== '/' && parent !== '.' ? [{ path: parent, kind: 'directory' }, effect] : [effect];
  return { changed: true, msg, diff: diff.length ? diff : undefined, effects, result: { ...result, msg }, data };
}

/** Carries out the plan; a refused validation is a failed result, as in Ansible. */
export async function applyTextFile(ctx: ModuleContext, w: TextWrite): Promise<Partial<ModuleResult>> {
  if (w.attrs) {
    const r = await ctx.run(attrCommands(w.attrs).join(' && '));
    if (r.rc !== 0) return { failed: true, changed: false, msg: `cannot set attributes of ${w.path}: ${r.stderr.trim()}` };
    return {};
  }
  if (w.content === undefined) return {};
  if (w.validate !== undefined) {
    const problem = checkValidate(w.validate);
    if (problem) return { failed: true, changed: false, msg: problem };
  }
  try {
    const written = await ctx.fs.writeFile(w.path, w.content, {
      ...(w.mode !== undefined ? { mode: w.mode } : {}),
      ...(w.owner !== undefined ? { owner: w.owner } : {}),
      ...(w.group !== undefined ? { group: w.group } : {}),
      backup: w.backup,
      ...(w.validate !== undefined ? { validate: w.validate } : {}),
      // a new file's directory is made in the same round trip as the write
      createParents: w.creating,
    });
    if (!written.backupFile) return {};
    return { backup_file: written.backupFile, ...(w.backupKey ? { [w.backupKey]: written.backupFile } : {}) };
  } catch (err) {
    if (err instanceof ValidateFailedError) return { failed: true, changed: false, msg: `failed to validate: rc:${err.exitStatus} error:${err.stderr}` };
    if (err instanceof ParentDirError) return { failed: true, changed: false, msg: `Error creating ${err.dir} (${err.stderr})` };
    throw err;
  }
}

/**
 * Ansible's `type='str'`: YAML may hand us a number or a boolean (`line: 8080`), which Python's
 * str() turns into text ('8080', 'True').
 */
export const textArg = z.preprocess((v) => (typeof v === 'number' ? String(v) : typeof v === 'boolean' ? (v ? 'True' : 'False') : v), z.string());

/** Ansible's mutually_exclusive: one issue per pair given together, in Ansible's words. */
export function mutuallyExclusive<T extends Record<string, unknown>>(pairs: (keyof T & string)[][]) {
  return (a: T, ctx: z.RefinementCtx) => {
    for (const pair of pairs) {
      if (pair.filter((k) => a[k] !== undefined && a[k] !== false).length > 1) {
        ctx.addIssue({ code: 'custom', message: `parameters are mutually exclusive: ${pair.join('|')}` });
      }
    }
  };
}
