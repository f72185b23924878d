import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { z } from 'zod';
import { argv, quote } from '../connection/quote.js';
import { ansibleBool, modeArg, ownerArg } from './lib/arg-types.js';
import { compareMembers, parseDestStat, selectMembers, type MemberDifference } from './lib/archive-compare.js';
import { DECOMPRESSOR, formatFromMagic, HANDLER, parseTarListing, parseZipListing, type ArchiveFormat, type ArchiveMember } from './lib/archive-list.js';
import { normalizeMode } from './lib/file-state.js';
import { defineModule, type ModuleContext } from './types.js';

const SEP = 'TSPLAY-UNARCHIVE';

const args = z
  .object({
    src: z.string().min(1),
    dest: z.string().min(1),
    remote_src: ansibleBool.default(false),
    // deprecated: copy: no means the archive is already on the host
    copy: ansibleBool.optional(),
    creates: z.string().optional(),
    list_files: ansibleBool.default(false),
    exclude: z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v])).default([]),
    include: z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v])).default([]),
    keep_newer: ansibleBool.default(false),
    extra_opts: z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v])).default([]),
    mode: modeArg().optional(),
    owner: ownerArg.optional(),
    group: ownerArg.optional(),
    // accepted for compatibility
    io_buffer_size: z.coerce.number().optional(),
    validate_certs: ansibleBool.default(true),
    decrypt: ansibleBool.default(true),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.src.includes('://')) ctx.addIssue({ code: 'custom', message: 'src as a URL is not supported by tsplay: download it with get_url, then unarchive with remote_src: true' });
    if (a.include.length && a.exclude.length) ctx.addIssue({ code: 'custom', message: 'parameters are mutually exclusive: exclude|include' });
  });

export type UnarchiveArgs = z.infer<typeof args>;

type Current =
  | { skip: string }
  | { error: string }
  | { format: ArchiveFormat; members: ArchiveMember[]; differences: MemberDifference[]; localPath?: string };

interface UnarchiveData {
  format: ArchiveFormat;
  localPath?: string;
}

/** Extracts a tar (plain, gz, bz2, xz, zst) or zip archive into an existing directory on the host. */
export default defineModule<UnarchiveArgs, Current, UnarchiveData>({
  name: 'unarchive',
  args,
  async inspect(ctx, a) {
    const remote = isRemote(a);
    const pre = await ctx.run(preflightScript(a, remote));
    if (pre.rc !== 0) throw new Error(`cannot inspect ${a.dest}: ${pre.stderr.trim() || `exit ${pre.rc}`}`);
    const [created, destKind, offset, tools, head] = pre.stdout.split(`${SEP}\n`).map((s) => s.trim());
    if (a.creates && created === 'yes') return { skip: `skipped, since ${a.creates} exists` };
    if (destKind !== 'dir') return { error: `dest '${a.dest}' must be an existing dir` };

    let localPath: string | undefined;
    let magic: Buffer;
    if (remote) {
      if (head === 'missing') return { error: `Source '${a.src}' does not exist` };
      magic = Buffer.from(head, 'hex');
    } else {
      try {
        localPath = a.src.startsWith('/') ? a.src : ctx.findLocal('files', a.src);
        magic = readHead(localPath);
      } catch (e) {
        return { error: `Could not find or access '${a.src}': ${(e as Error).message}` };
      }
    }
    const format = formatFromMagic(magic);
    if (!format) return { error: `Failed to find handler for "${a.src}". Make sure the required command to extract the file is installed (tar, unzip, xz ...)` };
    const needs = DECOMPRESSOR[format];
    const have = tools.split('\n');
    if (!have.includes('tar') && format !== 'zip') return { error: 'tar is not installed on the host' };
    if (needs && !have.includes(needs)) return { error: `${needs} is needed on the host to extract ${a.src} (install the ${needs} package)` };

    const listing = remote ? await listRemote(ctx, a.src, format) : listLocal(localPath!, format);
    const members = selectMembers(listing, a.include, a.exclude);
    const dest = await statMembers(ctx, a.dest, members);
    const differences = compareMembers(members, dest, {
      mode: normalizeMode(a.mode), owner: a.owner, group: a.group, keepNewer: a.keep_newer, hostUtcOffset: parseOffset(offset),
    });
    return { format, members, differences, localPath };
  },
  plan(a, cur) {
    const result: Record<string, unknown> = { dest: a.dest, src: a.src };
    if ('skip' in cur) return { changed: false, msg: cur.skip, result };
    if ('error' in cur) return { changed: false, failed: true, msg: cur.error, result };
    result.handler = HANDLER[cur.format];
    if (a.list_files) result.files = cur.members.map((m) => m.path).filter((p) => p !== '.');
    const changed = cur.differences.length > 0;
    if (changed) result.differences = cur.differences.slice(0, 50).map((d) => `${d.path}: ${d.reasons.join(', ')}`);
    return { changed, result, data: { format: cur.format, localPath: cur.localPath } };
  },
  async apply(ctx, a, plan) {
    const { format, localPath } = plan.data!;
    const archive = isRemote(a) ? quote(a.src) : '"$t"';
    const script = [
      isRemote(a) ? '' : `t=$(mktemp) || exit 1; trap 'rm -f -- "$t"' EXIT; cat > "$t" || exit 1`,
      `${extractCommand(a, format, archive)} || exit $?`,
      attributeScript(a, format, archive),
    ].filter(Boolean).join('; ');
    const stdin = localPath ? readFileSync(localPath) : undefined;
    const r = await ctx.run(script, { stdin });
    const extract_results = { cmd: extractCommand(a, format, isRemote(a) ? quote(a.src) : '<archive>'), rc: r.rc, out: r.stdout, err: r.stderr };
    if (r.rc !== 0) return { failed: true, rc: r.rc, msg: `failed to unpack ${a.src} to ${a.dest}: ${r.stderr.trim() || `exit ${r.rc}`}`, extract_results };
    return { extract_results };
  },
});

