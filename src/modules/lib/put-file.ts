import { createHash } from 'node:crypto';
import type { FileDiff, FileEffect, ModuleContext, ModuleResult } from '../types.js';
import { attrChangeFields, attrCommands, defaultMode, fieldsDiff, planAttrs, resolveMode, resultMode, type AttrChange, type DesiredAttrs } from './file-attrs.js';
import { sha1 } from './probe.js';
import type { Probe, ProbedState } from './remote-fs.js';
import { looksBinary } from './text-diff.js';
import { ValidateFailedError } from './validate-command.js';

/**
 * Putting one file in place, shared by copy and template: compare checksums, decide, diff,
 * predict the effect, and write atomically (validate, backup) or only fix attributes.
 */

/** Where the new content comes from. */
export type Payload =
  /** bytes from the controller (a local file, `content`, a rendered template) */
  | { kind: 'bytes'; content: Buffer; label?: string }
  /** a file already on the host (copy with remote_src): copied there, compared by checksum */
  | { kind: 'host'; path: string; checksum: string; size: number; content?: Buffer; label: string };

export interface PutFileOptions {
  attrs: DesiredAttrs;
  backup: boolean;
  force: boolean;
  validate?: string;
  /** follow a link at dest and write its target (Ansible's `follow`); otherwise the link is replaced */
  follow: boolean;
}

/** What apply does for one file. */
export interface PutFileOp {
  /** the path written: dest, or the resolved target of a followed link */
  path: string;
  payload: Payload;
  /** set when the content is (re)written */
  write?: { mode?: string; owner?: string; group?: string; backup: boolean; validate?: string };
  /** set when only attributes change */
  attrs?: AttrChange;
}

export interface PutFilePlan {
  changed: boolean;
  failed?: boolean;
  msg?: string;
  op?: PutFileOp;
  diff?: FileDiff;
  effect?: FileEffect;
  result: Record<string, unknown>;
}

/** Host facts a plan needs besides the dest: umask (new file modes) and who owns new files. */
export type HostFacts = Pick<Probe, 'umask' | 'user'>;

function checksumOf(p: Payload): string {
  return p.kind === 'bytes' ? sha1(p.content) : p.checksum;
}

function sizeOf(p: Payload): number {
  return p.kind === 'bytes' ? p.content.length : p.size;
}

/**
 * Pure: dest as it is (probed with checksum, following links when `follow`) -> the change.
 * `dest` is the file path after directory resolution.
 */
export function planPutFile(dest: string, payload: Payload, current: ProbedState, o: PutFileOptions, host: HostFacts, diff: boolean): PutFilePlan {
  const src = payload.kind === 'host' ? payload.path : payload.label;
  const base = { dest, ...(src !== undefined ? { src } : {}) };
  if (current.exists && !o.force) return { changed: false, result: { ...base, changed: false } };
  if (current.type === 'directory') return { changed: false, failed: true, msg: `can not copy onto ${dest}: it is a directory`, result: base };

  const newSum = checksumOf(payload);
  const replacingLink = current.type === 'link' && !o.follow;
  const writePath = o.follow && current.type !== 'absent' && current.realPath ? current.realPath : dest;
  const summary = { ...base, checksum: newSum, ...(payload.kind === 'bytes' ? { md5sum: md5(payload.content) } : {}), state: 'file' };

  if (current.exists && !replacingLink && current.checksum === newSum) {
    // same content: only attributes may differ (Ansible hands this to the file module)
    const change = planAttrs(o.attrs, { ...current, path: writePath });
    const after = { mode: change?.mode ?? current.mode, owner: change?.owner ?? current.owner, group: change?.group ?? current.group };
    const result = { ...summary, size: current.size, ...after, mode: after.mode && resultMode(after.mode), ...idFields(after, current, host), changed: !!change };
    if (!change) return { changed: false, result };
    const f = attrChangeFields(change);
    return {
      changed: true,
      op: { path: writePath, payload, attrs: change },
      diff: diff ? fieldsDiff(writePath, f.before, f.after) : undefined,
      effect: { path: writePath, kind: 'attrs', mode: change.mode, owner: change.owner, group: change.group },
      result,
    };
  }

  // new content: an existing regular file keeps its mode and owner unless told otherwise; a new
  // file (or one replacing a link) starts from the umask default and belongs to us
  const existing = current.exists && !replacingLink && current.type === 'file';
  const baseMode = existing && current.mode ? current.mode : defaultMode(host.umask, false);
  const mode = resolveMode(o.attrs.mode, baseMode, false);
  const owner = o.attrs.owner ?? (existing ? current.owner : host.user.name);
  const group = o.attrs.group ?? (existing ? current.group : host.user.group);
  const explicitMode = o.attrs.mode !== undefined || replacingLink ? mode : undefined;
  const op: PutFileOp = {
    path: writePath,
    payload,
    write: { mode: explicitMode, owner: o.attrs.owner, group: o.attrs.group, backup: o.backup, validate: o.validate },
  };
  const content = payload.content;
  const fileDiff = diff && payload.kind === 'bytes' ? contentDiff(dest, current, payload.content, payload.label) : undefined;
  return {
    changed: true,
    op,
    diff: fileDiff,
    effect: content ? { path: writePath, kind: 'file', content, mode, owner, group } : undefined,
    result: { ...summary, size: sizeOf(payload), mode: resultMode(mode), owner, group, ...idFields({ owner, group }, existing ? current : undefined, host), changed: true },
  };
}

