/**
 * RPM package identities (name, epoch, version, release, arch) and how dnf/yum match a package spec
 * such as `kubelet`, `kubelet-1.28.2`, `kubelet-1.28.2-0`, `kubelet-0:1.28.2-0.x86_64` or `kube*`
 * against them. Pure: used by the plans of dnf, yum and yum_versionlock.
 */
import { fnmatch } from '../../util/fnmatch.js';

export interface RpmPackage {
  name: string;
  epoch: number;
  version: string;
  release: string;
  arch: string;
  /** where an available package comes from (repoquery / yum list); absent for installed ones */
  repo?: string;
}

/** Architectures that may end a spec (`name.arch`, `name-v-r.arch`). */
export const RPM_ARCHES = new Set([
  'noarch', 'x86_64', 'i386', 'i486', 'i586', 'i686', 'athlon', 'aarch64', 'armv7hl', 'armv7hnl', 'armhfp', 'ppc64', 'ppc64le', 'ppc64p7', 's390', 's390x', 'src', 'nosrc', 'riscv64',
]);

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string | undefined) => c !== undefined && /[A-Za-z]/.test(c);
const isAlnum = (c: string | undefined) => isDigit(c) || isAlpha(c);

/** rpm's rpmvercmp: segment-wise comparison of version (or release) strings, with `~` and `^`. */
export function rpmvercmp(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;
    // a tilde sorts before everything, even the end of the string (1.0~rc1 < 1.0)
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    // a caret sorts after the end of the string but before anything else (1.0 < 1.0^git1 < 1.0.1)
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const numeric = isDigit(a[i]);
    const take = numeric ? isDigit : isAlpha;
    let i2 = i;
    let j2 = j;
    while (i2 < a.length && take(a[i2])) i2++;
    while (j2 < b.length && take(b[j2])) j2++;
    // a numeric segment is newer than an alphabetic one
    if (j2 === j) return numeric ? 1 : -1;
    let s1 = a.slice(i, i2);
    let s2 = b.slice(j, j2);
    if (numeric) {
      s1 = s1.replace(/^0+/, '');
      s2 = s2.replace(/^0+/, '');
      if (s1.length !== s2.length) return s1.length > s2.length ? 1 : -1;
    }
    if (s1 !== s2) return s1 < s2 ? -1 : 1;
    i = i2;
    j = j2;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

export interface Evr {
  epoch: number;
  version: string;
  /** absent: any release (a spec like `name-1.2.3`) */
  release?: string;
}

/** Compares epoch, then version, then release (skipped when either side has none). */
export function compareEvr(a: Evr, b: Evr): -1 | 0 | 1 {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  const v = rpmvercmp(a.version, b.version);
  if (v !== 0 || a.release === undefined || b.release === undefined) return v;
  return rpmvercmp(a.release, b.release);
}

/** `1.28.2-0` or `1:1.28.2-0` (the epoch only when it is not 0, as dnf prints it). */
export function evrString(p: Evr): string {
  return `${p.epoch ? `${p.epoch}:` : ''}${p.version}${p.release !== undefined ? `-${p.release}` : ''}`;
}

/** name-[epoch:]version-release.arch */
export function nevra(p: RpmPackage): string {
  return `${p.name}-${evrString(p)}.${p.arch}`;
}

/** Every form dnf's Subject accepts for this package: a spec matches the package if it matches one. */
export function packageLabels(p: RpmPackage): string[] {
  const evs = [p.version, `${p.epoch}:${p.version}`];
  const out = [p.name, `${p.name}.${p.arch}`];
  for (const ev of evs) out.push(`${p.name}-${ev}`, `${p.name}-${ev}-${p.release}`, `${p.name}-${ev}-${p.release}.${p.arch}`);
  return out;
}


/** Does the spec (possibly a glob) name this package in any of the forms dnf accepts? */
export function specMatches(spec: string, p: RpmPackage): boolean {
  return packageLabels(p).some((label) => fnmatch(label, spec));
}

/**
 * The package names a spec may refer to, for `rpm -q`: the spec itself, without a trailing arch,
 * and every prefix before a dash that is followed by a version (`python3-dnf-4.7` -> `python3-dnf`).
 */
export function candidateNames(spec: string): string[] {
  const out = new Set<string>([spec]);
  const dot = spec.lastIndexOf('.');
  const bases = [spec];
  if (dot > 0 && RPM_ARCHES.has(spec.slice(dot + 1))) {
    out.add(spec.slice(0, dot));
    bases.push(spec.slice(0, dot));
  }
  for (const base of bases) {
    for (let k = base.indexOf('-'); k > 0; k = base.indexOf('-', k + 1)) {
      if (/^(\d+:)?\d/.test(base.slice(k + 1))) out.add(base.slice(0, k));
    }
  }
  return [...out];
}

/**
 * The version part of a spec once its package name is known: `kubelet-1:1.28.2-0.x86_64` with
 * name `kubelet` -> {epoch 1, version 1.28.2, release 0, arch x86_64}. Undefined when the spec has
 * no version (`kubelet`, `kubelet.x86_64`) or is not of that name.
 */
export function specVersion(spec: string, name: string): (Evr & { arch?: string }) | undefined {
  if (!spec.startsWith(`${name}-`)) return undefined;
  let rest = spec.slice(name.length + 1);
  let arch: string | undefined;
  const dot = rest.lastIndexOf('.');
  if (dot > 0 && RPM_ARCHES.has(rest.slice(dot + 1))) {
    arch = rest.slice(dot + 1);
    rest = rest.slice(0, dot);
  }
  const m = /^(?:(\d+):)?([^-:]+)(?:-([^-:]+))?$/.exec(rest);
  if (!m || !isDigit(m[2][0])) return undefined;
  return { epoch: m[1] ? Number(m[1]) : 0, version: m[2], ...(m[3] !== undefined ? { release: m[3] } : {}), ...(arch ? { arch } : {}) };
}

/** The newest of some packages (by EVR), undefined for none. */
export function newest<T extends RpmPackage>(pkgs: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const p of pkgs) if (!best || compareEvr(p, best) > 0) best = p;
  return best;
}

/** Same architecture, or either is noarch: an update candidate for an installed package. */
export function archCompatible(a: string, b: string): boolean {
  return a === b || a === 'noarch' || b === 'noarch';
}
