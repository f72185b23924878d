import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { Client, ServerHostKeyAlgorithm } from 'ssh2';
import { AuthPlan, type KeyStore } from './ssh-auth.js';
import { HostKeyError, HostKeyVerifier } from './ssh-host-key.js';
import type { KnownHostsFiles, SshEndpoint } from './ssh-target.js';
import type { HostKeyChecking } from './ssh-settings.js';
import { UnreachableError } from './types.js';

export interface HopOptions {
  endpoint: SshEndpoint;
  /** an already open stream to the server (through a jump host) instead of a TCP connection */
  sock?: Duplex;
  /** how the hop is named in messages, e.g. `root@127.0.10.3:22 (via bastion)` */
  label: string;
  timeoutSec: number;
  keepaliveIntervalSec: number;
  keepaliveCountMax: number;
  hostKeyChecking: HostKeyChecking;
  knownHosts: KnownHostsFiles;
  defaultKnownHostsFile: string;
  keys: KeyStore;
}

/** ssh2 tags its errors with a level; agent errors are not fatal (it goes on to the next method). */
type Ssh2Error = Error & { level?: string; code?: string };

/**
 * Opens one authenticated ssh2 connection. The host key is judged before authentication; the
 * connect timeout covers the TCP connection, the handshake and the login, and is paused (then
 * starts over) while a person types a passphrase or a new host key is being recorded. Every failure is an UnreachableError
 * (HostKeyError for a key we must not trust) whose message starts with the hop's label.
 */
export function connectHop(o: HopOptions): Promise<Client> {
  const verifier = new HostKeyVerifier({ name: o.endpoint.hostKeyName, policy: o.hostKeyChecking, files: o.knownHosts, defaultUserFile: o.defaultKnownHostsFile });
  return verifier.prepare().then(
    () =>
      new Promise<Client>((resolve, reject) => {
        const client = new ssh2.Client();
        let settled = false;
        let hostKeyFailure: Error | undefined;
        const notes: string[] = [];
        const timer = new PausableTimer(o.timeoutSec * 1000, () => {
          fail(new UnreachableError(`${o.label}: timed out after ${o.timeoutSec} s`));
          client.destroy();
        });
        const auth = new AuthPlan(o.endpoint, o.keys, { waiting: (on) => (on ? timer.pause() : timer.resume()) });

        const fail = (e: Error) => {
          if (settled) return;
          settled = true;
          timer.stop();
          reject(e);
        };
        // Nagle's algorithm holds our small packets until the server's (delayed, 40 ms) ACK: every
        // command would wait for it. OpenSSH's client turns it off too. (No-op over a jump channel.)
        client.on('connect', () => client.setNoDelay(true));
        client.on('ready', () => {
          if (settled) return;
          settled = true;
          timer.stop();
          resolve(client);
        });
        client.on('error', (err: Ssh2Error) => {
          if (err.level === 'agent') {
            notes.push(`ssh-agent: ${err.message}`);
            return;
          }
          if (hostKeyFailure) return fail(hostKeyFailure);
          if (err.level === 'client-authentication') {
            const extra = notes.length ? `; ${notes.join('; ')}` : '';
            return fail(new UnreachableError(`${o.label}: ${auth.failureMessage()}${extra}`, { cause: err }));
          }
          fail(new UnreachableError(`${o.label}: ${describeError(err, o.timeoutSec)}`, { cause: err }));
        });
        client.on('close', () => fail(hostKeyFailure ?? new UnreachableError(`${o.label}: connection closed by the server before login`)));

        timer.start();
        try {
          client.connect({
            host: o.endpoint.hostname,
            port: o.endpoint.port,
            username: o.endpoint.user,
            ...(o.sock ? { sock: o.sock } : {}),
            // our own timer replaces ssh2's, which cannot be paused for a passphrase prompt
            readyTimeout: 0,
            keepaliveInterval: o.keepaliveIntervalSec * 1000,
            keepaliveCountMax: o.keepaliveCountMax,
            algorithms: { serverHostKey: verifier.algorithms() as ServerHostKeyAlgorithm[] },
            hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
              timer.pause();
              verifier.verify(key).then(
                () => {
                  timer.resume();
                  verify(true);
                },
                (e: unknown) => {
                  timer.resume();
                  hostKeyFailure = e instanceof HostKeyError ? new HostKeyError(`${o.label}: ${e.message}`) : new UnreachableError(`${o.label}: host key check failed: ${String(e)}`, { cause: e });
                  verify(false);
                },
              );
            },
            authHandler: auth.handler(),
          });
        } catch (e) {
          fail(new UnreachableError(`${o.label}: ${e instanceof Error ? e.message : String(e)}`, { cause: e }));
        }
      }),
  );
}

function describeError(err: Ssh2Error, timeoutSec: number): string {
  if (err.level === 'client-timeout') return `timed out after ${timeoutSec} s`;
  return err.message;
}

/** A one-shot timer that can be paused and resumed (it then runs for its full length again). */
class PausableTimer {
  private handle?: NodeJS.Timeout;
  private paused = 0;
  private stopped = false;

  constructor(private readonly ms: number, private readonly onFire: () => void) {}

  start(): void {
    if (this.stopped || this.paused) return;
    clearTimeout(this.handle);
    this.handle = setTimeout(() => {
      this.stopped = true;
      this.onFire();
    }, this.ms);
  }

  pause(): void {
    this.paused++;
    clearTimeout(this.handle);
  }

  resume(): void {
    if (this.paused > 0) this.paused--;
    this.start();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.handle);
  }
}
