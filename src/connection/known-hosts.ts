import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { matchPatternList } from './ssh-pattern.js';

/**
 * The known_hosts format (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): `[@marker] patterns keytype
 * base64-key [comment]`. Patterns are a comma list of names with wildcards and `!` negation,
 * `[host]:port` for ports other than 22, or one hashed name `|1|base64(salt)|base64(HMAC-SHA1)`.
 */
export interface KnownHostEntry {
  file: string;
  /** 1-based line number */
  line: number;
  marker?: 'revoked' | 'cert-authority';
  /** the host field as written */
  hosts: string;
  keyType: string;
  key: Buffer;
}

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fields = lines[i]!.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#')) continue;
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const m = fields.shift()!.slice(1);
      // an unknown marker makes OpenSSH skip the line; so do we
      if (m !== 'revoked' && m !== 'cert-authority') continue;
      marker = m;
    }
    const [hosts, keyType, b64] = fields;
    if (!hosts || !keyType || !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) continue; // malformed lines are skipped, as by ssh
    const key = Buffer.from(b64, 'base64');
    if (keyTypeOf(key) !== keyType) continue;
    entries.push({ file, line: i + 1, ...(marker ? { marker } : {}), hosts, keyType, key });
  }
  return entries;
}

/** Whether an entry's host field names `name` (`host` or `[host]:port`). */
export function hostFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) return hashedMatches(hosts, name);
  return matchPatternList(hosts.split(','), name.toLowerCase());
}

function hashedMatches(field: string, name: string): boolean {
  const [, , salt, hash] = field.split('|');
  if (!salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name.toLowerCase()).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A hashed host field for `name`, as `ssh-keygen -H` writes it. */
export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  const hash = createHmac('sha1', salt).update(name.toLowerCase()).digest('base64');
  return `|1|${salt.toString('base64')}|${hash}`;
}

/** The algorithm name inside an SSH public key blob (its first string). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return '';
  const len = blob.readUInt32BE(0);
  if (len > 64 || blob.length < 4 + len) return '';
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** The fingerprint OpenSSH prints: `SHA256:` + unpadded base64 of the blob's SHA-256. */
export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

export function knownHostsLine(name: string, blob: Buffer, hash: boolean): string {
  return `${hash ? hashHostName(name) : name} ${keyTypeOf(blob)} ${blob.toString('base64')}\n`;
}

export type HostKeyVerdict =
  | { kind: 'known'; entry: KnownHostEntry }
  | { kind: 'revoked'; entry: KnownHostEntry }
  | { kind: 'changed'; expected: KnownHostEntry[] }
  | { kind: 'new' };

/**
 * Judges a presented key against the entries for `name`. The key is CHANGED when an entry of the
 * same type holds another key, and also when only other types are known but we asked the server
 * for those first (`negotiable`): a server that still had the known key would have shown it, so
 * switching types is not a reason to trust a key we never saw.
 */
export function judgeHostKey(entries: readonly KnownHostEntry[], name: string, presented: Buffer, negotiable: (keyType: string) => boolean = () => true): HostKeyVerdict {
  const mine = entries.filter((e) => e.marker !== 'cert-authority' && hostFieldMatches(e.hosts, name));
  const revoked = mine.find((e) => e.marker === 'revoked' && e.key.equals(presented));
  if (revoked) return { kind: 'revoked', entry: revoked };
  const plain = mine.filter((e) => e.marker === undefined);
  const same = plain.find((e) => e.key.equals(presented));
  if (same) return { kind: 'known', entry: same };
  const type = keyTypeOf(presented);
  const sameType = plain.filter((e) => e.keyType === type);
  if (sameType.length) return { kind: 'changed', expected: sameType };
  const otherTypes = plain.filter((e) => negotiable(e.keyType));
  if (otherTypes.length) return { kind: 'changed', expected: otherTypes };
  return { kind: 'new' };
}

/** Key types of the entries for `name`, in file order (to ask the server for those first). */
export function knownKeyTypes(entries: readonly KnownHostEntry[], name: string): string[] {
  const types = entries.filter((e) => e.marker === undefined && hostFieldMatches(e.hosts, name)).map((e) => e.keyType);
  return [...new Set(types)];
}
