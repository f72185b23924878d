import type { Plan } from '../types.js';
import type { RpmBackend } from './rpm-commands.js';
import { fnmatch } from '../../util/fnmatch.js';

/**
 * yum_versionlock's decisions (community.general): the versionlock list as the plugin prints it,
 * and which names need `versionlock add` or `versionlock delete`. Pure.
 */

// yum 3 writes `0:kubelet-1.28.2-0.*`, dnf's plugin `kubelet-0:1.28.2-0.*`; `!` marks an exclude
const NEVRA_RE_YUM = /^(!)?(\d+):(.+)-(.+)-(.+)\.(.+)$/;
const NEVRA_RE_DNF = /^(!)?(.+)-(\d+):(.+)-(.+)\.(.+)$/;

/** The package name of one versionlock entry, undefined for other words of the listing. */
export function lockedName(entry: string): string | undefined {
  const y = NEVRA_RE_YUM.exec(entry);
  if (y) return y[3];
  const d = NEVRA_RE_DNF.exec(entry);
  return d ? d[2] : undefined;
}

/** As community.general: an entry holds `name` when its package name matches it (globs allowed). */
export function lockMatches(entry: string, name: string): boolean {
  const locked = lockedName(entry);
  return locked !== undefined && fnmatch(locked, name);
}

export interface VersionlockState {
  backend: RpmBackend;
  /** the words of `versionlock list` (the module splits the listing on whitespace, as Ansible's does) */
  entries: string[];
}

export interface VersionlockArgs {
  name: string[];
  state: 'present' | 'absent';
}

export function versionlockCommand(backend: RpmBackend, verb: 'list' | 'add' | 'delete', names: readonly string[] = []): string[] {
  return [backend, '-q', 'versionlock', verb, ...names];
}

export function planVersionlock(a: VersionlockArgs, st: VersionlockState): Plan<string[]> {
  const held = (name: string) => st.entries.some((e) => lockMatches(e, name));
  const todo = a.name.filter((n) => (a.state === 'present' ? !held(n) : held(n)));
  const result = { meta: { packages: a.name, state: a.state }, packages: a.name, state: a.state };
  if (!todo.length) return { changed: false, result };
  return { changed: true, result, data: versionlockCommand(st.backend, a.state === 'present' ? 'add' : 'delete', todo) };
}
