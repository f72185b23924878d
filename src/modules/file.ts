import { posix } from 'node:path';
import { z } from 'zod';
import { argv, quote } from '../connection/quote.js';
import { ansibleBool, modeArg, ownerArg, withAliases } from './lib/arg-types.js';
import { attrCommands, defaultMode, fieldsDiff, planAttrs, resultMode, type AttrChange, type DesiredAttrs } from './lib/file-attrs.js';
import { ABSENT, normalizeMode, type FileState } from './lib/file-state.js';
import { resolveTimes, timeCommands, timeLabel, timesChange, type TimeSpec } from './lib/file-times.js';
import type { HostFacts } from './lib/put-file.js';
import type { ProbedState, ProbePath } from './lib/remote-fs.js';
import { defineModule, type FileEffect, type Plan, type PlanContext } from './types.js';

const STATES = ['absent', 'directory', 'file', 'hard', 'link', 'touch'] as const;
type State = (typeof STATES)[number];
/** what a path is now, in Ansible's words (get_state) */
type PrevState = 'absent' | 'directory' | 'file' | 'hard' | 'link';

/** YAML may read an unquoted 202401011200.00 as a number; Ansible takes it as text */
const timeArg = z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string());

const args = withAliases(
  { dest: 'path', name: 'path' },
  z
    .object({
      path: z.string().min(1),
      state: z.enum(STATES).optional(),
      mode: modeArg().optional(),
      owner: ownerArg.optional(),
      group: ownerArg.optional(),
      recurse: ansibleBool.default(false),
      src: z.string().min(1).optional(),
      force: ansibleBool.default(false),
      follow: ansibleBool.default(true),
      modification_time: timeArg.optional(),
      modification_time_format: z.string().default('%Y%m%d%H%M.%S'),
      access_time: timeArg.optional(),
      access_time_format: z.string().default('%Y%m%d%H%M.%S'),
    })
    .strict()
    .superRefine((a, ctx) => {
      // the checks Ansible can make without looking at the host
      if (a.recurse && a.state !== undefined && a.state !== 'directory') ctx.addIssue({ code: 'custom', message: "recurse option requires state to be 'directory'" });
      if (a.src !== undefined && a.state !== undefined && a.state !== 'link' && a.state !== 'hard') ctx.addIssue({ code: 'custom', message: "src option requires state to be 'link' or 'hard'" });
    }),
);

export type FileArgs = z.infer<typeof args>;

/** Everything the plan compares, read in one round trip (plus the tree listing for recurse). */
export interface FileInspect {
  /** lstat of path */
  path: ProbedState;
  /** stat of path following links (when follow) */
  followed?: ProbedState;
  /** path/basename(src), lstat and followed: where a hard link into a directory goes */
  inDir?: ProbedState;
  inDirFollowed?: ProbedState;
  /** src of a hard link (followed) */
  hardSrc?: ProbedState;
  /** src of a symlink, resolved against path itself and against its directory (followed) */
  linkSrcInPath?: ProbedState;
  linkSrcBeside?: ProbedState;
  /** path's ancestors, top down (directory creation) */
  ancestors: ProbedState[];
  /** entries below path (recurse, or a directory about to become a link) */
  tree?: FileState[];
  times: (TimeSpec | undefined)[] | { error: string };
  host: HostFacts;
}

export interface FileData {
  /** shell commands built from quoted parts, run joined with && */
  commands: string[];
}

const dirOf = (p: string) => posix.dirname(p);
const resolveFrom = (base: string, p: string) => (p.startsWith('/') ? p : posix.join(base, p));

function ancestorsOf(p: string): string[] {
  const out: string[] = [];
  for (let cur = posix.dirname(p.replace(/\/+$/, '')); cur !== '/' && cur !== '.'; cur = posix.dirname(cur)) out.unshift(cur);
  return out;
}

