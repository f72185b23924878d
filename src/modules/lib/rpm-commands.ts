import { argv } from '../../connection/quote.js';
import type { RpmArgs } from './rpm-args.js';

/**
 * The commands dnf, yum and yum_versionlock send, as argv arrays (every word is quoted when the
 * command line is built). Pure, so the table tests can compare them exactly.
 */

export type RpmBackend = 'dnf' | 'yum';

/** One line per installed package: name, epoch (0 when none), version, release, arch. */
export const RPM_QUERY_FORMAT = '%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n';
/** dnf repoquery's own tags (it ends every entry with a newline itself). */
export const REPOQUERY_FORMAT = '%{name}\\t%{epoch}\\t%{version}\\t%{release}\\t%{arch}\\t%{repoid}';

/** The repository choices that decide what is visible: used for queries and for installs alike. */
export function repoOptions(a: Pick<RpmArgs, 'disablerepo' | 'enablerepo' | 'disable_excludes' | 'exclude'>): string[] {
  return [
    // disable first, so `disablerepo: '*'` with `enablerepo: x` leaves exactly x (as Ansible orders them)
    ...a.disablerepo.map((r) => `--disablerepo=${r}`),
    ...a.enablerepo.map((r) => `--enablerepo=${r}`),
    ...(a.disable_excludes !== undefined ? [`--disableexcludes=${a.disable_excludes}`] : []),
    ...a.exclude.map((x) => `--exclude=${x}`),
  ];
}

/** Options of transactions that install packages. */
export function installOptions(backend: RpmBackend, a: RpmArgs): string[] {
  return [
    ...repoOptions(a),
    ...(a.disable_gpg_check ? ['--nogpgcheck'] : []),
    // yum 3 has no weak dependencies
    ...(backend === 'dnf' && !a.install_weak_deps ? ['--setopt=install_weak_deps=False'] : []),
  ];
}

export function rpmQuery(names: readonly string[]): string[] {
  return ['rpm', '-q', '--qf', RPM_QUERY_FORMAT, ...names];
}

/** rpm -qa with glob patterns (rpm -q takes no globs). */
export function rpmQueryPatterns(patterns: readonly string[]): string[] {
  return ['rpm', '-qa', '--qf', RPM_QUERY_FORMAT, ...patterns];
}

/** The versions the repositories offer for some specs (installed versions may be left out). */
export function availableQuery(backend: RpmBackend, a: RpmArgs, specs: readonly string[]): string[] {
  if (backend === 'dnf') return ['dnf', '-q', 'repoquery', '--available', '--qf', REPOQUERY_FORMAT, ...repoOptions(a), ...specs];
  return ['yum', '-q', 'list', 'available', '--showduplicates', ...repoOptions(a), ...specs];
}

/** Updates for everything installed (`name: '*'`, state latest): exit 100 when there are some. */
export function checkUpdateQuery(backend: RpmBackend, a: RpmArgs): string[] {
  return [backend, '-q', 'check-update', ...repoOptions(a)];
}

/** What dnf autoremove would remove. */
export function unneededQuery(a: RpmArgs): string[] {
  return ['dnf', '-q', 'repoquery', '--unneeded', '--qf', REPOQUERY_FORMAT, ...repoOptions(a)];
}

/** update_cache: dnf downloads fresh metadata now; yum 3 expires its cache so the next command does. */
export function refreshCommand(backend: RpmBackend, a: RpmArgs): string[] {
  return backend === 'dnf' ? ['dnf', '-q', 'makecache', '--refresh', ...repoOptions(a)] : ['yum', '-q', 'clean', 'expire-cache', ...repoOptions(a)];
}

export type TransactionKind = 'install' | 'upgrade' | 'downgrade' | 'remove' | 'autoremove' | 'upgrade-all';

export function transaction(backend: RpmBackend, kind: TransactionKind, a: RpmArgs, specs: readonly string[] = []): string[] {
  switch (kind) {
    case 'install':
      return [backend, 'install', '-y', ...installOptions(backend, a), ...specs];
    case 'upgrade':
      return [backend, backend === 'dnf' ? 'upgrade' : 'update', '-y', ...installOptions(backend, a), ...specs];
    case 'upgrade-all':
      return [backend, backend === 'dnf' ? 'upgrade' : 'update', '-y', ...installOptions(backend, a)];
    case 'downgrade':
      return [backend, 'downgrade', '-y', ...installOptions(backend, a), ...specs];
    case 'remove':
      return [backend, 'remove', '-y', ...specs];
    case 'autoremove':
      return [backend, 'autoremove', '-y'];
  }
}

export const SECTION_MARK = '@@tsplay-rc ';

/**
 * Several read-only commands in one round trip: each one's exit code follows its output on a
 * marker line, so one failing query (rpm -q of a missing package exits 1) does not hide the others.
 */
export function sectionsScript(commands: readonly (readonly string[])[]): string {
  return commands.map((c) => `${argv(c)}; printf '\\n${SECTION_MARK}%s\\n' "$?"`).join('; ');
}

export interface Section {
  stdout: string;
  rc: number;
}

export function parseSections(stdout: string, count: number): Section[] {
  const out: Section[] = [];
  const re = new RegExp(`\\n${SECTION_MARK}(\\d+)\\n`, 'g');
  let start = 0;
  for (let m = re.exec(stdout); m; m = re.exec(stdout)) {
    out.push({ stdout: stdout.slice(start, m.index), rc: Number(m[1]) });
    start = m.index + m[0].length;
  }
  if (out.length !== count) throw new Error(`unexpected output from the package query (${out.length} of ${count} sections): ${stdout.slice(0, 500)}`);
  return out;
}
