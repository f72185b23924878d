import { posix } from 'node:path';
import { argv } from '../../connection/quote.js';
import type { FileDiff, FileEffect, ModuleContext, ModuleResult, Plan, PlanContext } from '../types.js';
import type { SourceTree } from './copy-source.js';
import { attrChangeFields, attrCommands, defaultMode, fieldsDiff, planAttrs, resolveMode, type AttrChange } from './file-attrs.js';
import { ABSENT } from './file-state.js';
import { applyPutFile, planPutFile, type HostFacts, type PutFileOp } from './put-file.js';
import { sha1 } from './probe.js';
import type { ProbedState } from './remote-fs.js';

/**
 * Copy's placement logic (shared with template): where each source file lands below dest, which
 * directories must be created, and the per-file plans of put-file, as Ansible's copy action does.
 */

export interface TreeOptions {
  dest: string;
  /** normalised mode, or `preserve` (each file keeps its source's mode) */
  mode?: string;
  directoryMode?: string;
  owner?: string;
  group?: string;
  backup: boolean;
  force: boolean;
  follow: boolean;
  validate?: string;
  /** the source is on the host: a copied tree keeps its files' modes (Ansible's copymode) */
  remoteSrc?: boolean;
  expectedChecksum?: string;
  /** `content:` was given: dest must not be a directory */
  fromContent?: boolean;
}

export type TreeInspect =
  | { error: string }
  | { source: SourceTree; states: Record<string, ProbedState>; host: HostFacts };

interface MkdirOp {
  path: string;
  mode?: string;
  owner?: string;
  group?: string;
}

export interface TreeData {
  mkdirs: MkdirOp[];
  puts: PutFileOp[];
  dirAttrs: AttrChange[];
  links: { path: string; target: string }[];
}

/** Ansible's MAX_FILE_SIZE_FOR_DIFF: larger files get no text diff */
export const MAX_DIFF_BYTES = 104448;

const stripSlash = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);

/** '/a/b/c' -> ['/a', '/a/b', '/a/b/c'] (relative paths likewise, without '.') */
function selfAndAncestors(p: string): string[] {
  const out: string[] = [];
  for (let cur = stripSlash(p); cur !== '/' && cur !== '.' && cur !== ''; cur = posix.dirname(cur)) out.unshift(cur);
  return out;
}

/** Every path whose state the plan needs, probed in one round trip. */
export function candidatePaths(source: SourceTree, dest: string): string[] {
  const paths = new Set<string>();
  if (!source.isDir) {
    const rel = source.files[0].rel;
    if (dest.endsWith('/')) {
      paths.add(posix.join(dest, rel));
      for (const d of selfAndAncestors(dest)) paths.add(d);
    } else {
      paths.add(dest);
      if (rel) paths.add(posix.join(dest, rel));
      paths.add(posix.dirname(dest));
    }
    return [...paths];
  }
  const root = stripSlash(dest);
  for (const d of treeDirs(source, root)) paths.add(d);
  for (const f of source.files) paths.add(posix.join(root, f.rel));
  for (const l of source.links) paths.add(posix.join(root, l.rel));
  return [...paths];
}

/** Every directory a tree copy needs at dest (with its ancestors), top down. */
function treeDirs(source: SourceTree, root: string): string[] {
  const under = (rel: string) => posix.join(root, rel);
  const needed = new Set<string>();
  for (const rel of [...source.files.map((f) => f.rel), ...source.links.map((l) => l.rel)]) for (const d of selfAndAncestors(posix.dirname(under(rel)))) needed.add(d);
  for (const rel of source.dirs) for (const d of selfAndAncestors(under(rel))) needed.add(d);
  return [...needed].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
}

