/**
 * gather_subset and filter, as Ansible's setup module reads them: subsets are collector names
 * (or groups like `hardware`), `min` is the cheap basics, `!x` excludes, the minimal set always
 * stays unless `!min` is given; filter is a list of fnmatch patterns on the prefixed fact names.
 */
import { fnmatch } from '../util/fnmatch.js';

/** The collectors tsplay implements (Ansible's names, plus `cgroup`). */
export const COLLECTORS = [
  'platform', 'distribution', 'lsb', 'cmdline', 'date_time', 'dns', 'env', 'fips', 'apparmor', 'selinux',
  'pkg_mgr', 'service_mgr', 'user', 'cgroup', 'loadavg', 'hardware', 'network', 'virtual',
] as const;
export type Collector = (typeof COLLECTORS)[number];

/** Ansible's minimal_gather_subset (those tsplay implements), plus the cgroup version: always cheap. */
export const MIN_SUBSET: ReadonlySet<Collector> = new Set<Collector>([
  'apparmor', 'cmdline', 'date_time', 'distribution', 'dns', 'env', 'fips', 'lsb', 'pkg_mgr', 'platform',
  'selinux', 'service_mgr', 'user', 'cgroup',
]);

/**
 * Names Ansible accepts that tsplay gathers nothing for (local facts, python, caps ...), and the
 * aliases of its hardware/network collectors: accepted so playbooks written for Ansible run.
 */
const ALIASES: Record<string, Collector | undefined> = {
  caps: undefined, local: undefined, python: undefined, ssh_pub_keys: undefined, chroot: undefined,
  facter: undefined, ohai: undefined, fc_wwn: undefined, iscsi: undefined, nvme: undefined,
  devices: 'hardware', dmi: 'hardware', mounts: 'hardware', interfaces: 'network', default_ipv4: 'network',
};

export class SubsetError extends Error {}

/** Ansible's get_collector_names, over tsplay's collectors. */
export function resolveSubset(spec: readonly string[] | undefined): Set<Collector> {
  const all = new Set<Collector>(COLLECTORS);
  const valid = new Set<string>([...COLLECTORS, ...Object.keys(ALIASES)]);
  const add = new Set<Collector>();
  const exclude = new Set<Collector>();
  const explicit = new Set<Collector>();
  const named = (s: string): Collector | undefined => ((COLLECTORS as readonly string[]).includes(s) ? (s as Collector) : ALIASES[s]);
  for (const raw of ['min', ...(spec?.length ? spec : ['all'])]) {
    const s = raw.trim();
    if (s === 'min') {
      for (const c of MIN_SUBSET) add.add(c);
    } else if (s === 'all') {
      for (const c of all) add.add(c);
    } else if (s === '!min') {
      for (const c of MIN_SUBSET) exclude.add(c);
    } else if (s === '!all') {
      for (const c of all) if (!MIN_SUBSET.has(c)) exclude.add(c);
    } else if (s.startsWith('!')) {
      // as Ansible, excluding an unknown subset is ignored
      const c = named(s.slice(1));
      if (c) exclude.add(c);
    } else {
      if (!valid.has(s)) {
        throw new SubsetError(`Bad subset '${s}' given to Ansible. gather_subset options allowed: all, ${[...valid].sort().join(', ')}`);
      }
      const c = named(s);
      if (c) {
        explicit.add(c);
        add.add(c);
      }
    }
  }
  for (const c of exclude) if (!explicit.has(c)) add.delete(c);
  return add;
}

/** Ansible's fact filter: patterns match prefixed names; `x` also matches `ansible_x` (short hand). */
export function filterFacts(facts: Record<string, unknown>, filter: readonly string[]): Record<string, unknown> {
  if (filter.length === 0 || (filter.length === 1 && (filter[0] === '*' || filter[0] === ''))) return facts;
  const out: Record<string, unknown> = {};
  for (const pattern of filter) {
    for (const [name, value] of Object.entries(facts)) {
      const short = !pattern.startsWith('ansible_') && !pattern.startsWith('facter') && !pattern.startsWith('facts');
      if (!pattern || fnmatch(name, pattern) || (short && fnmatch(name, `ansible_${pattern}`))) out[name] = value;
    }
  }
  return out;
}