/** Sets attributes of files, symlinks or directories; creates directories, links, empty files; removes. */
export default defineModule<FileArgs, FileInspect, FileData>({
  name: 'file',
  args,
  async inspect(ctx, a) {
    const entries: ProbePath[] = [{ path: a.path, follow: false }];
    const slot = (e: ProbePath) => entries.push(e) - 1;
    const followedAt = a.follow ? slot({ path: a.path, follow: true }) : -1;
    const hardish = a.src !== undefined && a.state !== 'link' && a.state !== 'absent';
    const inDirAt = hardish ? slot({ path: posix.join(a.path, posix.basename(a.src!)), follow: false }) : -1;
    const inDirFollowedAt = hardish ? slot({ path: posix.join(a.path, posix.basename(a.src!)), follow: true }) : -1;
    // a hard link's src: its content lets check mode predict what later tasks read there
    const hardSrcAt = hardish ? slot({ path: a.src!, follow: true, content: ctx.check, contentLimit: 1 << 20 }) : -1;
    const linkInPathAt = a.src !== undefined && a.state === 'link' ? slot({ path: resolveFrom(a.path, a.src), follow: true }) : -1;
    const linkBesideAt = a.src !== undefined && a.state === 'link' ? slot({ path: resolveFrom(dirOf(a.path), a.src), follow: true }) : -1;
    const maybeDirectory = a.state === undefined || a.state === 'directory';
    const ancestorPaths = maybeDirectory ? ancestorsOf(a.path) : [];
    const ancestorsAt = ancestorPaths.map((p) => slot({ path: p, follow: true }));
    const wantTree = a.recurse || (a.state === 'link' && a.force);
    const [probe, tree, times] = await Promise.all([
      ctx.fs.probe(entries),
      wantTree ? ctx.fs.walk(a.path) : Promise.resolve(undefined),
      resolveTimes(ctx, [a.modification_time, a.access_time], [a.modification_time_format, a.access_time_format]),
    ]);
    const at = (i: number) => (i >= 0 ? probe.states[i] : undefined);
    return {
      path: probe.states[0],
      followed: at(followedAt),
      inDir: at(inDirAt),
      inDirFollowed: at(inDirFollowedAt),
      hardSrc: at(hardSrcAt),
      linkSrcInPath: at(linkInPathAt),
      linkSrcBeside: at(linkBesideAt),
      ancestors: ancestorsAt.map((i) => probe.states[i]),
      tree,
      times,
      host: { umask: probe.umask, user: probe.user },
    };
  },
  plan: planFile,
  async apply(ctx, _a, plan) {
    const commands = plan.data?.commands ?? [];
    if (!commands.length) return {};
    const r = await ctx.run(commands.join(' && '));
    if (r.rc !== 0) return { failed: true, changed: false, msg: r.stderr.trim() || `exit ${r.rc}`, rc: r.rc };
    return {};
  },
});

function prevStateOf(s: ProbedState | undefined): PrevState {
  if (!s || !s.exists) return 'absent';
  if (s.type === 'link') return 'link';
  if (s.type === 'directory') return 'directory';
  if (s.type === 'file' && (s.nlink ?? 1) > 1) return 'hard';
  return 'file';
}

const isDirLike = (lst: ProbedState, fol: ProbedState | undefined) => lst.type === 'directory' || (lst.type === 'link' && (fol?.type === 'directory' || lst.targetType === 'directory'));

/** What a plan for one state builds up. */
interface Out {
  changed: boolean;
  before: Record<string, string | undefined>;
  after: Record<string, string | undefined>;
  commands: string[];
  effects: FileEffect[];
  result: Record<string, unknown>;
}

type Failure = { failed: true; msg: string; extra?: Record<string, unknown> };
const failure = (msg: string, extra?: Record<string, unknown>): Failure => ({ failed: true, msg, extra });