/** One round trip: every candidate path with checksums (and content when a diff is wanted). */
export async function inspectTree(ctx: ModuleContext, source: SourceTree, o: TreeOptions): Promise<TreeInspect> {
  const paths = candidatePaths(source, o.dest);
  // files of a copied tree never follow links at dest (Ansible sets follow=False there)
  const probe = await ctx.fs.probe(paths, { follow: !source.isDir && o.follow, checksum: true, content: ctx.diff, contentLimit: MAX_DIFF_BYTES });
  const states: Record<string, ProbedState> = {};
  paths.forEach((p, i) => (states[p] = probe.states[i]));
  return { source, states, host: { umask: probe.umask, user: probe.user } };
}

const isDirLike = (s: ProbedState) => s.type === 'directory' || (s.type === 'link' && s.targetType === 'directory');

interface Acc {
  changed: boolean;
  diff: FileDiff[];
  effects: FileEffect[];
  data: TreeData;
}

/** Pure: source + probed dest -> the plan. */
export function planTree(current: TreeInspect, o: TreeOptions, pctx: PlanContext): Plan<TreeData> {
  if ('error' in current) return { changed: false, failed: true, msg: current.error };
  const { source, states, host } = current;
  const st = (p: string): ProbedState => states[p] ?? ABSENT(p);
  const acc: Acc = { changed: false, diff: [], effects: [], data: { mkdirs: [], puts: [], dirAttrs: [], links: [] } };
  const fail = (msg: string, extra: Record<string, unknown> = {}): Plan<TreeData> => ({ changed: false, failed: true, msg, result: extra });

  // directories to create (missing ones, top down), as os.makedirs + directory_mode would
  const planned = new Set<string>();
  const ensureDirs = (dirs: string[]): string | undefined => {
    for (const d of dirs) {
      if (planned.has(d)) continue;
      const s = st(d);
      if (s.exists && !isDirLike(s)) return `${d} already exists as a ${s.type}`;
      if (!s.exists) {
        const mode = resolveMode(o.directoryMode, defaultMode(host.umask, true), true);
        acc.data.mkdirs.push({ path: d, mode: o.directoryMode !== undefined ? mode : undefined, owner: o.owner, group: o.group });
        acc.effects.push({ path: d, kind: 'directory', mode, owner: o.owner ?? host.user.name, group: o.group ?? host.user.group });
        acc.changed = true;
      }
      planned.add(d);
    }
    return undefined;
  };

  if (!source.isDir) {
    const file = source.files[0];
    if (o.expectedChecksum && file.payload.kind === 'bytes' && sha1(file.payload.content) !== o.expectedChecksum) {
      return fail('Copied file does not match the expected checksum. Transfer failed.', { checksum: sha1(file.payload.content), expected_checksum: o.expectedChecksum });
    }
    let destFile: string;
    if (o.dest.endsWith('/')) {
      destFile = posix.join(o.dest, file.rel);
      const problem = ensureDirs(selfAndAncestors(o.dest));
      if (problem) return fail(problem);
    } else if (st(o.dest).exists && isDirLike(st(o.dest))) {
      if (o.fromContent || !file.rel) return fail('can not use content with a dir as dest');
      destFile = posix.join(o.dest, file.rel);
    } else {
      destFile = o.dest;
      const parent = st(posix.dirname(o.dest));
      if (!st(o.dest).exists && !(parent.exists && isDirLike(parent))) return fail(`Destination directory ${posix.dirname(o.dest)} does not exist`);
    }
    const mode = o.mode === 'preserve' ? file.mode : o.mode;
    const put = planPutFile(destFile, file.payload, st(destFile), { attrs: { mode, owner: o.owner, group: o.group }, backup: o.backup, force: o.force, validate: o.validate, follow: o.follow }, host, pctx.diff);
    if (put.failed) return fail(put.msg!, put.result);
    if (put.op) acc.data.puts.push(put.op);
    if (put.diff) acc.diff.push(put.diff);
    if (put.effect) acc.effects.push(put.effect);
    return finish(acc, put.changed || acc.changed, { ...put.result, changed: put.changed || acc.changed });
  }

  const root = stripSlash(o.dest);
  const under = (rel: string) => posix.join(root, rel);
  const problem = ensureDirs(treeDirs(source, root));
  if (problem) return fail(problem);

  // existing subdirectories get directory_mode, owner and group (Ansible's file state=directory on each)
  for (const rel of source.dirs) {
    const s = st(under(rel));
    if (!s.exists) continue;
    const change = planAttrs({ mode: o.directoryMode, owner: o.owner, group: o.group }, s);
    if (!change) continue;
    acc.data.dirAttrs.push(change);
    acc.effects.push({ path: change.path, kind: 'attrs', mode: change.mode, owner: change.owner, group: change.group });
    if (pctx.diff) {
      const f = attrChangeFields(change);
      acc.diff.push(fieldsDiff(change.path, f.before, f.after));
    }
    acc.changed = true;
  }

  for (const file of source.files) {
    const mode = o.mode === 'preserve' || o.remoteSrc ? file.mode : o.mode;
    const put = planPutFile(under(file.rel), file.payload, st(under(file.rel)), { attrs: { mode, owner: o.owner, group: o.group }, backup: o.backup, force: o.force, validate: o.validate, follow: false }, host, pctx.diff);
    if (put.failed) return fail(put.msg!, put.result);
    if (put.op) acc.data.puts.push(put.op);
    if (put.diff) acc.diff.push(put.diff);
    if (put.effect) acc.effects.push(put.effect);
    acc.changed ||= put.changed;
  }

  for (const link of source.links) {
    const s = st(under(link.rel));
    if (s.type === 'link' && s.linkTarget === link.target) continue;
    if (s.type === 'directory') return fail(`refusing to convert from directory to symlink for ${under(link.rel)}`);
    acc.data.links.push({ path: under(link.rel), target: link.target });
    acc.effects.push({ path: under(link.rel), kind: 'link', target: link.target });
    acc.changed = true;
  }

  return finish(acc, acc.changed, { dest: root + '/', src: source.label, changed: acc.changed });
}

