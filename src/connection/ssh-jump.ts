import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import type { SshEndpoint } from './ssh-target.js';
import { UnreachableError } from './types.js';

/** Opens one hop (over `sock` when given); see connectHop. */
export type OpenHop = (hop: SshEndpoint, sock: Duplex | undefined, label: string) => Promise<Client>;

interface Entry {
  client: Promise<Client>;
  users: number;
  /** releases the hop before this one (chains of several jumps) */
  releaseParent: () => void;
}

/**
 * Connections to jump hosts (ProxyJump), shared by every target behind them and closed when the
 * last target lets go. A chain `a,b` reaches `b` through a tunnel opened on `a`, and the target
 * through a tunnel opened on `b`; each hop's host key is checked like any other.
 */
export class JumpHosts {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly openHop: OpenHop,
    private readonly timeoutSec: number,
  ) {}

  /** A stream to `host:port` opened on the last jump host, and how to give it back. */
  async tunnel(chain: readonly SshEndpoint[], host: string, port: number): Promise<{ stream: Duplex; release: () => void }> {
    const { client, release } = await this.acquire(chain);
    try {
      const stream = await forward(client, host, port, this.timeoutSec, chainLabel(chain));
      let released = false;
      return {
        stream,
        release: () => {
          if (released) return;
          released = true;
          release();
        },
      };
    } catch (e) {
      release();
      throw e;
    }
  }

  private async acquire(chain: readonly SshEndpoint[]): Promise<{ client: Client; release: () => void }> {
    const key = chainLabel(chain);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = this.create(chain, key);
      this.entries.set(key, entry);
    }
    entry.users++;
    const e = entry;
    const release = () => this.release(key, e);
    try {
      return { client: await e.client, release };
    } catch (err) {
      release();
      throw err;
    }
  }

  private create(chain: readonly SshEndpoint[], key: string): Entry {
    const hop = chain[chain.length - 1]!;
    const parentChain = chain.slice(0, -1);
    const entry: Entry = { client: undefined as unknown as Promise<Client>, users: 0, releaseParent: () => {} };
    entry.client = (async () => {
      let sock: Duplex | undefined;
      if (parentChain.length) {
        const t = await this.tunnel(parentChain, hop.hostname, hop.port);
        sock = t.stream;
        entry.releaseParent = t.release;
      }
      try {
        const client = await this.openHop(hop, sock, `jump host ${hopLabel(hop)}${parentChain.length ? ` (via ${chainLabel(parentChain)})` : ''}`);
        // a jump host that goes away is forgotten, so the next target connects afresh; from the
        // socket's 'end' on, ssh2 refuses new tunnels, so that is when it is gone
        const forget = () => {
          if (this.entries.get(key) === entry) this.entries.delete(key);
        };
        client.on('end', forget);
        client.on('close', () => {
          forget();
          entry.releaseParent();
        });
        return client;
      } catch (e) {
        entry.releaseParent();
        throw e;
      }
    })();
    entry.client.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry;
  }

  private release(key: string, entry: Entry): void {
    entry.users--;
    if (entry.users > 0) return;
    if (this.entries.get(key) === entry) this.entries.delete(key);
    entry.client.then((c) => c.end(), () => undefined);
  }
}

function forward(client: Client, host: string, port: number, timeoutSec: number, via: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(new UnreachableError(`cannot reach ${host}:${port} through ${via}: timed out after ${timeoutSec} s`));
    }, timeoutSec * 1000);
    const fail = (err: Error) => reject(new UnreachableError(`cannot reach ${host}:${port} through ${via}: ${err.message}`, { cause: err }));
    try {
      // the source address is informational for the jump host's logs
      client.forwardOut('127.0.0.1', 0, host, port, (err, stream) => {
        clearTimeout(timer);
        if (timedOut) {
          stream?.destroy();
          return;
        }
        if (err) return fail(err);
        resolve(stream);
      });
    } catch (e) {
      // ssh2 throws "Not connected" when the jump host's socket has just ended
      clearTimeout(timer);
      fail(e instanceof Error ? e : new Error(String(e)));
    }
  });
}

export function hopLabel(ep: SshEndpoint): string {
  return `${ep.user}@${ep.hostname}:${ep.port}`;
}

export function chainLabel(chain: readonly SshEndpoint[]): string {
  return chain.map(hopLabel).join(' > ');
}
