import { z } from 'zod';
import { argv, quote } from '../connection/quote.js';
import { ansibleBool, modeArg, withAliases } from './lib/arg-types.js';
import { planRepository, repoSource, SOURCES_DIR, SOURCES_LIST, suggestFilename, type RepositoryChange, type SourcesFiles } from './lib/apt-sources.js';
import { updateAptCache } from './lib/apt-update.js';
import { normalizeMode } from './lib/file-state.js';
import { textDiff } from './lib/text-diff.js';
import { defineModule, type FileEffect, type ModuleContext } from './types.js';

const fields = z
  .object({
    repo: z.string().min(1),
    state: z.enum(['present', 'absent']).default('present'),
    filename: z.string().min(1).optional(),
    mode: modeArg().optional(),
    update_cache: ansibleBool.default(true),
    update_cache_retries: z.coerce.number().int().min(1).default(5),
    update_cache_retry_max_delay: z.coerce.number().int().min(0).default(12),
    validate_certs: ansibleBool.default(true),
    codename: z.string().optional(),
    install_python_apt: ansibleBool.default(true),
  })
  .strict();

export type AptRepositoryArgs = z.infer<typeof fields>;

const args = withAliases({ 'update-cache': 'update_cache' }, fields);

interface RepoData {
  change: RepositoryChange;
  /** what each written path held before (null: it did not exist), to put back if the update fails */
  before: Record<string, string | null>;
  mode: string;
  updateCache: boolean;
  retries: number;
  maxDelay: number;
}

const MARK = '@@tsplay-sources ';

/** Every one-line sources file, base64 so any content survives, in one round trip. */
const LIST_SCRIPT =
  `for f in ${quote(SOURCES_LIST)} ${quote(SOURCES_DIR)}/*.list; do [ -f "$f" ] || continue; ` +
  `printf '${MARK}%s\\n' "$f"; base64 -w0 < "$f" || exit 3; echo; done; echo ${quote(MARK + 'end')}`;

export function parseSourcesListing(out: string): SourcesFiles {
  const files: SourcesFiles = {};
  const lines = out.split('\n');
  if (!lines.includes(`${MARK}end`)) throw new Error('unexpected output listing apt sources');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith(MARK) || lines[i] === `${MARK}end`) continue;
    files[lines[i].slice(MARK.length)] = Buffer.from(lines[i + 1] ?? '', 'base64').toString('utf8');
  }
  return files;
}

async function readSources(ctx: ModuleContext, target: string): Promise<SourcesFiles> {
  const r = await ctx.run(LIST_SCRIPT);
  if (r.rc !== 0) throw new Error(`cannot read apt sources: ${r.stderr.trim() || `exit ${r.rc}`}`);
  const files = parseSourcesListing(r.stdout);
  // in check mode an earlier task may have written (or removed) one of them
  for (const path of new Set([...Object.keys(files), target])) {
    if (!ctx.fs.overlay?.touches(path)) continue;
    const st = await ctx.fs.read(path);
    if (st.exists && st.type === 'file') files[path] = st.content?.toString('utf8') ?? '';
    else delete files[path];
  }
  return files;
}

/**
 * One-line apt repositories in /etc/apt/sources.list and sources.list.d/*.list, as Ansible's
 * apt_repository: add (or re-enable) a `deb ...` line, or remove it everywhere; new lines go to a
 * file named after the URL (or `filename`). Keys are not this module's business: put the key file
 * in /etc/apt/keyrings (copy or get_url) and reference it with `[signed-by=...]`.
 */
export default defineModule<AptRepositoryArgs, SourcesFiles, RepoData>({
  name: 'apt_repository',
  args,
  async inspect(ctx, a) {
    const parsed = repoSource(a.repo);
    return readSources(ctx, 'source' in parsed ? suggestFilename(parsed.source, a.filename) : SOURCES_LIST);
  },
  plan(a, files, pctx) {
    const parsed = repoSource(a.repo);
    const result = { repo: a.repo, state: a.state };
    if ('error' in parsed) return { changed: false, failed: true, msg: parsed.error, result };
    if (a.repo.trim().startsWith('ppa:')) return { changed: false, failed: true, msg: 'ppa: repositories are not supported by tsplay', result };
    const change = planRepository(files, parsed.source, a.state, suggestFilename(parsed.source, a.filename));
    const paths = Object.keys(change.writes).sort();
    const changed = paths.length > 0;
    const mode = normalizeMode(a.mode) ?? '0644';
    const effects: FileEffect[] = paths.map((path) => {
      const text = change.writes[path];
      return text === null ? { path, kind: 'absent' } : { path, kind: 'file', content: Buffer.from(text), ...(change.added.includes(path) ? { mode } : {}) };
    });
    const diff = pctx.diff
      ? paths.map((path) => ({
          ...textDiff(files[path], change.writes[path] ?? '', path),
          beforeHeader: path in files ? path : '/dev/null',
          afterHeader: change.writes[path] === null ? '/dev/null' : path,
        }))
      : undefined;
    return {
      changed,
      diff,
      effects,
      result: { ...result, sources_added: change.added, sources_removed: change.removed },
      data: { change, before: Object.fromEntries(paths.map((p) => [p, files[p] ?? null])), mode, updateCache: a.update_cache, retries: a.update_cache_retries, maxDelay: a.update_cache_retry_max_delay },
    };
  },
  async apply(ctx, _a, plan) {
    const d = plan.data!;
    for (const [path, text] of Object.entries(d.change.writes)) {
      if (text === null) {
        const r = await ctx.run(argv(['rm', '-f', '--', path]));
        if (r.rc !== 0) return { failed: true, changed: false, msg: `cannot remove ${path}: ${r.stderr.trim()}` };
      } else {
        await ctx.fs.writeFile(path, text, d.change.added.includes(path) ? { mode: d.mode } : {});
      }
    }
    if (!d.updateCache) return {};
    const failure = await updateAptCache(ctx, d.retries, d.maxDelay);
    if (!failure) return {};
    // as Ansible: a repository apt cannot read must not stay behind to break every later apt task
    const restore = await restoreSources(ctx, d.before);
    return { failed: true, msg: failure.msg + restore, stdout: failure.stdout, stderr: failure.stderr };
  },
});

/** Puts the sources files back as they were; returns a note for the message when that failed. */
async function restoreSources(ctx: ModuleContext, before: Record<string, string | null>): Promise<string> {
  for (const [path, text] of Object.entries(before)) {
    try {
      if (text !== null) await ctx.fs.writeFile(path, text);
      else {
        const r = await ctx.run(argv(['rm', '-f', '--', path]));
        if (r.rc !== 0) throw new Error(r.stderr.trim());
      }
    } catch (e) {
      return ` (and putting ${path} back failed: ${(e as Error).message})`;
    }
  }
  return '';
}