function finish(acc: Acc, changed: boolean, result: Record<string, unknown>): Plan<TreeData> {
  return {
    changed,
    diff: acc.diff.length ? acc.diff : undefined,
    effects: acc.effects,
    result,
    data: acc.data,
  };
}

/** Creates directories, writes files, fixes directory attributes and links, in that order. */
export async function applyTree(ctx: ModuleContext, data: TreeData): Promise<Partial<ModuleResult>> {
  const dirCmds = data.mkdirs.flatMap((d) => [
    argv(['mkdir', '--', d.path]),
    ...attrCommands({ path: d.path, mode: d.mode, owner: d.owner, group: d.group, before: {} }),
  ]);
  if (dirCmds.length) {
    const r = await ctx.run(dirCmds.join(' && '));
    if (r.rc !== 0) return { failed: true, changed: false, msg: `cannot create directories: ${r.stderr.trim()}` };
  }
  let extra: Partial<ModuleResult> = {};
  for (const op of data.puts) {
    const r = await applyPutFile(ctx, op);
    if (r.failed) return r;
    if (data.puts.length === 1) extra = r;
  }
  const later = [
    ...data.dirAttrs.flatMap(attrCommands),
    ...data.links.flatMap((l) => {
      const tmp = posix.join(posix.dirname(l.path), `.tsplay-link.${process.pid}.${Date.now()}`);
      return [argv(['ln', '-s', '--', l.target, tmp]), `{ ${argv(['mv', '-Tf', '--', tmp, l.path])} || { ${argv(['rm', '-f', '--', tmp])}; false; }; }`];
    }),
  ];
  if (later.length) {
    const r = await ctx.run(later.join(' && '));
    if (r.rc !== 0) return { failed: true, msg: `cannot finish copying: ${r.stderr.trim()}` };
  }
  return extra;
}
