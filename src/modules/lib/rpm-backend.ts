import type { Vars } from '../../vars/types.js';
import type { ModuleContext } from '../types.js';
import type { RpmBackend } from './rpm-commands.js';

/**
 * Which package manager a host uses: from the facts when gathered (ansible_pkg_mgr, or for the
 * RedHat family its major version: 8 and later have dnf), otherwise asked in one cheap command.
 */

export type PkgMgr = RpmBackend | 'apt' | 'unknown';

export function pkgMgrFromFacts(vars: Vars): PkgMgr | undefined {
  const facts = vars.ansible_facts;
  const fact = vars.ansible_pkg_mgr ?? (facts && typeof facts === 'object' ? (facts as Record<string, unknown>).pkg_mgr : undefined);
  if (typeof fact === 'string' && fact !== '') {
    if (fact === 'dnf' || fact === 'dnf5' || fact === 'yum4') return 'dnf';
    if (fact === 'yum') return 'yum';
    if (fact === 'apt') return 'apt';
    return 'unknown';
  }
  const major = Number(vars.ansible_distribution_major_version);
  if (vars.ansible_os_family === 'RedHat' && Number.isInteger(major) && major > 0) return major >= 8 ? 'dnf' : 'yum';
  return undefined;
}

/** Prints dnf, yum, apt or unknown: dnf first, since RHEL 8+ has a `yum` that is dnf. */
export const DETECT_PKG_MGR =
  'if command -v dnf >/dev/null 2>&1; then echo dnf; elif command -v yum >/dev/null 2>&1; then echo yum; elif command -v apt-get >/dev/null 2>&1; then echo apt; else echo unknown; fi';

export async function detectPkgMgr(ctx: ModuleContext): Promise<PkgMgr> {
  const known = pkgMgrFromFacts(ctx.vars);
  if (known) return known;
  const r = await ctx.run(DETECT_PKG_MGR);
  const word = r.stdout.trim();
  return word === 'dnf' || word === 'yum' || word === 'apt' ? word : 'unknown';
}

/** The yum module runs dnf where dnf is the package manager (Ansible's use_backend: auto). */
export async function yumBackend(ctx: ModuleContext, useBackend: 'auto' | 'yum' | 'yum4' | 'dnf' = 'auto'): Promise<RpmBackend> {
  if (useBackend === 'yum') return 'yum';
  if (useBackend === 'yum4' || useBackend === 'dnf') return 'dnf';
  return (await detectPkgMgr(ctx)) === 'dnf' ? 'dnf' : 'yum';
}
