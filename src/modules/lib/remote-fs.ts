import { posix } from 'node:path';
import { quote } from '../../connection/quote.js';
import type { ExecBinaryResult } from '../../connection/types.js';
import type { RunOptions } from '../types.js';
import { CheckOverlay } from './check-overlay.js';
import { ABSENT, type FileState } from './file-state.js';
import { parseProbe, parseWalk, PROBE_UMASK, probeScript, WALK_FORMAT, withChecksum } from './probe.js';
import { VALIDATE_FAILED, ValidateFailedError, validateStep } from './validate-command.js';

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
   * and owner, then is renamed into place. `backup` keeps a copy of the old file named like
   * Ansible's (`FILE.PID.YYYY-MM-DD@HH:MM:SS~`) and returns its path.
   * `validate` (Ansible's: a command with `%s`) runs on the temp file first; a failure leaves the
   * destination untouched and throws ValidateFailedError.
   */
  writeFile(path: string, content: Buffer | string, opts: WriteOptions = {}): Promise<{ backupFile?: string }> {
    return this.replaceFile(path, 'cat > "$t"', content, opts);
  }

  /** Like writeFile, with the content taken from `src`, a file on the host (copy with remote_src). */
  copyFile(src: string, path: string, opts: WriteOptions = {}): Promise<{ backupFile?: string }> {
    return this.replaceFile(path, `cat -- ${quote(src)} > "$t"`, undefined, opts);
  }

  private async replaceFile(path: string, fill: string, stdin: Buffer | string | undefined, opts: WriteOptions): Promise<{ backupFile?: string }> {
    const p = quote(path);
    const owner = opts.owner || opts.group ? `${opts.owner ?? ''}${opts.group ? ':' + opts.group : ''}` : '';
    const defaultMode = `$(printf '%o' $(( 0666 & ~$(umask) )))`;
    const script = [
      `d=$(dirname -- ${p})`,
      opts.createParents ? `{ [ -d "$d" ] || mkdir -p -- "$d" || exit ${MKDIR_FAILED}; }` : '',
      `t=$(mktemp "$d/.tsplay.XXXXXX") || exit 1`,
      `trap 'rm -f -- "$t"' EXIT`,
      fill,
      // keep an existing file's mode and owner unless told otherwise; new files get the umask default
      opts.mode ? `chmod ${quote(opts.mode)} "$t"` : `if [ -e ${p} ]; then chmod "$(stat -L -c %a -- ${p})" "$t"; else chmod ${defaultMode} "$t"; fi`,
      owner ? `chown ${quote(owner)} "$t"` : `if [ -e ${p} ] && [ "$(id -u)" = 0 ]; then chown "$(stat -L -c %u:%g -- ${p})" "$t"; fi`,
      opts.validate ? validateStep(opts.validate) : '',
      opts.backup ? `if [ -e ${p} ]; then b=${p}.$$.$(date +%Y-%m-%d@%H:%M:%S~) && cp -p -- ${p} "$b" && echo "$b"; fi` : '',
      `mv -f -- "$t" ${p}`,
      `trap - EXIT`,
    ]
      .filter(Boolean)
      .join(' && ');
    const r = await this.runner(script, { stdin: stdin ?? '' });
    if (r.rc === VALIDATE_FAILED) throw ValidateFailedError.fromOutput(r.stdout, r.stderr);
    if (r.rc === MKDIR_FAILED && opts.createParents) throw new ParentDirError(posix.dirname(path), r.stderr.trim());
    if (r.rc !== 0) throw new Error(`cannot write ${path}: ${r.stderr.trim() || `exit ${r.rc}`}`);
    const backupFile = r.stdout.trim() || undefined;
    return backupFile ? { backupFile } : {};
  }

  /**
   * Several paths described in one round trip (lstat-like unless `follow`), with what file modules
   * need to decide without another trip: sha1 of regular files, content, link resolution, inode and
   * link count (hard links), access bits, the host's umask. Paths the check-mode overlay predicts
   * are answered from it.
   */
  async probe(entries: readonly (string | ProbePath)[], opts: ProbeOptions = {}): Promise<Probe> {
    const states: (ProbedState | undefined)[] = [];
    const real: { index: number; path: string; opts: ProbeOptions }[] = [];
    const paths = entries.map((e) => (typeof e === 'string' ? e : e.path));
    for (const [index, e] of entries.entries()) {
      const path = paths[index];
      const o: ProbeOptions = typeof e === 'string' ? opts : { ...opts, ...withoutPath(e) };
      if (this.overlay?.touches(path)) states[index] = withChecksum(await this.stat(path, { follow: o.follow, content: o.checksum || o.content }), o);
      else real.push({ index, path, opts: o });
    }
    const script = real.map(({ path, opts: o }) => probeScript(path, o)).concat(`printf '${PROBE_UMASK}%s|%s|%s|%s|%s\\n' "$(umask)" "$(id -un)" "$(id -u)" "$(id -gn)" "$(id -g)"`).join('; ');
    const r = await this.runner(script, { binary: true });
    if (r.rc !== 0) throw new Error(`cannot inspect ${real.map((x) => x.path).join(', ')}: ${r.stderr.trim() || `exit ${r.rc}`}`);
    const lines = r.stdoutBytes.toString('utf8').split('\n');
    let cursor = 0;
    for (const { index, path, opts: o } of real) {
      const parsed = parseProbe(path, lines, cursor, o);
      states[index] = parsed.state;
      cursor = parsed.next;
    }
    const umaskLine = lines[cursor] ?? '';
    if (!umaskLine.startsWith(PROBE_UMASK)) throw new Error(`unexpected output inspecting ${paths.join(', ')}`);
    const [umask, name, uid, group, gid] = umaskLine.slice(PROBE_UMASK.length).split('|');
    return { states: states as ProbedState[], umask: parseInt(umask, 8), user: { name, uid: Number(uid), group, gid: Number(gid) } };
  }

  /**
   * Everything below `root` (not `root` itself; root may be a link to a directory, links below it
   * are not followed), in one round trip: what recursive attribute changes compare against.
   * Empty when root is not a directory.
   */
  async walk(root: string): Promise<FileState[]> {
    const r = await this.runner(
      `if [ -d ${quote(root)} ]; then find -H ${quote(root)} -mindepth 1 -printf '${WALK_FORMAT}'; fi`,
      { binary: true },
    );
    if (r.rc !== 0) throw new Error(`cannot list ${root}: ${r.stderr.trim() || `exit ${r.rc}`}`);
    return parseWalk(r.stdoutBytes.toString('utf8'));
  }
}

