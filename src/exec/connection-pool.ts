import { openConnection } from '../connection/factory.js';
import type { ConnectionSettings } from '../connection/ssh-settings.js';
import { UnreachableError, type Connection } from '../connection/types.js';
import type { Vars } from '../vars/types.js';
import type { RunOptions } from './options.js';

/** One connection per host for the whole run, opened on first use and reused by every task. */
export class ConnectionPool {
  private readonly conns = new Map<string, Promise<Connection>>();
  /** one object for the whole run: ssh shares keys, config and jump hosts per settings object */
  private readonly settings: ConnectionSettings;
  private readonly byRemoteUser = new Map<string, ConnectionSettings>();

  constructor(opts: Pick<RunOptions, 'user' | 'connection'> = {}) {
    this.settings = { ...opts.connection, ...(opts.user !== undefined ? { user: opts.user } : {}) };
  }

  /**
   * The host's connection, opened on first use. `remoteUser` (the play's remote_user keyword)
   * counts only when the connection is opened: later plays reuse it as it is.
   */
  get(host: string, vars: Vars, remoteUser?: string): Promise<Connection> {
    let p = this.conns.get(host);
    if (!p) {
      p = (async () => {
        const conn = openConnection(host, vars, this.settingsFor(remoteUser));
        try {
          await conn.connect();
        } catch (e) {
          throw e instanceof UnreachableError ? e : new UnreachableError(e instanceof Error ? e.message : String(e), { cause: e });
        }
        return conn;
      })();
      this.conns.set(host, p);
    }
    return p;
  }

  private settingsFor(remoteUser: string | undefined): ConnectionSettings {
    if (remoteUser === undefined) return this.settings;
    let s = this.byRemoteUser.get(remoteUser);
    if (!s) {
      s = { ...this.settings, remoteUser, shareWith: this.settings };
      this.byRemoteUser.set(remoteUser, s);
    }
    return s;
  }

  async closeAll(): Promise<void> {
    const all = [...this.conns.values()];
    this.conns.clear();
    await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => undefined)));
  }
}