/** Pure: Ansible's file module decisions (additional_parameter_handling and ensure_* per state). */
export function planFile(a: FileArgs, cur: FileInspect, pctx: PlanContext): Plan<FileData> {
  let path = a.path;
  let lst = cur.path;
  let fol = cur.followed;
  // a hard link (or anything but link/absent) named after src, placed inside an existing directory
  if (a.src !== undefined && a.state !== 'link' && a.state !== 'absent' && isDirLike(lst, fol) && cur.inDir) {
    path = posix.join(path, posix.basename(a.src));
    lst = cur.inDir;
    fol = cur.inDirFollowed;
  }
  const prev = prevStateOf(lst);
  const state: State = a.state ?? (prev !== 'absent' ? prev : a.recurse ? 'directory' : 'file');
  const here = { path, ...pathInfo(lst, cur.host) };
  if (a.recurse && state !== 'directory') return failed("recurse option requires state to be 'directory'", here);
  if (a.src !== undefined && state !== 'link' && state !== 'hard') return failed("src option requires state to be 'link' or 'hard'", here);
  if ('error' in cur.times) return failed(cur.times.error, here);
  const fallback: TimeSpec = state === 'touch' ? { kind: 'now' } : { kind: 'preserve' };
  const mtime = cur.times[0] ?? fallback;
  const atime = cur.times[1] ?? fallback;
  const desired: DesiredAttrs = { mode: normalizeMode(a.mode), owner: a.owner, group: a.group };
  const out: Out = { changed: false, before: {}, after: {}, commands: [], effects: [], result: {} };
  const ctx: StateCtx = { a, path, lst, fol, prev, desired, mtime, atime, cur, out, now: pctx.now };
  const r =
    state === 'absent' ? ensureAbsent(ctx)
    : state === 'file' ? ensureFile(ctx)
    : state === 'directory' ? ensureDirectory(ctx)
    : state === 'link' ? ensureSymlink(ctx)
    : state === 'hard' ? ensureHardlink(ctx)
    : touch(ctx);
  // like fail_json with a path: what is there now comes along
  if (r) return failed(r.msg, { ...here, ...r.extra });
  return {
    changed: out.changed,
    diff: out.changed && pctx.diff ? [fieldsDiff(path, out.before, out.after)] : undefined,
    effects: out.effects,
    result: out.result,
    data: { commands: out.commands },
  };
}

function failed(msg: string, result: Record<string, unknown>): Plan<FileData> {
  return { changed: false, failed: true, msg, result };
}

interface StateCtx {
  a: FileArgs;
  path: string;
  lst: ProbedState;
  fol: ProbedState | undefined;
  prev: PrevState;
  desired: DesiredAttrs;
  mtime: TimeSpec;
  atime: TimeSpec;
  cur: FileInspect;
  out: Out;
  now: Date;
}

/** Attributes and times on an existing path (set_fs_attributes_if_different + update_timestamp). */
function settle(c: StateCtx, target: FileState, opts: { times?: boolean } = {}): { after: FileState } {
  const { out } = c;
  const change = planAttrs(c.desired, target);
  if (change) recordAttrs(c, change);
  if (opts.times !== false && timesChange(c.mtime, c.atime, target)) {
    out.changed = true;
    out.commands.push(...timeCommands(target.path, c.mtime, c.atime));
    const m = timeLabel(c.mtime, target.mtime);
    const at = timeLabel(c.atime, target.atime);
    if (m) [out.before.mtime, out.after.mtime] = [String(target.mtime), m];
    if (at) [out.before.atime, out.after.atime] = [String(target.atime), at];
  }
  return { after: { ...target, ...(change?.mode ? { mode: change.mode } : {}), ...(change?.owner ? { owner: change.owner } : {}), ...(change?.group ? { group: change.group } : {}) } };
}

function recordAttrs(c: StateCtx, change: AttrChange, withDiff = true): void {
  c.out.changed = true;
  if (withDiff) {
    for (const k of ['owner', 'group', 'mode'] as const) {
      if (change[k] !== undefined) {
        c.out.before[k] = change.before[k];
        c.out.after[k] = change[k];
      }
    }
  }
  c.out.commands.push(...attrCommands(change));
  c.out.effects.push({ path: change.path, kind: 'attrs', mode: change.mode, owner: change.owner, group: change.group });
}

/** Ansible's diff shows the state only when it changes (initial_diff). */
function stateDiff(c: StateCtx, prev: PrevState, state: State): void {
  if (prev === state) return;
  c.out.before.state = prev;
  c.out.after.state = state;
}