export interface WriteOptions {
  mode?: string;
  owner?: string;
  group?: string;
  backup?: boolean;
  /** Ansible's validate: a command line with `%s` for the file to check */
  validate?: string;
  /** create missing parent directories first, in the same round trip */
  createParents?: boolean;
}

/** The exit status of a write whose parent directory could not be created. */
const MKDIR_FAILED = 96;

/** createParents could not make the file's directory (stderr says why). */
export class ParentDirError extends Error {
  constructor(
    readonly dir: string,
    readonly stderr: string,
  ) {
    super(`cannot create ${dir}: ${stderr}`);
    this.name = 'ParentDirError';
  }
}

/** A path probed with its own options (e.g. a link, and separately what it points to). */
export interface ProbePath extends ProbeOptions {
  path: string;
}

export interface ProbeOptions {
  follow?: boolean;
  /** a checksum of regular files, computed on the host */
  checksum?: boolean;
  /** which one (default sha1): the host runs `<algorithm>sum` */
  checksumAlgorithm?: ChecksumAlgorithm;
  content?: boolean;
  /** send content only for files up to this many bytes (diffs of huge files are useless) */
  contentLimit?: number;
  /** `file --mime-type --mime-encoding` */
  mime?: boolean;
}

export type ChecksumAlgorithm = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** A path as `probe` sees it: FileState plus what file modules compare. */
export interface ProbedState extends FileState {
  /** stat's %F: "regular file", "directory", "fifo", "socket", "character special file"... */
  fileKind?: string;
  /** checksum (sha1 unless asked otherwise) of a readable regular file, hex */
  checksum?: string;
  inode?: number;
  dev?: number;
  nlink?: number;
  ctime?: number;
  readable?: boolean;
  writeable?: boolean;
  executable?: boolean;
  /** for links: the path with every link resolved (readlink -f) */
  realPath?: string;
  /** for links: the type of what the link points to (undefined when dangling) */
  targetType?: FileState['type'];
  mimeType?: string;
  charset?: string;
}

export interface Probe {
  states: ProbedState[];
  /** the host's umask, e.g. 0o022: the mode new files get */
  umask: number;
  /** who we are on the host (after become): the owner of new files */
  user: { name: string; uid: number; group: string; gid: number };
}

function withoutPath(e: ProbePath): ProbeOptions {
  const { path: _path, ...o } = e;
  return o;
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
