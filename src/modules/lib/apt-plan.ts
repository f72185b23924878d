import { fnmatch, isFnmatchPattern as isPattern } from '../../util/fnmatch.js';
import { isDebUrl } from './apt-deb-url.js';
import { compareDebVersions, type PackageSpec } from './apt-spec.js';
import { hasConfigFiles, hasInstalledVersion, type AptState } from './apt-state.js';

/** What the plan needs from the module's arguments. */
export interface PackageRequest {
  specs: PackageSpec[];
  state: 'present' | 'absent' | 'latest' | 'fixed';
  purge: boolean;
  only_upgrade: boolean;
  allow_downgrade: boolean;
  force: boolean;
  debs: string[];
}

/** One named package before and after (what the diff shows). */
export interface PackageChange {
  name: string;
  before?: string;
  after?: string;
}

/** The pure decision: which packages apt-get installs or removes, and which .deb files. */
export interface PackagePlan {
  /** a reason to fail before touching the host (Ansible's messages) */
  failed?: string;
  /** apt-get install arguments (`name` or `name=version`) */
  install: string[];
  remove: string[];
  /** .deb paths to install */
  debs: string[];
  changes: PackageChange[];
  /** packages apt does not know yet, assumed to appear with the pending cache update (check mode) */
  assumed: string[];
}

export interface PlanOptions {
  /** apt-get update is due but has not run (check mode): unknown packages may still appear */
  cacheUpdatePending: boolean;
}

/**
 * Ansible's install/remove decisions for named packages (package_status): a version given with `=`
 * is installed when the installed version matches it as a shell pattern; `latest` upgrades when
 * apt's candidate differs from the installed version; `absent` removes what is installed (and with
 * purge, what left configuration files behind).
 */
export function planPackages(r: PackageRequest, s: AptState, o: PlanOptions): PackagePlan {
  const plan: PackagePlan = { install: [], remove: [], debs: [], changes: [], assumed: [] };
  const fail = (msg: string): PackagePlan => ({ ...plan, failed: msg });
  for (const spec of r.specs) {
    const entry = s.dpkg[spec.name];
    const installed = hasInstalledVersion(entry) ? entry!.version : undefined;
    const policy = s.policy[spec.name];
    if (r.state === 'absent') {
      const matches = installed !== undefined && (spec.op !== '=' || fnmatch(installed, spec.version!));
      if (matches || (r.purge && hasConfigFiles(entry))) {
        plan.remove.push(spec.name);
        plan.changes.push({ name: spec.name, before: installed ?? '(configuration files)' });
      }
      continue;
    }
    if (r.state === 'latest' && spec.op) return fail(`version number inconsistent with state=latest: ${spec.raw}`);
    const unknown = !policy || (policy.candidate === undefined && policy.versions.length === 0);
    if (unknown && installed === undefined) {
      if (r.only_upgrade) continue;
      if (o.cacheUpdatePending) {
        plan.assumed.push(spec.name);
        plan.install.push(spec.raw);
        plan.changes.push({ name: spec.name, after: spec.version ?? '(after the cache update)' });
        continue;
      }
      return fail(`No package matching '${spec.name}' is available`);
    }
    if (installed === undefined && r.only_upgrade) continue;

    if (spec.op === '=') {
      const wanted = spec.version!;
      if (installed !== undefined && fnmatch(installed, wanted)) continue;
      // a pattern picks the highest version that matches it (apt prints the table highest first)
      const target = isPattern(wanted) ? policy?.versions.find((v) => fnmatch(v, wanted)) : policy?.versions.includes(wanted) ? wanted : undefined;
      if (target === undefined) {
        if (o.cacheUpdatePending) {
          plan.assumed.push(spec.name);
          plan.changes.push({ name: spec.name, before: installed, after: wanted });
          continue;
        }
        return fail(`no available installation candidate for ${spec.raw}`);
      }
      if (installed !== undefined && compareDebVersions(target, installed) < 0 && !r.allow_downgrade && !r.force) {
        return fail(`'${spec.name}=${target}' would downgrade ${spec.name} from ${installed}: set allow_downgrade to allow it`);
      }
      plan.install.push(`${spec.name}=${target}`);
      plan.changes.push({ name: spec.name, before: installed, after: target });
      continue;
    }
    const candidate = policy?.candidate;
    if (spec.op === '>=') {
      if (installed !== undefined && compareDebVersions(installed, spec.version!) >= 0) continue;
      if (candidate === undefined || compareDebVersions(candidate, spec.version!) < 0) return fail(`no available installation candidate for ${spec.raw}`);
      plan.install.push(`${spec.name}=${candidate}`);
      plan.changes.push({ name: spec.name, before: installed, after: candidate });
      continue;
    }
    if (installed !== undefined) {
      if (r.state === 'latest' && candidate !== undefined && candidate !== installed) {
        plan.install.push(spec.name);
        plan.changes.push({ name: spec.name, before: installed, after: candidate });
      }
      continue;
    }
    if (candidate === undefined) return fail(`no available installation candidate for ${spec.raw}`);
    plan.install.push(spec.name);
    plan.changes.push({ name: spec.name, after: candidate });
  }
  for (const deb of s.debs) {
    if (!deb.exists) return fail(isDebUrl(deb.path) ? `cannot read ${deb.path} as a Debian package${deb.error ? `: ${deb.error}` : ''}` : `${deb.path} does not exist`);
    if (!deb.name || !deb.version) return fail(`${deb.path} is not a Debian package`);
    const current = hasInstalledVersion(deb.installed) ? deb.installed!.version : undefined;
    if (current === deb.version && !r.force) continue;
    plan.debs.push(deb.path);
    plan.changes.push({ name: deb.name, before: current, after: deb.version });
  }
  return plan;
}

export function planChanged(p: PackagePlan): boolean {
  return p.install.length + p.remove.length + p.debs.length + p.assumed.length > 0;
}

/** The diff Ansible would show as apt's prepared output, kept simple: `name version` lines before and after. */
export function packagesText(changes: PackageChange[], side: 'before' | 'after'): string {
  return changes
    .filter((c) => c[side] !== undefined)
    .map((c) => `${c.name} ${c[side]}\n`)
    .join('');
}
