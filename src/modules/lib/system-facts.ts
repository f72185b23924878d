import type { Vars } from '../../vars/types.js';

/**
 * The facts the system modules choose their strategy from. With gather_facts: false they are
 * missing: modules then ask the host with the snippets below, in the same round trip as inspect.
 */

/** ansible_service_mgr when facts were gathered. */
export function serviceMgrFact(vars: Vars): string | undefined {
  const v = vars.ansible_service_mgr;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** ansible_os_family when facts were gathered (Debian, RedHat, Alpine, Suse...). */
export function osFamilyFact(vars: Vars): string | undefined {
  const v = vars.ansible_os_family;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Exits 0 when systemd is the host's init (what sd_booted() checks). */
export const SYSTEMD_BOOTED = '[ -d /run/systemd/system ]';

/** Prints the os-release ID and ID_LIKE words, from which osFamilyFromRelease guesses the family. */
export const OS_RELEASE_IDS = `( . /etc/os-release && echo "$ID $ID_LIKE" )`;

/** Ansible's family names from os-release ids (only the families these modules tell apart). */
export function osFamilyFromRelease(ids: string): string | undefined {
  const words = ids.toLowerCase().split(/\s+/);
  if (words.some((w) => ['debian', 'ubuntu'].includes(w))) return 'Debian';
  if (words.some((w) => ['rhel', 'fedora', 'centos', 'rocky', 'almalinux'].includes(w))) return 'RedHat';
  if (words.includes('alpine')) return 'Alpine';
  if (words.some((w) => w.startsWith('suse') || w === 'sles' || w.startsWith('opensuse'))) return 'Suse';
  return undefined;
}