/** uid/gid for the result when we know them without asking the host again. */
function idFields(after: { owner?: string; group?: string }, current: ProbedState | undefined, host: HostFacts): { uid?: number; gid?: number } {
  const out: { uid?: number; gid?: number } = {};
  const uid = after.owner === current?.owner ? current?.uid : after.owner === host.user.name ? host.user.uid : /^\d+$/.test(after.owner ?? '') ? Number(after.owner) : undefined;
  const gid = after.group === current?.group ? current?.gid : after.group === host.user.group ? host.user.gid : /^\d+$/.test(after.group ?? '') ? Number(after.group) : undefined;
  if (uid !== undefined) out.uid = uid;
  if (gid !== undefined) out.gid = gid;
  return out;
}

function md5(data: Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

/** Text diff of old and new content, none when either side is binary (as Ansible skips them). */
function contentDiff(dest: string, current: ProbedState, after: Buffer, label: string | undefined): FileDiff | undefined {
  const before = current.type === 'file' ? current.content : undefined;
  if (current.type === 'file' && before === undefined) return undefined;
  if (looksBinary(before) || looksBinary(after)) return undefined;
  return { before: before?.toString('utf8') ?? '', after: after.toString('utf8'), beforeHeader: dest, afterHeader: label ?? 'dynamically generated' };
}

/** Carries out one planned file; a refused validation becomes a failed result, as in Ansible. */
export async function applyPutFile(ctx: ModuleContext, op: PutFileOp): Promise<Partial<ModuleResult>> {
  if (op.attrs) {
    const r = await ctx.run(attrCommands(op.attrs).join(' && '));
    if (r.rc !== 0) return { failed: true, changed: false, msg: `cannot set attributes of ${op.path}: ${r.stderr.trim()}`, path: op.path };
    return {};
  }
  if (!op.write) return {};
  const { validate, ...rest } = op.write;
  const opts = { ...rest, ...(validate !== undefined ? { validate } : {}) };
  try {
    const written = op.payload.kind === 'bytes' ? await ctx.fs.writeFile(op.path, op.payload.content, opts) : await ctx.fs.copyFile(op.payload.path, op.path, opts);
    return written.backupFile ? { backup_file: written.backupFile } : {};
  } catch (e) {
    if (e instanceof ValidateFailedError) {
      return { failed: true, changed: false, msg: 'failed to validate', exit_status: e.exitStatus, stdout: e.stdout, stderr: e.stderr };
    }
    throw e;
  }
}
