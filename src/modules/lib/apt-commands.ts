/** The apt-get command lines the apt module runs, as argv arrays (Ansible's flags, modern apt spelling). */
export interface AptGetOptions {
  /** Ansible's dpkg_options: comma-separated dpkg flags without the leading `--` */
  dpkg_options: string;
  force: boolean;
  purge: boolean;
  autoremove: boolean;
  only_upgrade: boolean;
  allow_downgrade: boolean;
  allow_unauthenticated: boolean;
  allow_change_held_packages: boolean;
  fail_on_autoremove: boolean;
  install_recommends?: boolean;
  default_release?: string;
  lock_timeout: number;
  fixed: boolean;
}

/** `-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold` from `force-confdef,force-confold`. */
export function dpkgOptionArgs(dpkgOptions: string): string[] {
  return dpkgOptions
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '')
    .flatMap((o) => ['-o', `Dpkg::Options::=--${o.replace(/^--/, '')}`]);
}

function common(o: AptGetOptions): string[] {
  return ['apt-get', '-y', '-o', `DPkg::Lock::Timeout=${o.lock_timeout}`, ...dpkgOptionArgs(o.dpkg_options)];
}

/** `--force-yes` is deprecated in apt; these are what it meant. */
const FORCE = ['--allow-unauthenticated', '--allow-downgrades', '--allow-remove-essential', '--allow-change-held-packages'];

function flag(on: boolean, ...words: string[]): string[] {
  return on ? words : [];
}

export function installCommand(o: AptGetOptions, targets: string[]): string[] {
  return [
    ...common(o),
    ...flag(o.only_upgrade, '--only-upgrade'),
    ...flag(o.fixed, '--fix-broken'),
    ...flag(o.force, ...FORCE),
    ...flag(o.fail_on_autoremove, '--no-remove'),
    ...flag(o.allow_unauthenticated && !o.force, '--allow-unauthenticated'),
    ...flag(o.allow_downgrade && !o.force, '--allow-downgrades'),
    ...flag(o.allow_change_held_packages && !o.force, '--allow-change-held-packages'),
    ...(o.default_release ? ['-t', o.default_release] : []),
    ...(o.install_recommends === true ? ['-o', 'APT::Install-Recommends=yes'] : o.install_recommends === false ? ['--no-install-recommends'] : []),
    ...flag(o.autoremove, '--auto-remove'),
    'install',
    ...targets,
  ];
}

export function removeCommand(o: AptGetOptions, names: string[]): string[] {
  return [
    ...common(o),
    '-q',
    ...flag(o.purge, '--purge'),
    ...flag(o.force, ...FORCE),
    ...flag(o.autoremove, '--auto-remove'),
    ...flag(o.allow_change_held_packages && !o.force, '--allow-change-held-packages'),
    'remove',
    ...names,
  ];
}

/** `upgrade: yes|safe|full|dist` without aptitude: apt-get's own equivalents. */
export function upgradeAction(upgrade: 'yes' | 'safe' | 'full' | 'dist'): string[] {
  return upgrade === 'full' || upgrade === 'dist' ? ['dist-upgrade'] : ['upgrade', '--with-new-pkgs'];
}

export function upgradeCommand(o: AptGetOptions, upgrade: 'yes' | 'safe' | 'full' | 'dist'): string[] {
  return [
    ...common(o),
    ...flag(o.force, ...FORCE),
    ...flag(o.allow_downgrade && !o.force, '--allow-downgrades'),
    ...flag(o.allow_change_held_packages && !o.force, '--allow-change-held-packages'),
    ...(o.default_release ? ['-t', o.default_release] : []),
    ...(o.install_recommends === true ? ['-o', 'APT::Install-Recommends=yes'] : o.install_recommends === false ? ['--no-install-recommends'] : []),
    ...flag(o.autoremove, '--auto-remove'),
    ...upgradeAction(upgrade),
  ];
}

export function autoremoveCommand(o: AptGetOptions): string[] {
  return [...common(o), ...flag(o.purge, '--purge'), ...flag(o.force, ...FORCE), 'autoremove'];
}

export function updateCommand(): string[] {
  return ['apt-get', '-q', 'update'];
}
