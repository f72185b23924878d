import { quote } from '../../connection/quote.js';
import type { ExecBinaryResult } from '../../connection/types.js';
import type { RunOptions } from '../types.js';
import { CheckOverlay } from './check-overlay.js';
import { ABSENT, type FileState } from './file-state.js';

type Runner = (command: string, opts?: RunOptions) => Promise<ExecBinaryResult>;

const HEADER = 'TSPLAY-STAT ';

/**
 * File operations on a host, each one round trip, all built from quoted parts.
 * In check mode reads go through the overlay of predicted effects.
 */
export class RemoteFs {
  constructor(
    private readonly runner: Runner,
    readonly overlay: CheckOverlay | undefined,
  ) {}

  /** lstat-like: a symlink is reported as a link. With `follow`, the link's target is described. */
  stat(path: string, opts: { follow?: boolean; content?: boolean } = {}): Promise<FileState> {
    const real = () => this.statReal(path, opts);
    return this.overlay?.lookup(path, real) ?? real();
  }

  /** stat + content of a regular file (following links), in one round trip. */
  read(path: string): Promise<FileState> {
    return this.stat(path, { follow: true, content: true });
  }

  private async statReal(path: string, opts: { follow?: boolean; content?: boolean }): Promise<FileState> {
    const p = quote(path);
    const statFlags = opts.follow ? '-L ' : '';
    const script =
      `if [ -e ${p} ] || [ -L ${p} ]; then ` +
      `printf '${HEADER}'; stat ${statFlags}-c '%F|%a|%U|%G|%u|%g|%s|%Y|%X' -- ${p} || exit 3; ` +
      `if [ -L ${p} ]; then readlink -- ${p}; else echo; fi; ` +
      (opts.content ? `if [ -f ${p} ]; then cat -- ${p} || exit 4; fi; ` : '') +
      `else echo absent; fi`;
    const r = await this.runner(script, { binary: true });
    if (r.rc !== 0) throw new Error(`cannot read ${path}: ${r.stderr.trim() || `exit ${r.rc}`}`);
    return parseStat(path, r.stdoutBytes, opts.content ?? false);
  }

  /**
   * Writes `content` to `path` atomically: a temp file in the same directory gets the content, mode
   * and owner, then is renamed into place. `backup` keeps a timestamped copy of the old file.
   */
  async writeFile(
    path: string,
    content: Buffer | string,
    opts: { mode?: string; owner?: string; group?: string; backup?: boolean } = {},
  ): Promise<{ backupFile?: string }> {
    const p = quote(path);
    const owner = opts.owner || opts.group ? `${opts.owner ?? ''}${opts.group ? ':' + opts.group : ''}` : '';
    const defaultMode = `$(printf '%o' $(( 0666 & ~$(umask) )))`;
    const script = [
      `d=$(dirname -- ${p})`,
      `t=$(mktemp "$d/.tsplay.XXXXXX") || exit 1`,
      `trap 'rm -f -- "$t"' EXIT`,
      `cat > "$t"`,
      // keep an existing file's mode and owner unless told otherwise; new files get the umask default
      opts.mode ? `chmod ${quote(opts.mode)} "$t"` : `if [ -e ${p} ]; then chmod "$(stat -L -c %a -- ${p})" "$t"; else chmod ${defaultMode} "$t"; fi`,
      owner ? `chown ${quote(owner)} "$t"` : `if [ -e ${p} ] && [ "$(id -u)" = 0 ]; then chown "$(stat -L -c %u:%g -- ${p})" "$t"; fi`,
      opts.backup ? `if [ -e ${p} ]; then b=${p}.$(date +%Y-%m-%d@%H:%M:%S~) && cp -p -- ${p} "$b" && echo "$b"; fi` : '',
      `mv -f -- "$t" ${p}`,
      `trap - EXIT`,
    ]
      .filter(Boolean)
      .join(' && ');
    const r = await this.runner(script, { stdin: content });
    if (r.rc !== 0) throw new Error(`cannot write ${path}: ${r.stderr.trim() || `exit ${r.rc}`}`);
    const backupFile = r.stdout.trim() || undefined;
    return backupFile ? { backupFile } : {};
  }
}

export function parseStat(path: string, out: Buffer, withContent: boolean): FileState {
  if (out.subarray(0, HEADER.length).toString() !== HEADER) return ABSENT(path);
  const nl1 = out.indexOf(10);
  const nl2 = out.indexOf(10, nl1 + 1);
  const [kind, mode, owner, group, uid, gid, size, mtime, atime] = out.subarray(HEADER.length, nl1).toString().split('|');
  const link = out.subarray(nl1 + 1, nl2).toString();
  const type = kind.startsWith('regular') ? 'file' : kind === 'directory' ? 'directory' : kind === 'symbolic link' ? 'link' : 'other';
  const state: FileState = {
    path, exists: true, type, mode: mode.padStart(4, '0'), owner, group,
    uid: Number(uid), gid: Number(gid), size: Number(size), mtime: Number(mtime), atime: Number(atime),
  };
  if (link) state.linkTarget = link;
  if (type === 'file' && withContent) state.content = out.subarray(nl2 + 1);
  return state;
}