/** The path fields Ansible adds to every file result (add_path_info): the path itself, as lstat sees it. */
function pathInfo(s: FileState | undefined, host: HostFacts): Record<string, unknown> {
  if (!s || !s.exists) return {};
  const state = s.type === 'link' ? 'link' : s.type === 'directory' ? 'directory' : ((s as ProbedState).nlink ?? 1) > 1 ? 'hard' : 'file';
  const info: Record<string, unknown> = { state };
  if (s.mode !== undefined) info.mode = resultMode(s.mode);
  if (s.owner !== undefined) info.owner = s.owner;
  if (s.group !== undefined) info.group = s.group;
  const uid = s.owner === host.user.name ? host.user.uid : s.uid;
  const gid = s.group === host.user.group ? host.user.gid : s.gid;
  if (uid !== undefined) info.uid = uid;
  if (gid !== undefined) info.gid = gid;
  if (s.size !== undefined) info.size = s.size;
  return info;
}

function ensureAbsent(c: StateCtx): Failure | undefined {
  const { out, path, prev } = c;
  out.result = { path, state: 'absent' };
  if (prev === 'absent') return undefined;
  stateDiff(c, prev, 'absent');
  out.changed = true;
  out.commands.push(argv(prev === 'directory' ? ['rm', '-rf', '--', path] : ['rm', '-f', '--', path]));
  out.effects.push({ path, kind: 'absent' });
  return undefined;
}

function ensureFile(c: StateCtx): Failure | undefined {
  let { path, prev } = c;
  let target: ProbedState = c.lst;
  if (prev === 'link' && c.a.follow) {
    // follow the link and work on what it points to
    target = c.fol && c.fol.exists ? { ...c.fol, path: c.lst.realPath ?? path } : ABSENT(c.lst.realPath ?? path);
    path = target.path;
    prev = prevStateOf(c.fol);
  }
  if (prev !== 'file' && prev !== 'hard') return failure(`file (${path}) is ${prev}, cannot continue`, { path, state: prev });
  stateDiff(c, prev, 'file');
  const { after } = settle(c, target);
  c.out.result = { path, ...pathInfo(after, c.cur.host) };
  return undefined;
}

function ensureDirectory(c: StateCtx): Failure | undefined {
  const { out, a, cur } = c;
  let { path, prev } = c;
  let target: FileState = c.lst;
  if (a.follow && prev === 'link') {
    target = c.fol && c.fol.exists ? { ...c.fol, path: c.lst.realPath ?? path } : ABSENT(c.lst.realPath ?? path);
    path = target.path;
    prev = prevStateOf(c.fol);
  }
  stateDiff(c, prev, 'directory');
  if (prev === 'absent') {
    // mkdir -p, each new directory getting mode/owner/group (Ansible walks the path from the root)
    const missing = [...cur.ancestors.filter((s) => !s.exists).map((s) => s.path), path];
    const blocker = cur.ancestors.find((s) => s.exists && s.type !== 'directory');
    if (blocker) return failure(`There was an issue creating ${blocker.path} as requested: ${blocker.path} exists and is not a directory`, { path });
    const mode = defaultMode(cur.host.umask, true);
    let last: FileState = ABSENT(path);
    for (const d of missing) {
      out.commands.push(argv(['mkdir', '--', d]));
      const fresh: FileState = { path: d, exists: true, type: 'directory', mode, owner: cur.host.user.name, group: cur.host.user.group, uid: cur.host.user.uid, gid: cur.host.user.gid };
      const change = planAttrs(c.desired, fresh);
      if (change) out.commands.push(...attrCommands(change));
      last = { ...fresh, mode: change?.mode ?? mode, owner: change?.owner ?? fresh.owner, group: change?.group ?? fresh.group };
      out.effects.push({ path: d, kind: 'directory', mode: last.mode, owner: last.owner, group: last.group });
      if (change?.mode) out.after.mode = change.mode;
      if (change?.owner) out.after.owner = change.owner;
      if (change?.group) out.after.group = change.group;
    }
    if (timesChange(c.mtime, c.atime, {})) out.commands.push(...timeCommands(path, c.mtime, c.atime));
    out.changed = true;
    out.result = { path, ...pathInfo(last, cur.host) };
    return undefined;
  }
  if (prev !== 'directory') return failure(`${path} already exists as a ${prev}`, { path });
  const { after } = settle(c, target);
  if (a.recurse) {
    for (const entry of cur.tree ?? []) {
      const change = planAttrs(c.desired, entry);
      if (change) recordAttrs(c, change, false);
      // links keep their times (os.utime would follow them to a target outside the tree)
      if (entry.type !== 'link' && timesChange(c.mtime, c.atime, entry)) {
        out.changed = true;
        out.commands.push(...timeCommands(entry.path, c.mtime, c.atime));
      }
    }
  }
  out.result = { path, ...pathInfo(after, cur.host) };
  return undefined;
}

