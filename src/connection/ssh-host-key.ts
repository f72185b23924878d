import { homedir } from 'node:os';
import { join } from 'node:path';
import { fingerprint, judgeHostKey, keyTypeOf, knownKeyTypes, type KnownHostEntry } from './known-hosts.js';
import { appendKnownHost, readKnownHosts } from './ssh-known-hosts-file.js';
import type { HostKeyChecking } from './ssh-settings.js';
import type { KnownHostsFiles } from './ssh-target.js';
import { UnreachableError } from './types.js';

/** A host key we must not trust: changed, revoked, or unknown under strict checking. */
export class HostKeyError extends UnreachableError {
  constructor(message: string) {
    super(message);
    this.name = 'HostKeyError';
  }
}

/** ssh2's host key algorithms, most preferred first (its defaults). */
const ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

/** Algorithms that produce a key of this known_hosts type (RSA keys sign with three). */
function algorithmsFor(keyType: string): string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : ALGORITHMS.includes(keyType) ? [keyType] : [];
}

export interface HostKeyCheckOptions {
  /** known_hosts name: `host` or `[host]:port` */
  name: string;
  policy: HostKeyChecking;
  files: KnownHostsFiles;
  /** the default user known_hosts file, to leave `-f` out of the advice when it is that one */
  defaultUserFile?: string;
}

/**
 * Host key checking for one hop. `prepare` reads known_hosts before connecting, so the server is
 * asked for the key types we already know (as OpenSSH does); `verify` runs inside ssh2's
 * hostVerifier, i.e. before any authentication, and throws HostKeyError to refuse.
 */
export class HostKeyVerifier {
  private entries: KnownHostEntry[] = [];

  constructor(private readonly o: HostKeyCheckOptions) {}

  async prepare(): Promise<void> {
    if (this.o.policy === 'off') return;
    this.entries = await readKnownHosts([...this.o.files.userFiles, ...this.o.files.globalFiles]);
  }

  /** Server host key algorithms in our order of preference: known types first. */
  algorithms(): string[] {
    const known = knownKeyTypes(this.entries, this.o.name).flatMap(algorithmsFor);
    return [...new Set([...known, ...ALGORITHMS])];
  }

  async verify(presented: Buffer): Promise<void> {
    if (this.o.policy === 'off') return;
    const { name } = this.o;
    const verdict = judgeHostKey(this.entries, name, presented, (t) => algorithmsFor(t).length > 0);
    switch (verdict.kind) {
      case 'known':
        return;
      case 'revoked':
        throw new HostKeyError(`host key for ${name} (${keyTypeOf(presented)} ${fingerprint(presented)}) is REVOKED in ${verdict.entry.file}:${verdict.entry.line}; refusing to connect`);
      case 'changed':
        throw new HostKeyError(changedKeyMessage(name, presented, verdict.expected, this.o.defaultUserFile ?? defaultKnownHostsFile()));
      case 'new':
        if (this.o.policy === 'strict') {
          throw new HostKeyError(
            `no host key is known for ${name} and host key checking is strict; the server offered ${keyTypeOf(presented)} ${fingerprint(presented)}. ` +
              `Check it, then add it with: ssh-keyscan ${keyscanArgs(name)} >> ${this.o.files.userFiles[0] ?? '~/.ssh/known_hosts'}`,
          );
        }
        if (this.o.files.userFiles[0]) await appendKnownHost(this.o.files.userFiles[0], name, presented, this.o.files.hashNew);
        // a later key exchange on this connection (re-keying) must find it known
        this.entries.push({ file: this.o.files.userFiles[0] ?? '', line: 0, hosts: name, keyType: keyTypeOf(presented), key: presented });
        return;
    }
  }
}

/** OpenSSH-like warning: both fingerprints, where the old key is, and how to remove it. */
export function changedKeyMessage(name: string, presented: Buffer, expected: readonly KnownHostEntry[], defaultUserFile: string): string {
  const known = expected.map((e) => `  known:     ${e.keyType} ${fingerprint(e.key)} (${e.file}:${e.line})`);
  const files = [...new Set(expected.map((e) => e.file))];
  const removal = files.map((f) => `ssh-keygen ${f === defaultUserFile ? '' : `-f ${shellWord(f)} `}-R ${shellWord(name)}`);
  return [
    `HOST KEY CHANGED for ${name}: the server presented a different key than the one recorded. Someone could be eavesdropping (man-in-the-middle), or the host was reinstalled.`,
    ...known,
    `  presented: ${keyTypeOf(presented)} ${fingerprint(presented)}`,
    `If the change is expected, remove the old key with: ${removal.join(' ; ')}`,
  ].join('\n');
}

function keyscanArgs(name: string): string {
  const m = /^\[(.+)\]:(\d+)$/.exec(name);
  return m ? `-p ${m[2]} ${m[1]}` : name;
}

function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(s) ? s : `"${s.replace(/(["\\$`])/g, '\\$1')}"`;
}

function defaultKnownHostsFile(): string {
  return join(homedir(), '.ssh', 'known_hosts');
}
