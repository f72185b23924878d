/**
 * /etc/selinux/config as ansible.posix.selinux reads and edits it: the SELINUX= and SELINUXTYPE=
 * lines. Unlike Ansible (which only replaces existing lines), a missing line is appended.
 */

export type SelinuxState = 'enforcing' | 'permissive' | 'disabled';

export function configValue(text: string | undefined, key: 'SELINUX' | 'SELINUXTYPE'): string | undefined {
  const m = text === undefined ? null : new RegExp(`^${key}=(.*)$`, 'm').exec(text);
  return m ? m[1].trim().replace(/^["']|["']$/g, '') : undefined;
}

export function setConfigValue(text: string, key: 'SELINUX' | 'SELINUXTYPE', value: string): string {
  const re = new RegExp(`^${key}=.*$`, 'gm');
  if (re.test(text)) return text.replace(re, `${key}=${value}`);
  return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${key}=${value}\n`;
}

/** The running mode from /sys/fs/selinux/enforce ("1"/"0"), or disabled when SELinux is off. */
export function runtimeState(enforce: string | undefined): SelinuxState {
  const v = enforce?.trim();
  return v === '1' ? 'enforcing' : v === '0' ? 'permissive' : 'disabled';
}