function ensureSymlink(c: StateCtx): Failure | undefined {
  const { out, a, path, prev, lst, cur } = c;
  let src = a.src;
  // no src: keep what an existing link points to (follow) so attributes can still be managed
  if (src === undefined && a.follow && lst.type === 'link' && c.fol?.exists) src = lst.linkTarget;
  const inPath = lst.type === 'directory';
  const absrcState = a.src === undefined ? undefined : inPath ? cur.linkSrcInPath : cur.linkSrcBeside;
  const absrc = src === undefined ? undefined : resolveFrom(inPath ? path : dirOf(path), src);
  if (!a.force && a.src !== undefined && !absrcState?.exists) {
    return failure(`src file does not exist, use "force=yes" if you really want to create the link: ${absrc}`, { path, src });
  }
  if (prev === 'directory') {
    if (!a.force) return failure(`refusing to convert from ${prev} to symlink for ${path}`, { path });
    if ((cur.tree ?? []).length > 0) return failure(`the directory ${path} is not empty, refusing to convert it`, { path });
  } else if ((prev === 'file' || prev === 'hard') && !a.force) {
    return failure(`refusing to convert from ${prev} to symlink for ${path}`, { path });
  }
  stateDiff(c, prev, 'link');
  let changed = false;
  if (prev !== 'link') {
    if (src === undefined) return failure('src is required for creating new symlinks');
    changed = true;
  } else if (src !== undefined && lst.linkTarget !== src) {
    out.before.src = lst.linkTarget;
    out.after.src = src;
    changed = true;
  }
  if (changed) {
    out.changed = true;
    if (prev === 'absent') out.commands.push(argv(['ln', '-s', '--', src!, path]));
    else {
      // replace atomically: a new link beside the old path, renamed over it
      const tmp = posix.join(dirOf(path), `.${process.pid}.${c.now.getTime() / 1000}.tmp`);
      if (prev === 'directory') out.commands.push(argv(['rmdir', '--', path]));
      out.commands.push(argv(['ln', '-s', '--', src!, tmp]), `{ ${argv(['mv', '-Tf', '--', tmp, path])} || { ${argv(['rm', '-f', '--', tmp])}; false; }; }`);
    }
    out.effects.push({ path, kind: 'link', target: src! });
  }
  // attributes go to the link's target when following, else to the link itself
  const linkNow: FileState = changed
    ? { path, exists: true, type: 'link', mode: '0777', owner: cur.host.user.name, group: cur.host.user.group, uid: cur.host.user.uid, gid: cur.host.user.gid, size: Buffer.byteLength(src!), linkTarget: src }
    : lst;
  // once made, the link resolves against its own directory (even when src was checked inside path)
  const targetState = changed ? cur.linkSrcBeside : c.fol;
  let final: FileState = linkNow;
  if (a.follow) {
    // a link to nothing has no attributes to set (Ansible warns and skips)
    if (targetState?.exists) settle(c, { ...targetState, path: changed ? resolveFrom(dirOf(path), src!) : lst.realPath ?? path });
  } else {
    final = settle(c, linkNow, { times: false }).after;
  }
  // a link to nothing does not "exist" for add_path_info, so its result has no path fields
  const targetExists = changed ? !!cur.linkSrcBeside?.exists : lst.targetType !== undefined;
  out.result = { dest: path, src, ...(targetExists ? pathInfo(final, cur.host) : {}) };
  return undefined;
}