function isRemote(a: UnarchiveArgs): boolean {
  return a.remote_src || a.copy === false;
}

/** creates, dest, the host's UTC offset, the tools present and (remote_src) the archive's first bytes. */
function preflightScript(a: UnarchiveArgs, remote: boolean): string {
  const s = quote(a.src);
  return [
    a.creates ? `if [ -e ${quote(a.creates)} ]; then echo yes; else echo no; fi` : 'echo no',
    `echo ${SEP}`,
    `if [ -d ${quote(a.dest)} ]; then echo dir; else echo no; fi`,
    `echo ${SEP}`,
    `date +%z`,
    `echo ${SEP}`,
    `for p in tar unzip xz bzip2 zstd; do command -v "$p" >/dev/null 2>&1 && echo "$p"; done; true`,
    `echo ${SEP}`,
    remote ? `if [ -f ${s} ] && [ -r ${s} ]; then od -An -tx1 -N 265 -- ${s} | tr -d ' \\n'; echo; else echo missing; fi` : 'echo',
  ].join('; ');
}

/** `+0130` -> 5400 seconds. */
function parseOffset(z: string): number {
  const m = /^([+-])(\d\d)(\d\d)$/.exec(z);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60);
}

function readHead(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(265);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

const TAR_LIST = ['tar', '--numeric-owner', '--full-time', '--quoting-style=literal', '-tvf'];
const ZIP_LIST = ['unzip', '-Z', '-T', '-s'];

/** Lists a controller-side archive with the controller's tar / zipinfo (read-only, nothing sent). */
function listLocal(path: string, format: ArchiveFormat): ArchiveMember[] {
  const [cmd, ...rest] = format === 'zip' ? ZIP_LIST : TAR_LIST;
  const out = execFileSync(cmd, [...rest, path], { env: { ...process.env, TZ: 'UTC' }, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
  return format === 'zip' ? parseZipListing(out) : parseTarListing(out);
}

async function listRemote(ctx: ModuleContext, src: string, format: ArchiveFormat): Promise<ArchiveMember[]> {
  const r = await ctx.run([...(format === 'zip' ? ZIP_LIST : TAR_LIST), src], { env: { TZ: 'UTC' } });
  if (r.rc !== 0) throw new Error(`cannot list ${src}: ${r.stderr.trim() || `exit ${r.rc}`}`);
  return format === 'zip' ? parseZipListing(r.stdout) : parseTarListing(r.stdout);
}

/** lstat of every member under dest in one round trip; the names travel on stdin, NUL-separated. */
async function statMembers(ctx: ModuleContext, dest: string, members: readonly ArchiveMember[]) {
  if (members.length === 0) return new Map();
  const r = await ctx.run(
    `cd ${quote(dest)} && { xargs -0 stat --printf '%F|%a|%s|%Y|%u|%g|%U|%G|%n\\0%N\\0' -- 2>/dev/null; true; }`,
    { stdin: members.map((m) => m.path + '\0').join(''), env: { QUOTING_STYLE: 'literal' } },
  );
  if (r.rc !== 0) throw new Error(`cannot inspect ${dest}: ${r.stderr.trim() || `exit ${r.rc}`}`);
  return parseDestStat(r.stdout);
}

/** The extraction command, as Ansible's handlers build it. */
function extractCommand(a: UnarchiveArgs, format: ArchiveFormat, archive: string): string {
  if (format === 'zip') {
    const words = ['unzip', '-o', ...a.extra_opts];
    return `${argv(words)} ${archive} ${argv(a.include)}${a.exclude.length ? ' -x ' + argv(a.exclude) : ''} -d ${quote(a.dest)}`;
  }
  const words = ['tar', '--extract', '-C', a.dest, ...(a.keep_newer ? ['--keep-newer-files'] : []), ...a.exclude.map((e) => `--exclude=${e}`), ...a.extra_opts];
  return `${argv(words)} -f ${archive} ${argv(a.include)}`.trimEnd();
}

/** mode/owner/group on every extracted member (Ansible sets them path by path after extracting). */
function attributeScript(a: UnarchiveArgs, format: ArchiveFormat, archive: string): string {
  const mode = normalizeMode(a.mode);
  if (!mode && !a.owner && !a.group) return '';
  const names = format === 'zip' ? `unzip -Z1 ${archive}` : `tar -tf ${archive}`;
  // only what is there (excluded members were not extracted); chmod would follow links to their targets
  const existing = (links: boolean) =>
    `${names} | while IFS= read -r p; do if [ -L "$p" ]; then ${links ? `printf '%s\\0' "$p"` : ':'}; elif [ -e "$p" ]; then printf '%s\\0' "$p"; fi; done`;
  const steps: string[] = [];
  if (a.owner || a.group) steps.push(`${existing(true)} | xargs -0 -r chown -h ${quote(`${a.owner ?? ''}${a.group ? ':' + a.group : ''}`)} --`);
  if (mode) steps.push(`${existing(false)} | xargs -0 -r chmod ${quote(mode)} --`);
  return `cd ${quote(a.dest)} && ${steps.join(' && ')}`;
}
