import type { Vars } from '../vars/types.js';
import { LocalConnection } from './local.js';
import { SshConnection } from './ssh.js';
import type { ConnectionSettings } from './ssh-settings.js';
import { UnreachableError, type Connection } from './types.js';

/**
 * Picks the transport from `ansible_connection` (Ansible's name), `local` or `ssh` (the default).
 * `settings` are the run's connection options (command line, play); the local transport ignores them.
 */
export function openConnection(host: string, vars: Vars, settings: ConnectionSettings = {}): Connection {
  const kind = String(vars.ansible_connection ?? (host === 'localhost' ? 'local' : 'ssh'));
  switch (kind) {
    case 'local':
      return new LocalConnection(host);
    case 'ssh':
    case 'paramiko':
    case 'smart':
      return new SshConnection(host, vars, settings);
    default:
      return new UnavailableConnection(host, `unknown connection type '${kind}' (ansible_connection); use local or ssh`);
  }
}

/** A host we cannot reach by the chosen transport: every call reports UNREACHABLE. */
class UnavailableConnection implements Connection {
  constructor(readonly host: string, private readonly why: string) {}
  connect(): Promise<void> {
    return Promise.reject(new UnreachableError(this.why));
  }
  exec(): never {
    throw new UnreachableError(this.why);
  }
  put(): never {
    throw new UnreachableError(this.why);
  }
  get(): never {
    throw new UnreachableError(this.why);
  }
  async close(): Promise<void> {}
}
