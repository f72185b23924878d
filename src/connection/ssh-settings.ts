import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';

/** How strictly host keys are checked: refuse unknown keys, record them on first use, or skip. */
export type HostKeyChecking = 'strict' | 'accept-new' | 'off';

export const DEFAULT_TIMEOUT_SEC = 10;

/** Where the ssh transport reads and writes its files; tests point all of them at a temp dir. */
export interface SshPaths {
  /** the home directory `~` and `%d` expand to (default: the user's home) */
  home?: string;
  /** ssh_config files, first value wins across them (default ~/.ssh/config, /etc/ssh/ssh_config) */
  configFiles?: string[];
  /** user known_hosts files; new keys go to the first (default ~/.ssh/known_hosts, ~/.ssh/known_hosts2) */
  userKnownHostsFiles?: string[];
  /** system known_hosts files (default /etc/ssh/ssh_known_hosts, /etc/ssh/ssh_known_hosts2) */
  globalKnownHostsFiles?: string[];
}

/**
 * What the command line (and the play) decide for every connection of a run. Per-host inventory
 * variables (ansible_user, ansible_port ...) win over these.
 */
export interface ConnectionSettings {
  /** -u: remote user when neither ansible_user nor remote_user is set */
  user?: string;
  /** the play's remote_user keyword (below ansible_user, above -u) */
  remoteUser?: string;
  /** --private-key / --key-file */
  privateKeyFile?: string;
  /** -k / --ask-pass: the login password */
  password?: string;
  /** --timeout: connect timeout in seconds */
  timeout?: number;
  /** --ssh-common-args / --ssh-extra-args: OpenSSH options (-o K=V, -J, -i, -p, -l) */
  sshCommonArgs?: string;
  sshExtraArgs?: string;
  /** forces host key checking (otherwise: variables, ANSIBLE_HOST_KEY_CHECKING, ssh config, accept-new) */
  hostKeyChecking?: HostKeyChecking;
  /** asks the person at the terminal (a key's passphrase); absent when there is no terminal */
  prompt?: (message: string) => Promise<string>;
  paths?: SshPaths;
  /** environment read for SSH_AUTH_SOCK and ANSIBLE_HOST_KEY_CHECKING (default process.env) */
  env?: Record<string, string | undefined>;
  /** the local user name `%u` and the default remote user (default: this process's user) */
  localUser?: string;
  /** a variant of the run's settings (another remote_user) shares that run's keys, config and jump hosts */
  shareWith?: ConnectionSettings;
}

/** The settings' paths with defaults filled in. */
export interface ResolvedPaths {
  home: string;
  configFiles: string[];
  userKnownHostsFiles?: string[];
  globalKnownHostsFiles?: string[];
}

export function resolvePaths(settings: ConnectionSettings): ResolvedPaths {
  const p = settings.paths ?? {};
  const home = p.home ?? homedir();
  return {
    home,
    configFiles: p.configFiles ?? [join(home, '.ssh', 'config'), '/etc/ssh/ssh_config'],
    userKnownHostsFiles: p.userKnownHostsFiles,
    globalKnownHostsFiles: p.globalKnownHostsFiles,
  };
}

export function localUserName(settings: ConnectionSettings): string {
  if (settings.localUser) return settings.localUser;
  const env = settings.env ?? process.env;
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.LOGNAME ?? 'root';
  }
}
