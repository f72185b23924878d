import { z } from 'zod';
import { ansibleBool, withAliases } from './arg-types.js';

/**
 * The arguments dnf and yum share (Ansible's yumdnf argument spec, the part tsplay implements),
 * normalized the way Ansible does: lists may be comma strings, `installed`/`removed` are
 * `present`/`absent`, and the state defaults to absent with autoremove.
 */

/** Ansible's list-of-str that also takes "a,b" (and a single string) */
export const commaList = z
  .preprocess((v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]), z.array(z.union([z.string(), z.number()]).transform(String)))
  .transform((items) => {
    const out = items.flatMap((item) => (item.includes(',') ? item.split(',').map((s) => s.trim()) : [item.trim()]));
    return out.length === 1 && out[0] === '' ? [] : out;
  });

const SPACE_SEPARATED =
  'It appears that a space separated string of packages was passed in as an argument. To operate on several packages, pass a comma separated string of packages or a list of packages.';

export const rpmFields = {
  name: commaList.default([]),
  state: z.enum(['absent', 'installed', 'latest', 'present', 'removed']).optional(),
  enablerepo: commaList.default([]),
  disablerepo: commaList.default([]),
  disable_excludes: z.string().optional(),
  disable_gpg_check: ansibleBool.default(false),
  update_cache: ansibleBool.default(false),
  exclude: commaList.default([]),
  install_weak_deps: ansibleBool.default(true),
  allow_downgrade: ansibleBool.default(false),
  autoremove: ansibleBool.default(false),
};

export type RpmState = 'present' | 'latest' | 'absent';

/** What the plans and command builders see. */
export interface RpmArgs {
  names: string[];
  state: RpmState;
  enablerepo: string[];
  disablerepo: string[];
  disable_excludes?: string;
  disable_gpg_check: boolean;
  update_cache: boolean;
  exclude: string[];
  install_weak_deps: boolean;
  allow_downgrade: boolean;
  autoremove: boolean;
  /** yum only: auto picks from the facts; yum/yum3 force yum 3, yum4/dnf force dnf */
  use_backend?: 'auto' | 'yum' | 'yum4' | 'dnf';
}

type Raw = z.infer<z.ZodObject<typeof rpmFields>> & { use_backend?: RpmArgs['use_backend'] };

function normalize(a: Raw, ctx: z.RefinementCtx): RpmArgs {
  for (const n of a.name) {
    if (n.includes(' ') && !['@', '>', '<', '='].some((c) => n.includes(c))) ctx.addIssue({ code: 'custom', message: SPACE_SEPARATED });
    // every word reaches dnf/yum as one quoted argument; a leading dash would still be an option
    if (n.startsWith('-')) ctx.addIssue({ code: 'custom', message: `invalid package name: ${n}` });
  }
  for (const r of [...a.enablerepo, ...a.disablerepo, ...a.exclude, a.disable_excludes ?? '']) {
    if (r.startsWith('-')) ctx.addIssue({ code: 'custom', message: `invalid value: ${r}` });
  }
  const state: RpmState = a.state === undefined ? (a.autoremove ? 'absent' : 'present') : a.state === 'installed' ? 'present' : a.state === 'removed' ? 'absent' : a.state;
  if (a.autoremove && state !== 'absent') ctx.addIssue({ code: 'custom', message: 'Autoremove should be used alone or with state=absent' });
  return {
    names: a.name,
    state,
    enablerepo: a.enablerepo,
    disablerepo: a.disablerepo,
    ...(a.disable_excludes !== undefined ? { disable_excludes: a.disable_excludes } : {}),
    disable_gpg_check: a.disable_gpg_check,
    update_cache: a.update_cache,
    exclude: a.exclude,
    install_weak_deps: a.install_weak_deps,
    allow_downgrade: a.allow_downgrade,
    autoremove: a.autoremove,
    ...(a.use_backend !== undefined ? { use_backend: a.use_backend } : {}),
  };
}

const ALIASES = { pkg: 'name', 'expire-cache': 'update_cache' };

export const dnfArgs = withAliases(ALIASES, z.object(rpmFields).strict().transform(normalize));

export const yumArgs = withAliases(
  ALIASES,
  z
    .object({ ...rpmFields, use_backend: z.enum(['auto', 'yum', 'yum4', 'dnf']).default('auto') })
    .strict()
    .transform(normalize),
);
