import { openConnection } from '../connection/factory.js';
import { UnreachableError, type Connection } from '../connection/types.js';
import type { Vars } from '../vars/types.js';

/** One connection per host for the whole run, opened on first use and reused by every task. */
export class ConnectionPool {
  private readonly conns = new Map<string, Promise<Connection>>();

  get(host: string, vars: Vars): Promise<Connection> {
    let p = this.conns.get(host);
    if (!p) {
      p = (async () => {
        const conn = openConnection(host, vars);
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

  async closeAll(): Promise<void> {
    const all = [...this.conns.values()];
    this.conns.clear();
    await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => undefined)));
  }
}
