import type { Plan } from '../types.js';
import type { RpmArgs } from './rpm-args.js';
import { transaction, type RpmBackend, type TransactionKind } from './rpm-commands.js';
import { archCompatible, compareEvr, nevra, newest, specMatches, specVersion, type RpmPackage } from './rpm-nevra.js';

/**
 * Pure decisions of dnf and yum: the arguments and what the host has (installed packages, and what
 * the repositories offer where it matters) -> what to install, upgrade, downgrade or remove, the
 * commands that do it, and Ansible's result fields.
 */

export interface RpmHostState {
  backend: RpmBackend;
  installed: RpmPackage[];
  /** what the repositories offer for the specs in `availableFor` (not asked: undefined) */
  available?: RpmPackage[];
  availableFor?: string[];
  /** `name: '*'`, state latest: what check-update lists */
  updates?: RpmPackage[];
  /** autoremove (dnf): what dnf would remove as no longer needed */
  unneeded?: RpmPackage[];
  /** update_cache ran during inspect (it does not in check mode) */
  cacheUpdated?: boolean;
  /**
   * check mode: an earlier task would have changed the repository files (yum_repository), so a
   * package the repositories do not offer yet is assumed to come from them, not reported missing
   */
  reposPredicted?: boolean;
}

export type SpecAction = 'ok' | 'install' | 'upgrade' | 'downgrade' | 'remove' | 'missing';

export interface SpecDecision {
  spec: string;
  action: SpecAction;
  /** the installed packages the spec names (to remove, or the ones it is already satisfied by) */
  installed: RpmPackage[];
  /** the package it would become, when the repositories were asked */
  target?: RpmPackage;
  /** a group, module, file or URL: dnf itself decides whether anything changes */
  opaque?: boolean;
}

/** What apply runs, one transaction after the other, and the result lines it reports. */
export interface RpmWork {
  commands: string[][];
  results: string[];
  /** only opaque specs: dnf's "Nothing to do" means the run changed nothing */
  onlyOpaque: boolean;
}

/** Specs tsplay cannot compare with the rpm database (groups, modules, files, URLs, provides paths). */
export function isOpaqueSpec(spec: string): boolean {
  return spec.startsWith('@') || spec.startsWith('/') || spec.endsWith('.rpm') || spec.includes('://') || /[()<>=\s]/.test(spec);
}

function availableMatches(spec: string, st: RpmHostState): RpmPackage[] | undefined {
  if (!st.available || !st.availableFor?.includes(spec)) return undefined;
  return st.available.filter((p) => specMatches(spec, p));
}

/** present: the spec is satisfied by an installed package, needs a newer/older version, or is not installed. */
function decidePresent(spec: string, a: RpmArgs, st: RpmHostState): SpecDecision {
  if (isOpaqueSpec(spec)) return { spec, action: 'install', installed: [], opaque: true };
  const matching = st.installed.filter((p) => specMatches(spec, p));
  if (matching.length) return { spec, action: 'ok', installed: matching };
  let action: SpecAction = 'install';
  // the same package in another version: `kubelet-1.27.0` while 1.28.2 is installed
  const others = st.installed.filter((p) => {
    const v = specVersion(spec, p.name);
    return v !== undefined && (v.arch === undefined || archCompatible(v.arch, p.arch));
  });
  const current = newest(others);
  if (current) {
    const wanted = specVersion(spec, current.name)!;
    // older than installed: Ansible leaves it alone unless downgrades are allowed
    if (compareEvr(wanted, current) < 0) action = a.allow_downgrade ? 'downgrade' : 'ok';
  }
  if (action === 'ok') return { spec, action, installed: others };
  const offered = availableMatches(spec, st);
  if (offered && offered.length === 0) return st.reposPredicted ? { spec, action, installed: others } : { spec, action: 'missing', installed: others };
  const target = offered ? newest(offered) : undefined;
  return { spec, action, installed: others, ...(target ? { target } : {}) };
}

/** latest: install if missing, upgrade when the repositories offer a newer build of the same arch. */
function decideLatest(spec: string, a: RpmArgs, st: RpmHostState): SpecDecision[] {
  if (isOpaqueSpec(spec)) return [{ spec, action: 'install', installed: [], opaque: true }];
  const matching = st.installed.filter((p) => specMatches(spec, p));
  // a versioned spec asks for that version, not the newest
  if (!matching.length || matching.some((p) => specVersion(spec, p.name) !== undefined)) return [decidePresent(spec, a, st)];
  const offered = availableMatches(spec, st) ?? [];
  // several builds of one package may be installed (kernels): the newest of each name and arch counts
  const byNameArch = new Map<string, RpmPackage>();
  for (const p of matching) {
    const key = `${p.name}.${p.arch}`;
    const seen = byNameArch.get(key);
    if (!seen || compareEvr(p, seen) > 0) byNameArch.set(key, p);
  }
  const newestOfEach = [...byNameArch.values()];
  return newestOfEach.map((p) => {
    const best = newest(offered.filter((o) => o.name === p.name && archCompatible(o.arch, p.arch)));
    return best && compareEvr(best, p) > 0 ? { spec, action: 'upgrade', installed: [p], target: best } : { spec, action: 'ok', installed: [p] };
  });
}

