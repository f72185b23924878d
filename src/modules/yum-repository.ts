import { posix } from 'node:path';
import { z } from 'zod';
import { argv } from '../connection/quote.js';
import { ansibleBool, modeArg, ownerArg, withAliases } from './lib/arg-types.js';
import { attrChangeFields, attrCommands, defaultMode, desiredAttrs, fieldsDiff, planAttrs, type AttrChange } from './lib/file-attrs.js';
import type { Probe, ProbedState } from './lib/remote-fs.js';
import { dumpRepoFile, parseRepoFile, RepoFileError, renderRepoFile, withoutRepo, withRepo, type RepoFile } from './lib/rpm-repo-file.js';
import { textArg } from './lib/text-file-module.js';
import { defineModule, type FileDiff, type FileEffect, type Plan } from './types.js';

/** Ansible's type='list': a string is split on commas (not stripped); YAML numbers become strings. */
const strList = z.preprocess((v) => (typeof v === 'string' ? v.split(',') : v), z.array(textArg));

/** Repo file options that are plain strings in Ansible's argument spec (written as given). */
const STRING_OPTIONS = [
  'bandwidth', 'cost', 'deltarpm_metadata_percentage', 'deltarpm_percentage', 'gpgcakey', 'include', 'metadata_expire', 'metalink', 'mirrorlist',
  'mirrorlist_expire', 'password', 'priority', 'proxy', 'proxy_password', 'proxy_username', 'retries', 'sslcacert', 'sslclientcert', 'sslclientkey',
  'throttle', 'timeout', 'ui_repoid_vars', 'username',
] as const;
/** Booleans, written as 1 or 0. */
const BOOL_OPTIONS = [
  'async', 'enabled', 'enablegroups', 'gpgcheck', 'keepalive', 'module_hotfixes', 'protect', 'repo_gpgcheck', 's3_enabled', 'skip_if_unavailable',
  'ssl_check_cert_permissions', 'sslverify',
] as const;
/** Lists written on one line, space separated. */
const SPACE_LISTS = ['exclude', 'includepkgs'] as const;
/** Lists written one item per line (continuation lines). */
const LINE_LISTS = ['baseurl', 'gpgkey'] as const;
const CHOICES = {
  failovermethod: ['roundrobin', 'priority'],
  http_caching: ['all', 'packages', 'none'],
  ip_resolve: ['4', '6', 'IPv4', 'IPv6', 'whatever'],
  keepcache: ['0', '1'],
  metadata_expire_filter: ['never', 'read-only:past', 'read-only:present', 'read-only:future'],
} as const;

const optionFields = Object.fromEntries([
  ...STRING_OPTIONS.map((k) => [k, textArg.optional()]),
  ...BOOL_OPTIONS.map((k) => [k, ansibleBool.optional()]),
  ...[...SPACE_LISTS, ...LINE_LISTS].map((k) => [k, strList.optional()]),
  ...Object.entries(CHOICES).map(([k, c]) => [k, z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.enum(c as unknown as [string, ...string[]])).optional()]),
]) as Record<(typeof STRING_OPTIONS)[number], z.ZodOptional<typeof textArg>> &
  Record<(typeof BOOL_OPTIONS)[number], z.ZodOptional<typeof ansibleBool>> &
  Record<(typeof SPACE_LISTS)[number] | (typeof LINE_LISTS)[number], z.ZodOptional<typeof strList>> &
  Record<keyof typeof CHOICES, z.ZodOptional<z.ZodType<string>>>;

const fields = z
  .object({
    name: textArg,
    description: textArg.optional(),
    file: textArg.optional(),
    reposdir: z.string().default('/etc/yum.repos.d'),
    state: z.enum(['present', 'absent']).default('present'),
    params: z.unknown().optional(),
    mode: modeArg().optional(),
    owner: ownerArg.optional(),
    group: ownerArg.optional(),
    ...optionFields,
  })
  .strict();

export type YumRepositoryArgs = z.infer<typeof fields>;

const args = withAliases({ ca_cert: 'sslcacert', client_cert: 'sslclientcert', client_key: 'sslclientkey', validate_certs: 'sslverify' }, fields);

/** The options Ansible writes for a repo, from the arguments (description becomes `name`). */
export function repoOptions(a: YumRepositoryArgs): Map<string, string> {
  const out = new Map<string, string>();
  const rec = a as unknown as Record<string, unknown>;
  if (a.description !== undefined) out.set('name', a.description);
  for (const k of [...STRING_OPTIONS, ...Object.keys(CHOICES)]) if (typeof rec[k] === 'string') out.set(k, rec[k] as string);
  for (const k of BOOL_OPTIONS) if (typeof rec[k] === 'boolean') out.set(k, rec[k] ? '1' : '0');
  for (const k of SPACE_LISTS) if (Array.isArray(rec[k])) out.set(k, (rec[k] as string[]).join(' '));
  for (const k of LINE_LISTS) if (Array.isArray(rec[k])) out.set(k, (rec[k] as string[]).join('\n'));
  return out;
}

export interface RepoFileState {
  dir: ProbedState;
  file: ProbedState;
  umask: number;
  user: Probe['user'];
}

