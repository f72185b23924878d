import { join } from 'node:path';
import pLimit from 'p-limit';
import type { Client } from 'ssh2';
import type { Vars } from '../vars/types.js';
import { argv, withEnv } from './quote.js';
import { BecomeSession } from './ssh-become.js';
import { connectHop, type HopOptions } from './ssh-client.js';
import { runOnChannel } from './ssh-exec.js';
import { chainLabel, hopLabel } from './ssh-jump.js';
import { runStateFor, type SshRunState } from './ssh-run-state.js';
import { resolvePaths, type ConnectionSettings } from './ssh-settings.js';
import { resolveSshTarget, sshHostVars, type SshEndpoint, type SshHostVars, type SshTarget } from './ssh-target.js';
import { UnreachableError, type Connection, type ExecBinaryResult, type ExecOptions } from './types.js';

/** Channels open at once on one connection: below OpenSSH's default MaxSessions (10). */
export const MAX_CHANNELS = 5;

/**
 * One persistent SSH connection to one host, shared by every task of the run. Commands run on
 * their own channels, a few at a time; a connection that cannot be made, or that drops, makes
 * every call fail with UnreachableError.
 */
export class SshConnection implements Connection {
  private client?: Client;
  private connecting?: Promise<void>;
  private lostWith?: UnreachableError;
  private closed = false;
  private releaseTunnel?: () => void;
  private target?: SshTarget;
  /** how messages name this host: user@host:port and the jump chain */
  private label = '';
  /** which open() the current client came from: events of a replaced client are ignored */
  private generation = 0;
  private readonly limit = pLimit(MAX_CHANNELS);
  private readonly hostVars: SshHostVars;
  private readonly state: SshRunState;

  constructor(
    readonly host: string,
    vars: Vars,
    private readonly settings: ConnectionSettings = {},
  ) {
    // read once: vars are lazy templates bound to a task's context
    this.hostVars = sshHostVars(vars);
    this.state = runStateFor(settings);
  }

  connect(): Promise<void> {
    this.connecting ??= this.open();
    return this.connecting;
  }

  private async open(): Promise<void> {
    const generation = ++this.generation;
    let target: SshTarget;
    try {
      target = resolveSshTarget(this.host, this.hostVars, this.settings, await this.state.sshConfig());
    } catch (e) {
      throw new UnreachableError(`${this.host}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    this.target = target;
    const label = `${hopLabel(target)}${target.jumps.length ? ` (via ${chainLabel(target.jumps)})` : ''}`;
    let sock: HopOptions['sock'];
    let releaseTunnel: (() => void) | undefined;
    if (target.jumps.length) {
      const jumps = this.state.jumpHosts((hop, s, hopName) => connectHop(this.hopOptions(hop, target, hopName, s)), target.timeoutSec);
      const t = await jumps.tunnel(target.jumps, target.hostname, target.port);
      sock = t.stream;
      releaseTunnel = t.release;
    }
    this.releaseTunnel = releaseTunnel;
    let client: Client;
    try {
      client = await connectHop(this.hopOptions(target, target, label, sock));
    } catch (e) {
      releaseTunnel?.();
      throw e;
    }
    if (this.closed || generation !== this.generation) {
      client.end();
      releaseTunnel?.();
      throw new UnreachableError(`${label}: connection closed`);
    }
    this.client = client;
    this.label = label;
    let reason = '';
    client.on('error', (err: Error) => {
      reason = err.message;
    });
    // 'end' comes first: from then on ssh2 refuses new channels ("Not connected") until 'close'
    const lose = () => {
      if (!this.closed && generation === this.generation) this.lostWith ??= this.lost(reason);
    };
    client.on('end', lose);
    client.on('close', () => {
      releaseTunnel?.();
      lose();
    });
  }

  private lost(reason: string): UnreachableError {
    return new UnreachableError(`${this.label}: connection lost${reason ? `: ${reason}` : ''}`);
  }

  /**
   * Forgets the current client (dead or alive) and connects again with the same settings, for a
   * host that rebooted. A failed attempt leaves the connection ready for another one.
   */
  async reconnect(): Promise<void> {
    if (this.closed) throw new UnreachableError(`${this.host}: the connection is closed`);
    const old = this.client;
    this.generation++;
    this.client = undefined;
    this.lostWith = undefined;
    old?.end();
    const attempt = this.open();
    this.connecting = attempt;
    try {
      await attempt;
    } catch (e) {
      // the next exec() or reconnect() tries again instead of repeating this failure
      if (this.connecting === attempt) this.connecting = undefined;
      throw e;
    }
  }

  private hopOptions(ep: SshEndpoint, target: SshTarget, label: string, sock: HopOptions['sock']): HopOptions {
    return {
      endpoint: ep,
      ...(sock ? { sock } : {}),
      label,
      timeoutSec: target.timeoutSec,
      keepaliveIntervalSec: target.keepaliveIntervalSec,
      keepaliveCountMax: target.keepaliveCountMax,
      hostKeyChecking: target.hostKeyChecking,
      knownHosts: target.knownHosts,
      defaultKnownHostsFile: join(resolvePaths(this.settings).home, '.ssh', 'known_hosts'),
      keys: this.state.keys,
    };
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecBinaryResult> {
    await this.connect();
    return this.limit(() => this.run(command, opts));
  }

  private async run(command: string, opts: ExecOptions): Promise<ExecBinaryResult> {
    const client = this.usable();
    const target = this.target!;
    // the C locale, as the local transport: modules parse command output
    const script = withEnv({ LC_ALL: 'C', ...opts.env }, command);
    const become = opts.become && opts.become.user !== target.user ? new BecomeSession(script, opts.become, this.host) : undefined;
    const stdin = opts.stdin === undefined ? Buffer.alloc(0) : typeof opts.stdin === 'string' ? Buffer.from(opts.stdin) : opts.stdin;
    try {
      return await runOnChannel(client, {
        script: become ? become.script : script,
        stdin,
        ...(become ? { become } : {}),
        becomeTimeoutSec: Math.max(20, 2 * target.timeoutSec),
        lost: () => this.lostWith,
      });
    } catch (e) {
      if (this.lostWith) throw this.lostWith;
      // the socket failed or ended and ssh2 has not told us yet: later calls hear the same
      if (e instanceof Error && e.message === 'Not connected') {
        if (this.client !== client) throw this.lost('');
        throw (this.lostWith ??= this.lost(''));
      }
      throw e;
    }
  }

  private usable(): Client {
    if (this.lostWith) throw this.lostWith;
    if (this.closed || !this.client) throw new UnreachableError(`${this.host}: the connection is closed`);
    return this.client;
  }

  async put(content: Buffer, dest: string): Promise<void> {
    const r = await this.exec(`cat > ${argv([dest])}`, { stdin: content });
    if (r.rc !== 0) throw new Error(`cannot write ${dest} on ${this.host}: ${r.stderr.trim() || `exit status ${r.rc}`}`);
  }

  async get(path: string): Promise<Buffer> {
    const r = await this.exec(`cat ${argv([path])}`, { binary: true });
    if (r.rc !== 0) throw new Error(`cannot read ${path} on ${this.host}: ${r.stderr.trim() || `exit status ${r.rc}`}`);
    return r.stdoutBytes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const client = this.client;
    if (!client) return;
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      client.once('close', done);
      client.end();
      // a dead peer may never confirm: do not hold the run's end for it
      setTimeout(done, 2000).unref();
    });
    this.releaseTunnel?.();
  }
}
