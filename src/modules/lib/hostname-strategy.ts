/**
 * How ansible.builtin.hostname sets the name on each kind of host, decided purely from what
 * inspect read. The permanent name lives in a file (which one depends on the distribution), the
 * running name is set with `hostname`, or both at once with `hostnamectl` where systemd-hostnamed
 * answers.
 */

export const HOSTNAME_STRATEGIES = ['systemd', 'debian', 'redhat', 'alpine', 'openrc', 'generic'] as const;
export type HostnameStrategy = (typeof HOSTNAME_STRATEGIES)[number];

/** Ansible's `use` choices that name platforms tsplay does not manage. */
export const UNSUPPORTED_HOSTNAME_USES = ['freebsd', 'macos', 'macosx', 'darwin', 'openbsd', 'solaris', 'sles'] as const;

/** Where each strategy keeps the permanent name (generic keeps none). */
export const PERMANENT_FILE: Record<HostnameStrategy, string | undefined> = {
  systemd: '/etc/hostname',
  debian: '/etc/hostname',
  alpine: '/etc/hostname',
  redhat: '/etc/sysconfig/network',
  openrc: '/etc/conf.d/hostname',
  generic: undefined,
};

/** Ansible's choice when `use` is not given: systemd first, then the os family. */
export function autoStrategy(serviceMgr: string | undefined, osFamily: string | undefined): HostnameStrategy {
  if (serviceMgr === 'systemd') return 'systemd';
  if (serviceMgr === 'openrc' && osFamily !== 'Alpine') return 'openrc';
  if (osFamily === 'Debian') return 'debian';
  if (osFamily === 'RedHat') return 'redhat';
  if (osFamily === 'Alpine') return 'alpine';
  return 'generic';
}

/** The permanent name as the file states it. */
export function readPermanentName(strategy: HostnameStrategy, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (strategy === 'redhat') return /^HOSTNAME=(.*)$/m.exec(text)?.[1].trim().replace(/^["']|["']$/g, '');
  if (strategy === 'openrc') return /^hostname=(.*)$/m.exec(text)?.[1].trim().replace(/^["']|["']$/g, '');
  return text.trim();
}

/** The file's text with the permanent name set, other lines kept. */
export function writePermanentName(strategy: HostnameStrategy, text: string | undefined, name: string): string {
  if (strategy === 'redhat') return setAssignment(text, 'HOSTNAME', name);
  if (strategy === 'openrc') return setAssignment(text, 'hostname', `"${name}"`);
  return `${name}\n`;
}

function setAssignment(text: string | undefined, key: string, value: string): string {
  const line = `${key}=${value}`;
  const re = new RegExp(`^${key}=.*$`, 'm');
  if (text !== undefined && re.test(text)) return text.replace(re, line);
  const base = text ?? '';
  return `${base}${base === '' || base.endsWith('\n') ? '' : '\n'}${line}\n`;
}