export interface RepoWrite {
  path: string;
  /** the new file; absent: remove the file (its last repo is gone) */
  content?: string;
  /** the file is (re)written: attributes the write sets */
  mode?: string;
  owner?: string;
  group?: string;
  /** only attributes change */
  attrs?: AttrChange;
}

export function repoFilePath(a: YumRepositoryArgs): string {
  return posix.join(a.reposdir, `${a.file ?? a.name}.repo`);
}

/** Pure: the repo file as it is -> Ansible's decision, diff and the write. */
export function planYumRepository(a: YumRepositoryArgs, st: RepoFileState, diff: boolean): Plan<RepoWrite> {
  const path = repoFilePath(a);
  const base = { repo: a.name, state: a.state };
  const fail = (msg: string) => ({ changed: false, failed: true, msg, result: base });
  if (a.params !== undefined) return fail("The params option to yum_repository was removed in Ansible 2.5 since it circumvents Ansible's option handling");
  if (a.state === 'present') {
    if (a.baseurl === undefined && a.metalink === undefined && a.mirrorlist === undefined) return fail("Parameter 'baseurl', 'metalink' or 'mirrorlist' is required.");
    if (a.description === undefined) return fail("Parameter 'description' is required.");
  }
  if (st.dir.type !== 'directory') return fail(`Repo directory '${a.reposdir}' does not exist.`);
  if (st.file.exists && st.file.type !== 'file') return fail(`${path} is not a regular file`);
  let current: RepoFile;
  try {
    current = st.file.exists ? parseRepoFile((st.file.content ?? Buffer.alloc(0)).toString('utf8'), path) : new Map();
  } catch (e) {
    if (e instanceof RepoFileError) return fail(e.message);
    throw e;
  }
  const next = a.state === 'present' ? withRepo(current, a.name, repoOptions(a)) : withoutRepo(current, a.name);
  const before = dumpRepoFile(current);
  const after = dumpRepoFile(next);
  const contentChanged = before !== after;
  const diffs: FileDiff[] = [];
  if (contentChanged && diff) diffs.push({ before, after, beforeHeader: path, afterHeader: path });
  const attrsWanted = desiredAttrs(a);
  const removing = next.size === 0;
  // attributes are compared with the file as it will be (Ansible sets them after writing)
  const existsAfter = contentChanged ? !removing : st.file.exists;
  const baseState: ProbedState = st.file.exists
    ? st.file
    : { path, exists: true, type: 'file', mode: defaultMode(st.umask, false), owner: st.user.name, uid: st.user.uid, group: st.user.group, gid: st.user.gid };
  const attrs = existsAfter ? planAttrs(attrsWanted, { ...baseState, path }) : undefined;
  if (!contentChanged && !attrs) return { changed: false, result: base };
  if (attrs && diff) {
    const f = attrChangeFields(attrs);
    diffs.push(fieldsDiff(path, f.before, f.after));
  }
  let data: RepoWrite;
  let effect: FileEffect;
  if (contentChanged && removing) {
    data = { path };
    effect = { path, kind: 'absent' };
  } else if (contentChanged) {
    const content = renderRepoFile(next);
    data = { path, content, mode: attrs?.mode, owner: attrs?.owner, group: attrs?.group };
    effect = {
      path, kind: 'file', content: Buffer.from(content),
      mode: attrs?.mode ?? baseState.mode, owner: attrs?.owner ?? baseState.owner, group: attrs?.group ?? baseState.group,
    };
  } else {
    data = { path, attrs: attrs! };
    effect = { path, kind: 'attrs', mode: attrs!.mode, owner: attrs!.owner, group: attrs!.group };
  }
  return { changed: true, diff: diffs.length ? diffs : undefined, effects: [effect], result: base, data };
}

/** Writes INI `.repo` files in /etc/yum.repos.d, one section per repository (Ansible's yum_repository). */
export default defineModule<YumRepositoryArgs, RepoFileState, RepoWrite>({
  name: 'yum_repository',
  args,
  async inspect(ctx, a) {
    const probe = await ctx.fs.probe([{ path: a.reposdir, follow: true }, { path: repoFilePath(a), follow: true, content: true }]);
    return { dir: probe.states[0], file: probe.states[1], umask: probe.umask, user: probe.user };
  },
  plan: (a, st, pctx) => planYumRepository(a, st, pctx.diff),
  async apply(ctx, _a, plan) {
    const w = plan.data!;
    if (w.attrs) {
      const r = await ctx.run(attrCommands(w.attrs).join(' && '));
      if (r.rc !== 0) return { failed: true, changed: false, msg: `cannot set attributes of ${w.path}: ${r.stderr.trim()}` };
      return {};
    }
    if (w.content === undefined) {
      const r = await ctx.run(argv(['rm', '-f', '--', w.path]));
      if (r.rc !== 0) return { failed: true, changed: false, msg: `Cannot remove empty repo file ${w.path}.`, details: r.stderr.trim() };
      return {};
    }
    await ctx.fs.writeFile(w.path, w.content, {
      ...(w.mode !== undefined ? { mode: w.mode } : {}),
      ...(w.owner !== undefined ? { owner: w.owner } : {}),
      ...(w.group !== undefined ? { group: w.group } : {}),
    });
    return {};
  },
});