export function decideSpecs(a: RpmArgs, st: RpmHostState): SpecDecision[] {
  if (a.state === 'absent') {
    return a.names.map((spec) => {
      const matching = st.installed.filter((p) => specMatches(spec, p));
      return { spec, action: matching.length ? 'remove' : 'ok', installed: matching };
    });
  }
  if (a.state === 'latest') {
    if (a.names.length === 1 && a.names[0] === '*') {
      return (st.updates ?? []).map((u) => ({ spec: '*', action: 'upgrade', installed: st.installed.filter((p) => p.name === u.name), target: u }));
    }
    return a.names.flatMap((spec) => decideLatest(spec, a, st));
  }
  return a.names.map((spec) => decidePresent(spec, a, st));
}

const CHECK_MSG = 'Check mode: No changes made, but would have if not in check mode';

function uniq(xs: string[]): string[] {
  return [...new Set(xs)];
}

export function planRpm(a: RpmArgs, st: RpmHostState): Plan<RpmWork> {
  if (a.autoremove && st.backend === 'yum') {
    return { changed: false, failed: true, msg: 'autoremove needs the dnf backend (tsplay does not autoremove with yum 3)', result: { results: [], rc: 1 } };
  }
  if (a.names.length === 0 && !a.autoremove && a.update_cache) {
    const msg = st.cacheUpdated ? 'Cache updated' : 'Cache would be updated (not in check mode)';
    return { changed: false, msg, result: { msg, results: [], rc: 0 } };
  }
  const decisions = decideSpecs(a, st);
  const missing = decisions.filter((d) => d.action === 'missing');
  if (missing.length) {
    return {
      changed: false,
      failed: true,
      msg: 'Failed to install some of the specified packages',
      result: { results: [], rc: 1, failures: missing.map((d) => `No package ${d.spec} available.`) },
    };
  }
  const specsOf = (action: SpecAction) => uniq(decisions.filter((d) => d.action === action).map((d) => d.spec));
  const commands: string[][] = [];
  const results: string[] = [];
  const add = (kind: TransactionKind, specs: string[]) => {
    if (specs.length) commands.push(transaction(st.backend, kind, a, specs));
  };
  const wildcardUpgrade = a.state === 'latest' && a.names.length === 1 && a.names[0] === '*';
  add('install', specsOf('install'));
  if (wildcardUpgrade) {
    if (decisions.length) commands.push(transaction(st.backend, 'upgrade-all', a));
  } else add('upgrade', specsOf('upgrade'));
  add('downgrade', specsOf('downgrade'));
  add('remove', specsOf('remove'));
  for (const d of decisions) {
    if (d.action === 'install' || d.action === 'upgrade' || d.action === 'downgrade') results.push(`Installed: ${d.target ? nevra(d.target) : d.spec}`);
    if (d.action === 'remove') for (const p of d.installed) results.push(`Removed: ${nevra(p)}`);
  }
  const removed = new Set(decisions.flatMap((d) => (d.action === 'remove' ? d.installed.map(nevra) : [])));
  const unneeded = (st.unneeded ?? []).filter((p) => !removed.has(nevra(p)));
  if (a.autoremove && unneeded.length) {
    commands.push(transaction(st.backend, 'autoremove', a));
    for (const p of unneeded) results.push(`Removed: ${nevra(p)}`);
  }
  if (!commands.length) return { changed: false, msg: 'Nothing to do', result: { msg: 'Nothing to do', results: [], rc: 0 } };
  const changing = decisions.filter((d) => d.action !== 'ok');
  return {
    changed: true,
    msg: CHECK_MSG,
    result: { results, rc: 0 },
    data: { commands, results, onlyOpaque: changing.length > 0 && changing.every((d) => d.opaque) && !a.autoremove },
  };
}

/** The specs that, as far as the rpm database tells, need the repositories' answer to decide. */
export function specsNeedingRepos(a: RpmArgs, st: RpmHostState): string[] {
  return uniq(decideSpecs(a, st).filter((d) => (d.action === 'install' || d.action === 'downgrade') && !d.opaque).map((d) => d.spec));
}
