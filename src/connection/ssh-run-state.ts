import { KeyStore } from './ssh-auth.js';
import { loadSshConfig, type SshConfigItem } from './ssh-config.js';
import { JumpHosts, type OpenHop } from './ssh-jump.js';
import { resolvePaths, type ConnectionSettings } from './ssh-settings.js';

/**
 * What every ssh connection of one run shares: ssh config read once, each private key unlocked
 * once, and the jump host connections. Keyed by the run's settings object.
 */
export class SshRunState {
  readonly keys: KeyStore;
  private config?: Promise<SshConfigItem[]>;
  private jumps?: JumpHosts;

  constructor(private readonly settings: ConnectionSettings) {
    this.keys = new KeyStore(settings.prompt);
  }

  sshConfig(): Promise<SshConfigItem[]> {
    if (!this.config) {
      const paths = resolvePaths(this.settings);
      this.config = loadSshConfig(paths.configFiles, paths.home);
    }
    return this.config;
  }

  /** The jump host pool; the first caller's way of opening a hop and timeout are used for all. */
  jumpHosts(openHop: OpenHop, timeoutSec: number): JumpHosts {
    this.jumps ??= new JumpHosts(openHop, timeoutSec);
    return this.jumps;
  }
}

const states = new WeakMap<ConnectionSettings, SshRunState>();

export function runStateFor(settings: ConnectionSettings): SshRunState {
  const owner = settings.shareWith ?? settings;
  let s = states.get(owner);
  if (!s) {
    s = new SshRunState(owner);
    states.set(owner, s);
  }
  return s;
}