function ensureHardlink(c: StateCtx): Failure | undefined {
  const { out, a, path, prev, lst, cur } = c;
  const src = a.src;
  if (prev !== 'hard' && src === undefined) return failure('src is required for creating new hardlinks');
  const srcState = cur.hardSrc;
  if (src !== undefined && !srcState?.exists) return failure('src does not exist', { dest: path, src });
  stateDiff(c, prev, 'hard');
  let changed = false;
  if (prev === 'absent') changed = true;
  else if (prev === 'link') {
    if (lst.linkTarget !== src) {
      out.before.src = lst.linkTarget;
      out.after.src = src;
      changed = true;
    }
  } else if (prev === 'hard') {
    if (src !== undefined && !(lst.inode === srcState!.inode && lst.dev === srcState!.dev)) {
      changed = true;
      if (!a.force) return failure('Cannot link, different hard link exists at destination', { dest: path, src });
    }
  } else if (prev === 'file') {
    changed = true;
    if (!a.force) return failure(`Cannot link, ${prev} exists at destination`, { dest: path, src });
  } else if (prev === 'directory') {
    if (lst.inode === srcState?.inode && lst.dev === srcState?.dev) {
      out.result = { path };
      return undefined;
    }
    if (!a.force) return failure('Cannot link: different hard link exists at destination', { dest: path, src });
    return failure(`Error while replacing: ${path} is a directory`, { path });
  }
  if (changed) {
    out.changed = true;
    if (prev === 'absent') out.commands.push(argv(['ln', '--', src!, path]));
    else {
      const tmp = posix.join(dirOf(path), `.${process.pid}.${c.now.getTime() / 1000}.tmp`);
      out.commands.push(argv(['ln', '--', src!, tmp]), `{ ${argv(['mv', '-f', '--', tmp, path])} || { ${argv(['rm', '-f', '--', tmp])}; false; }; }`);
    }
    const content = srcState?.content;
    if (content) out.effects.push({ path, kind: 'file', content, mode: srcState!.mode, owner: srcState!.owner, group: srcState!.group });
  }
  // after linking, path and src are one inode: compare attributes against it
  const inode: ProbedState = changed ? { ...srcState!, path, nlink: (srcState!.nlink ?? 1) + 1 } : c.a.follow && c.fol?.exists ? { ...c.fol, path: lst.realPath ?? path } : lst;
  const { after } = settle(c, inode);
  out.result = { dest: path, src, ...pathInfo({ ...inode, ...after, path }, cur.host) };
  return undefined;
}

function touch(c: StateCtx): Failure | undefined {
  const { out, path, prev, cur } = c;
  stateDiff(c, prev, 'touch');
  if (prev === 'absent') {
    out.changed = true;
    const fresh: FileState = { path, exists: true, type: 'file', mode: defaultMode(cur.host.umask, false), owner: cur.host.user.name, group: cur.host.user.group, uid: cur.host.user.uid, gid: cur.host.user.gid, size: 0 };
    // create without following a dangling link's target name games: plain O_CREAT like open('wb')
    out.commands.push(`: > ${quote(path)}`);
    const change = planAttrs(c.desired, fresh);
    if (change) out.commands.push(...attrCommands(change));
    const after = { ...fresh, mode: change?.mode ?? fresh.mode, owner: change?.owner ?? fresh.owner, group: change?.group ?? fresh.group };
    out.commands.push(...timeCommands(path, c.mtime, c.atime));
    out.effects.push({ path, kind: 'file', content: Buffer.alloc(0), mode: after.mode, owner: after.owner, group: after.group });
    if (change?.mode) out.after.mode = change.mode;
    out.result = { dest: path, ...pathInfo(after, cur.host) };
    return undefined;
  }
  const target: FileState = c.a.follow && prev === 'link' && c.fol?.exists ? { ...c.fol, path: c.lst.realPath ?? path } : c.lst;
  const { after } = settle(c, target);
  out.result = { dest: path, ...pathInfo(target === c.lst ? after : c.lst, cur.host) };
  return undefined;
}
