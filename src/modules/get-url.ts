import { posix } from 'node:path';
import { z } from 'zod';
import { quote } from '../connection/quote.js';
import { ansibleBool, modeArg, ownerArg, withAliases } from './lib/arg-types.js';
import { attrCommands, desiredAttrs, planAttrs } from './lib/file-attrs.js';
import type { FileState } from './lib/file-state.js';
import { checksumFromFile, filenameFromContentDisposition, parseChecksumArg, urlFilename, type ChecksumSpec } from './lib/get-url-checksum.js';
import { decideDownload, type GetUrlDest } from './lib/get-url-decide.js';
import { DETECT_TOOL, FETCH_RC, fetchCommand, fetchRc, NO_TOOL_MSG, parseFetchStderr, type FetchOptions, type FetchOutcome, type FetchTool } from './lib/get-url-fetch.js';
import type { ChecksumAlgorithm } from './lib/remote-fs.js';
import { defineModule, type ModuleContext, type ModuleResult } from './types.js';

const args = withAliases(
  { username: 'url_username', password: 'url_password' },
  z
    .object({
      url: z.string().regex(/^(https?|ftp|file):\/\//i, 'url must start with http://, https://, ftp:// or file://'),
      dest: z.string().min(1),
      mode: modeArg().optional(),
      owner: ownerArg.optional(),
      group: ownerArg.optional(),
      checksum: z.string().default(''),
      force: ansibleBool.default(false),
      backup: ansibleBool.default(false),
      headers: z.record(z.string(), z.coerce.string()).default({}),
      timeout: z.coerce.number().int().positive().default(10),
      validate_certs: ansibleBool.default(true),
      url_username: z.string().optional(),
      url_password: z.string().optional(),
      force_basic_auth: ansibleBool.default(false),
      http_agent: z.string().default('ansible-httpget'),
      tmp_dest: z.string().optional(),
      // accepted for compatibility: the host's curl/wget use their own proxy environment and decompression rules
      use_proxy: ansibleBool.default(true),
      use_netrc: ansibleBool.default(true),
      decompress: ansibleBool.default(true),
    })
    .strict(),
);

export type GetUrlArgs = z.infer<typeof args>;

/** Downloads a URL on the host (its curl, else wget) into a temp file, verifies it, then moves it into place. */
export default defineModule({
  name: 'get_url',
  args,
  checkMode: 'run',
  async run(ctx, a: GetUrlArgs): Promise<ModuleResult> {
    const started = Date.now();
    const base: ModuleResult = { changed: false, dest: a.dest, url: redactUrl(a.url), checksum_dest: null, checksum_src: null, elapsed: 0 };
    const done = (r: Partial<ModuleResult>): ModuleResult => ({ ...base, ...r, changed: r.changed ?? false, elapsed: Math.round((Date.now() - started) / 1000) });
    let spec: ChecksumSpec | undefined;
    try {
      spec = a.checksum ? parseChecksumArg(a.checksum) : undefined;
    } catch (e) {
      return done({ failed: true, msg: (e as Error).message });
    }
    const algorithm: ChecksumAlgorithm = spec?.algorithm ?? 'sha1';
    const { tool, dest } = await inspectDest(ctx, a.dest, algorithm);
    const fetchOpts: FetchOptions = { url: a.url, headers: a.headers, timeout: a.timeout, validateCerts: a.validate_certs, userAgent: a.http_agent, username: a.url_username, password: a.url_password };

    let expected: string | undefined;
    if (spec && 'hex' in spec) expected = spec.hex;
    else if (spec) {
      if (!tool) return done({ failed: true, msg: NO_TOOL_MSG });
      const r = await fetch(ctx, tool, { ...fetchOpts, url: spec.url }, undefined);
      if (r.failure) return done({ failed: true, msg: `could not download the checksum file ${spec.url}: ${r.failure}`, status_code: r.outcome.status });
      try {
        expected = checksumFromFile(r.stdout, urlFilename(a.url));
      } catch (e) {
        return done({ failed: true, msg: (e as Error).message });
      }
      if (expected === undefined) return done({ failed: true, msg: `Unable to find a checksum for file '${urlFilename(a.url)}' in '${spec.url}'` });
    }

    const decision = decideDownload(dest, { force: a.force, expected });
    if (decision.action === 'fail') return done({ failed: true, msg: decision.msg });
    if (decision.action === 'keep') {
      const attrs = await settleAttrs(ctx, a, dest.state!);
      return done({ changed: attrs, msg: attrs ? 'file already exists but file attributes changed' : 'file already exists', checksum_dest: dest.sha1 ?? null });
    }
    if (!tool) return done({ failed: true, msg: NO_TOOL_MSG });
    if (ctx.check) return checkModeDownload(ctx, a, tool, fetchOpts, dest, algorithm, expected, done);

    // the temp file lives where the final file goes, so the last step is an atomic rename
    const tmpDir = a.tmp_dest ?? (dest.kind === 'dir' ? a.dest : posix.dirname(a.dest));
    const dl = await downloadToTemp(ctx, tool, fetchOpts, tmpDir, algorithm);
    const cleanup = () => ctx.run(`rm -f -- ${quote(dl.temp ?? '')}`).catch(() => undefined);
    if (dl.failure) {
      if (dl.temp) await cleanup();
      return done({ failed: true, msg: `Request failed: ${dl.failure}`, status_code: dl.outcome.status, response: dl.outcome.statusText });
    }
    const final = dest.kind === 'dir' ? posix.join(a.dest, filenameFromContentDisposition(dl.outcome.contentDisposition) ?? urlFilename(dl.outcome.finalUrl)) : a.dest;
    const fetched = { dest: final, checksum_src: dl.sha1, size: dl.size, status_code: dl.outcome.status ?? 200, msg: `OK (${dl.size} bytes)` };
    if (expected !== undefined && dl.sum !== expected) {
      await cleanup();
      return done({ ...fetched, failed: true, msg: `The checksum for ${final} did not match ${expected}; it was ${dl.sum}.` });
    }
    const installed = await install(ctx, a, dl.temp!, final, tmpDir !== posix.dirname(final));
    if (installed.error) return done({ ...fetched, failed: true, msg: installed.error });
    return done({ ...fetched, changed: installed.replaced || installed.attrs, checksum_dest: installed.previousSha1 ?? null, ...(installed.backup ? { backup_file: installed.backup } : {}) });
  },
});

/** A URL as results show it: credentials in it are not repeated. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '********';
    return u.toString();
  } catch {
    return url;
  }
}

const SUMS = (file: string, algorithm: ChecksumAlgorithm) =>
  `sha1sum < ${file} | cut -d' ' -f1; ${algorithm}sum < ${file} | cut -d' ' -f1; wc -c < ${file}`;

/** One round trip: which downloader the host has, and what dest is (with its checksums). */
async function inspectDest(ctx: ModuleContext, destPath: string, algorithm: ChecksumAlgorithm): Promise<{ tool?: FetchTool; dest: GetUrlDest }> {
  const d = quote(destPath);
  const script = [
    DETECT_TOOL,
    `if [ -d ${d} ]; then echo dir; elif [ -f ${d} ]; then echo file; stat -c '%a|%U|%G|%u|%g|%s' -- ${d}; ${SUMS(d, algorithm)}; elif [ -e ${d} ] || [ -L ${d} ]; then echo other; else echo absent; fi`,
  ].join('; ');
  const r = await ctx.run(script);
  if (r.rc !== 0) throw new Error(`cannot inspect ${destPath}: ${r.stderr.trim() || `exit ${r.rc}`}`);
  const [toolLine, kind, st, sha1, sum] = r.stdout.split('\n');
  const tool = toolLine === 'none' ? undefined : (toolLine as FetchTool);
  const dest: GetUrlDest = { kind: kind as GetUrlDest['kind'] };
  if (kind === 'file') {
    const [mode, owner, group, uid, gid, size] = st.split('|');
    const state: FileState = { path: destPath, exists: true, type: 'file', mode: mode.padStart(4, '0'), owner, group, uid: Number(uid), gid: Number(gid), size: Number(size) };
    Object.assign(dest, { sha1, sum, state });
  }
  return { tool, dest };
}

interface FetchRun {
  outcome: FetchOutcome;
  stdout: string;
  /** why it failed (tool error or a non-200 HTTP status), if it did */
  failure?: string;
}

/** Why a finished download counts as failed: the tool's exit status, or an HTTP status other than 200. */
function failureOf(rc: number | undefined, outcome: FetchOutcome, url: string): string | undefined {
  if (outcome.status !== undefined && /^https?:/i.test(outcome.finalUrl) && outcome.status !== 200) return `HTTP Error ${outcome.status}: ${outcome.statusText ?? ''}`.trim();
  if (rc !== 0) return outcome.errors.join('; ') || `the downloader exited ${rc ?? '?'} fetching ${redactUrl(url)}`;
  return undefined;
}

/** Fetches to stdout (read-only on the host): checksum files, and check mode's comparisons. */
async function fetch(ctx: ModuleContext, tool: FetchTool, o: FetchOptions, pipeTo: string | undefined): Promise<FetchRun> {
  const { setup, command, stdin } = fetchCommand(tool, o, undefined);
  if (setup && ctx.check) {
    const outcome = parseFetchStderr('', o.url);
    return { outcome, stdout: '', failure: 'wget needs a temp file for the credentials, which check mode does not write' };
  }
  const r = await ctx.run(`${setup ? setup + '; ' : ''}{ ${command}; echo "${FETCH_RC} $?" >&2; }${pipeTo ? ` | ${pipeTo}` : ''}`, { stdin });
  const outcome = parseFetchStderr(r.stderr, o.url);
  return { outcome, stdout: r.stdout, failure: failureOf(fetchRc(r.stderr), outcome, o.url) };
}

interface TempDownload extends FetchRun {
  temp?: string;
  sha1?: string;
  sum?: string;
  size?: number;
}

/** Downloads into a fresh temp file in `dir`; reports its checksums. The temp file is left for install. */
async function downloadToTemp(ctx: ModuleContext, tool: FetchTool, o: FetchOptions, dir: string, algorithm: ChecksumAlgorithm): Promise<TempDownload> {
  const { setup, command, stdin } = fetchCommand(tool, o, '"$t"');
  const script = [
    setup,
    `t=$(mktemp ${quote(dir)}/.tsplay-get_url.XXXXXX) || exit 1`,
    `printf '%s\\n' "$t"`,
    `${command}; rc=$?; echo "${FETCH_RC} $rc" >&2`,
    `if [ "$rc" = 0 ]; then ${SUMS('"$t"', algorithm)}; fi`,
  ].filter(Boolean).join('; ');
  const r = await ctx.run(script, { stdin });
  const [temp, sha1, sum, size] = r.stdout.split('\n');
  const outcome = parseFetchStderr(r.stderr, o.url);
  if (r.rc !== 0 && !temp) return { outcome, stdout: r.stdout, failure: r.stderr.trim() || `cannot create a temp file in ${dir}` };
  const failure = failureOf(fetchRc(r.stderr), outcome, o.url);
  return { outcome, stdout: r.stdout, failure, temp, sha1, sum, size: size ? Number(size.trim()) : undefined };
}

/**
 * Moves the temp file into place unless dest already has the same content, then sets the
 * requested attributes. One round trip; the temp file is removed in every case.
 */
async function install(ctx: ModuleContext, a: GetUrlArgs, temp: string, final: string, crossDir: boolean): Promise<{ replaced: boolean; attrs: boolean; previousSha1?: string; backup?: string; error?: string }> {
  const t = quote(temp);
  const f = quote(final);
  const defaultMode = `$(printf '%o' $(( 0666 & ~$(umask) )))`;
  const script = [
    `trap 'rm -f -- ${t} "$n"' EXIT`,
    `n=`,
    `if [ -f ${f} ]; then echo "prev $(sha1sum < ${f} | cut -d' ' -f1)"; fi`,
    `if [ -f ${f} ] && [ "$(sha1sum < ${f} | cut -d' ' -f1)" = "$(sha1sum < ${t} | cut -d' ' -f1)" ]; then echo same; else ` +
      [
        // a temp made elsewhere (tmp_dest) is copied next to dest first, so the final step stays a rename
        crossDir ? `n=$(mktemp "$(dirname -- ${f})/.tsplay-get_url.XXXXXX") && cat -- ${t} > "$n" || exit 1` : `n=${t}`,
        `if [ -e ${f} ]; then chmod "$(stat -L -c %a -- ${f})" "$n" && { [ "$(id -u)" != 0 ] || chown "$(stat -L -c %u:%g -- ${f})" "$n"; }; else chmod ${defaultMode} "$n"; fi`,
        a.backup ? `if [ -e ${f} ]; then b=${f}.$$.$(date +%Y-%m-%d@%H:%M:%S~) && cp -p -- ${f} "$b" && echo "backup $b"; fi` : 'true',
        `mv -f -- "$n" ${f} || exit 1`,
        `echo replaced`,
      ].join(' && ') +
      '; fi',
    `s0=$(stat -c '%a %U %G' -- ${f})`,
    ...attrCommands({ path: final, mode: desiredAttrs(a).mode, owner: a.owner, group: a.group, before: {} }).map((c) => `${c} || exit 1`),
    `[ "$s0" = "$(stat -c '%a %U %G' -- ${f})" ] || echo attrs`,
  ].join('; ');
  const r = await ctx.run(script);
  if (r.rc !== 0) return { replaced: false, attrs: false, error: `failed to move the download to ${final}: ${r.stderr.trim() || `exit ${r.rc}`}` };
  const lines = r.stdout.split('\n');
  const value = (key: string) => lines.find((l) => l.startsWith(key + ' '))?.slice(key.length + 1);
  return { replaced: lines.includes('replaced'), attrs: lines.includes('attrs'), previousSha1: value('prev'), backup: value('backup') };
}

/** Mode/owner/group of a kept file: planned purely, applied unless in check mode. */
async function settleAttrs(ctx: ModuleContext, a: GetUrlArgs, state: FileState): Promise<boolean> {
  const change = planAttrs(desiredAttrs(a), state);
  if (!change) return false;
  if (ctx.check) return true;
  const r = await ctx.run(attrCommands(change).join(' && '));
  if (r.rc !== 0) throw new Error(`cannot set attributes of ${state.path}: ${r.stderr.trim()}`);
  return true;
}

/**
 * Check mode writes nothing: the body is streamed through a hash on the host and compared with
 * what dest holds, so "changed" is exactly what the real run would report (at the cost of a download).
 */
async function checkModeDownload(
  ctx: ModuleContext, a: GetUrlArgs, tool: FetchTool, o: FetchOptions, dest: GetUrlDest, algorithm: ChecksumAlgorithm,
  expected: string | undefined, done: (r: Partial<ModuleResult>) => ModuleResult,
): Promise<ModuleResult> {
  // wget's credentials need a temp file, which check mode does not write: predict without comparing
  if (tool === 'wget' && o.username !== undefined) return done({ changed: true, msg: 'would download (check mode cannot compare: wget needs a temp file for the credentials)' });
  const r = await fetch(ctx, tool, o, `{ ${algorithm}sum | cut -d' ' -f1; }`);
  if (r.failure) return done({ failed: true, msg: `Request failed: ${r.failure}`, status_code: r.outcome.status });
  const sum = r.stdout.trim();
  const final = dest.kind === 'dir' ? posix.join(a.dest, filenameFromContentDisposition(r.outcome.contentDisposition) ?? urlFilename(r.outcome.finalUrl)) : a.dest;
  if (expected !== undefined && sum !== expected) return done({ dest: final, failed: true, msg: `The checksum for ${final} did not match ${expected}; it was ${sum}.` });
  let current: string | undefined = dest.kind === 'file' ? dest.sum : undefined;
  if (dest.kind === 'dir') {
    const q = quote(final);
    current = (await ctx.run(`if [ -f ${q} ]; then ${algorithm}sum < ${q} | cut -d' ' -f1; fi`)).stdout.trim() || undefined;
  }
  const same = current === sum;
  const attrs = same && dest.state ? planAttrs(desiredAttrs(a), dest.state) !== undefined : false;
  return done({ dest: final, changed: !same || attrs, status_code: r.outcome.status ?? 200, msg: same ? 'file already has the same content' : 'would download (check mode)' });
}
