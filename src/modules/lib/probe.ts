import { createHash } from 'node:crypto';
import { quote } from '../../connection/quote.js';
import { ABSENT, type FileState } from './file-state.js';
import type { ProbedState, ProbeOptions } from './remote-fs.js';

/**
 * The shell side of RemoteFs.probe: one fixed-shape record per path, line based, so several paths
 * travel in one round trip. Content is base64 on one line so binary files cannot break the framing.
 */
const PRESENT = 'TSPLAY-PROBE';
const MISSING = 'TSPLAY-ABSENT';
export const PROBE_UMASK = 'TSPLAY-UMASK ';

export function probeScript(path: string, opts: ProbeOptions): string {
  const p = quote(path);
  // with follow, a dangling link is as good as absent (Ansible's os.stat raises ENOENT)
  const exists = opts.follow ? `[ -e ${p} ]` : `{ [ -e ${p} ] || [ -L ${p} ]; }`;
  const regular = opts.follow ? `[ -f ${p} ]` : `{ [ -f ${p} ] && ! [ -L ${p} ]; }`;
  const parts = [
    `printf '${PRESENT}\\n'`,
    `stat ${opts.follow ? '-L ' : ''}-c '%F|%a|%U|%G|%u|%g|%s|%.9Y|%.9X|%.9Z|%i|%d|%h' -- ${p} || exit 3`,
    `if [ -L ${p} ]; then printf '%s\\n' "$(readlink -- ${p})" "$(readlink -f -- ${p})" "$(stat -L -c %F -- ${p} 2>/dev/null)"; else printf '\\n\\n\\n'; fi`,
    `printf '%s%s%s\\n' "$([ -r ${p} ] && echo r)" "$([ -w ${p} ] && echo w)" "$([ -x ${p} ] && echo x)"`,
  ];
  if (opts.checksum) {
    const tool = `${opts.checksumAlgorithm ?? 'sha1'}sum`;
    parts.push(`if ${regular} && [ -r ${p} ]; then ${tool} < ${p} | cut -d ' ' -f1; else echo; fi`);
  }
  if (opts.content) {
    const small = opts.contentLimit !== undefined ? ` && [ "$(stat -L -c %s -- ${p})" -le ${Math.floor(opts.contentLimit)} ]` : '';
    parts.push(`if ${regular} && [ -r ${p} ]${small}; then printf y; base64 -w0 < ${p}; fi; echo`);
  }
  if (opts.mime) parts.push(`printf '%s\\n' "$(file -b --mime-type --mime-encoding -- ${p} 2>/dev/null)"`);
  return `if ${exists}; then ${parts.join('; ')}; else printf '${MISSING}\\n'; fi`;
}

/** Reads one record starting at `lines[at]`; returns the state and where the next record starts. */
export function parseProbe(path: string, lines: string[], at: number, opts: ProbeOptions): { state: ProbedState; next: number } {
  const marker = lines[at];
  if (marker === MISSING) return { state: ABSENT(path), next: at + 1 };
  if (marker !== PRESENT) throw new Error(`unexpected output inspecting ${path}: ${marker ?? '(nothing)'}`);
  let i = at + 1;
  const [kind, mode, owner, group, uid, gid, size, mtime, atime, ctime, inode, dev, nlink] = lines[i++].split('|');
  const linkTarget = lines[i++];
  const realPath = lines[i++];
  const targetKind = lines[i++];
  const access = lines[i++];
  const state: ProbedState = {
    path, exists: true, type: fileType(kind), fileKind: kind, mode: mode.padStart(4, '0'), owner, group,
    uid: Number(uid), gid: Number(gid), size: Number(size), mtime: Number(mtime), atime: Number(atime), ctime: Number(ctime),
    inode: Number(inode), dev: Number(dev), nlink: Number(nlink),
    readable: access.includes('r'), writeable: access.includes('w'), executable: access.includes('x'),
  };
  if (linkTarget) state.linkTarget = linkTarget;
  if (realPath) state.realPath = realPath;
  if (targetKind) state.targetType = fileType(targetKind);
  if (opts.checksum) {
    const sum = lines[i++];
    if (sum) state.checksum = sum;
  }
  if (opts.content) {
    // "y" marks content that was sent (a file over the limit sends nothing)
    const line = lines[i++];
    if (line.startsWith('y')) state.content = Buffer.from(line.slice(1), 'base64');
  }
  if (opts.mime) {
    const m = /^([^;]+);\s*charset=(.+)$/.exec(lines[i++]);
    if (m) {
      state.mimeType = m[1].trim();
      state.charset = m[2].trim();
    }
  }
  return { state, next: i };
}

function fileType(statKind: string): FileState['type'] {
  if (statKind.startsWith('regular')) return 'file';
  if (statKind === 'directory') return 'directory';
  if (statKind === 'symbolic link') return 'link';
  return 'other';
}

/** A state predicted by the check-mode overlay, given the checksum a probe would have computed. */
export function withChecksum(state: FileState, opts: ProbeOptions): ProbedState {
  const out: ProbedState = { ...state };
  if (opts.checksum && state.content) out.checksum = createHash(opts.checksumAlgorithm ?? 'sha1').update(state.content).digest('hex');
  if (!opts.content) delete out.content;
  return out;
}

export function sha1(data: Buffer | string): string {
  return createHash('sha1').update(data).digest('hex');
}

/** The `find -printf` format parseWalk reads: type, mode, owner, group, uid, gid, mtime, atime, path. */
export const WALK_FORMAT = '%y|%m|%u|%g|%U|%G|%T@|%A@|%p\\0';

/** Parses `find -printf WALK_FORMAT` output. */
export function parseWalk(out: string): FileState[] {
  const entries: FileState[] = [];
  for (const rec of out.split('\0')) {
    if (!rec) continue;
    const fields = rec.split('|');
    if (fields.length < 9) throw new Error(`unexpected listing entry: ${rec}`);
    const [y, mode, owner, group, uid, gid, mtime, atime] = fields;
    const path = fields.slice(8).join('|');
    const type: FileState['type'] = y === 'f' ? 'file' : y === 'd' ? 'directory' : y === 'l' ? 'link' : 'other';
    entries.push({ path, exists: true, type, mode: mode.padStart(4, '0'), owner, group, uid: Number(uid), gid: Number(gid), mtime: Number(mtime), atime: Number(atime) });
  }
  return entries;
}
