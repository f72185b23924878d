import { lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { quote } from '../../connection/quote.js';
import type { ModuleContext } from '../types.js';
import type { Payload } from './put-file.js';
import { MAX_DIFF_BYTES } from './copy-tree.js';
import { parseWalk, WALK_FORMAT } from './probe.js';

/**
 * What copy copies, gathered before the host is asked anything: one file, or a tree (Ansible's
 * _walk_dirs). `rel` paths are relative to dest; a directory src without a trailing slash brings
 * its own name along, as rsync does.
 */
export interface SourceTree {
  /** a directory src: dest is a directory and everything lands below it */
  isDir: boolean;
  /** the src as the user meant it (for results) */
  label: string;
  files: SourceFile[];
  /** subdirectories to create below dest (Ansible runs file state=directory on each) */
  dirs: string[];
  /** links copied as links (local_follow=false, or links that cannot be followed) */
  links: { rel: string; target: string }[];
}

export interface SourceFile {
  rel: string;
  payload: Payload;
  /** the source's own mode (octal), for mode=preserve */
  mode: string;
}

/** `content:` as the file. */
export function contentSource(content: string): SourceTree {
  return { isDir: false, label: 'dynamically generated', files: [{ rel: '', payload: { kind: 'bytes', content: Buffer.from(content) }, mode: '0644' }], dirs: [], links: [] };
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** A controller-side file or directory (already resolved by findLocal). */
export function localSource(path: string, trailingSlash: boolean, localFollow: boolean): SourceTree {
  const st = statSync(path);
  if (!st.isDirectory()) {
    return { isDir: false, label: path, files: [{ rel: basename(path), payload: { kind: 'bytes', content: readFileSync(path), label: path }, mode: octal(st.mode) }], dirs: [], links: [] };
  }
  const tree: SourceTree = { isDir: true, label: trailingSlash ? path.replace(/\/*$/, '/') : path, files: [], dirs: [], links: [] };
  const prefix = trailingSlash ? '' : basename(path);
  walkLocal(path, prefix, localFollow, new Set([realpathSync(path)]), tree);
  return tree;
}

function walkLocal(dir: string, rel: string, follow: boolean, ancestors: Set<string>, tree: SourceTree): void {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    const r = rel ? posix.join(rel, name) : name;
    const l = lstatSync(full);
    if (l.isSymbolicLink()) {
      const real = safeRealpath(full);
      const target = real ? statSync(real) : undefined;
      if (!follow || !target || (target.isDirectory() && ancestors.has(real!))) {
        // not followed, dangling, or circular: copy the link itself
        tree.links.push({ rel: r, target: readlinkSync(full) });
      } else if (target.isDirectory()) {
        tree.dirs.push(r);
        walkLocal(real!, r, follow, new Set([...ancestors, real!]), tree);
      } else {
        tree.files.push({ rel: r, payload: { kind: 'bytes', content: readFileSync(real!), label: full }, mode: octal(target.mode) });
      }
    } else if (l.isDirectory()) {
      tree.dirs.push(r);
      walkLocal(full, r, follow, new Set([...ancestors, realpathSync(full)]), tree);
    } else if (l.isFile()) {
      tree.files.push({ rel: r, payload: { kind: 'bytes', content: readFileSync(full), label: full }, mode: octal(l.mode) });
    }
  }
}

function safeRealpath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/**
 * A file or directory on the host (remote_src): one round trip to learn what it is and the
 * checksums of its files; content only when a diff or check mode needs it.
 */
export async function hostSource(ctx: ModuleContext, src: string, withContent: boolean): Promise<SourceTree | { error: string }> {
  const { states } = await ctx.fs.probe([src], { follow: true, checksum: true, content: withContent, contentLimit: MAX_DIFF_BYTES });
  const st = states[0];
  if (!st.exists) return { error: `Source ${src} not found` };
  if (st.type === 'file') {
    if (st.checksum === undefined) return { error: `Source ${src} not readable` };
    const payload: Payload = { kind: 'host', path: src, checksum: st.checksum, size: st.size ?? 0, label: src, ...(st.content ? { content: st.content } : {}) };
    return { isDir: false, label: src, files: [{ rel: posix.basename(src), payload, mode: st.mode ?? '0644' }], dirs: [], links: [] };
  }
  if (st.type !== 'directory') return { error: `Cannot copy invalid source '${src}': not a file` };
  return hostTree(ctx, src);
}

/** Lists a host directory with checksums in one round trip (find + sha1sum). */
async function hostTree(ctx: ModuleContext, src: string): Promise<SourceTree | { error: string }> {
  const trailingSlash = src.endsWith('/');
  const root = src.replace(/\/+$/, '') || '/';
  const r = await ctx.run(
    `find ${quote(root)} -mindepth 1 -printf '${WALK_FORMAT}' && printf '\\0TSPLAY-SUMS\\0' && find ${quote(root)} -mindepth 1 -type f -exec sha1sum -z -- {} +`,
    { binary: true },
  );
  if (r.rc !== 0) return { error: `cannot read source directory ${src}: ${r.stderr.trim()}` };
  const out = r.stdoutBytes.toString('utf8');
  const cut = out.indexOf('\0TSPLAY-SUMS\0');
  const entries = parseWalk(out.slice(0, cut));
  const sums = new Map<string, string>();
  for (const line of out.slice(cut + '\0TSPLAY-SUMS\0'.length).split('\0')) {
    if (line) sums.set(line.slice(42), line.slice(0, 40));
  }
  const prefix = trailingSlash ? '' : posix.basename(root);
  const rel = (p: string) => posix.join(prefix, p.slice(root.length + 1));
  const tree: SourceTree = { isDir: true, label: src, files: [], dirs: [], links: [] };
  for (const e of entries) {
    if (e.type === 'directory') tree.dirs.push(rel(e.path));
    else if (e.type === 'file') {
      const checksum = sums.get(e.path);
      if (checksum === undefined) return { error: `Source ${e.path} not readable` };
      tree.files.push({ rel: rel(e.path), payload: { kind: 'host', path: e.path, checksum, size: 0, label: e.path }, mode: e.mode ?? '0644' });
    }
  }
  return tree;
}
