import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, parseKnownHosts } from '../../src/connection/known-hosts.js';
import { HostKeyError, HostKeyVerifier, changedKeyMessage } from '../../src/connection/ssh-host-key.js';
import { appendKnownHost } from '../../src/connection/ssh-known-hosts-file.js';
import type { HostKeyChecking } from '../../src/connection/ssh-settings.js';
import { UnreachableError } from '../../src/connection/types.js';

let dir: string;
let keyA: Buffer;
let keyB: Buffer;
let rsa: Buffer;

function pub(name: string, type: string): Buffer {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file]);
  return Buffer.from(execFileSync('ssh-keygen', ['-y', '-f', file]).toString().split(' ')[1]!, 'base64');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsplay-hostkey-'));
  keyA = pub('a', 'ed25519');
  keyB = pub('b', 'ed25519');
  rsa = pub('r', 'rsa');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let n = 0;
/** A fresh home with the given user known_hosts content (undefined: no ~/.ssh at all). */
async function home(content?: string) {
  const h = join(dir, `home${n++}`);
  const userFile = join(h, '.ssh', 'known_hosts');
  if (content !== undefined) {
    execFileSync('mkdir', ['-p', join(h, '.ssh')]);
    await writeFile(userFile, content);
  }
  return { h, userFile };
}

function verifier(name: string, policy: HostKeyChecking, userFile: string, globalFiles: string[] = [], hashNew = false) {
  return new HostKeyVerifier({ name, policy, files: { userFiles: [userFile], globalFiles, hashNew }, defaultUserFile: userFile });
}

const line = (name: string, key: Buffer) => `${name} ssh-ed25519 ${key.toString('base64')}\n`;

describe('host key policy', () => {
  it.each([
    ['accept-new', 'records'],
    ['off', 'ignores'],
  ] as const)('%s %s a new host key', async (policy, what) => {
    const { userFile } = await home();
    const v = verifier('[127.0.10.3]:2222', policy, userFile);
    await v.prepare();
    await v.verify(keyA);
    if (what === 'records') {
      expect(await readFile(userFile, 'utf8')).toBe(line('[127.0.10.3]:2222', keyA));
      expect((await stat(userFile)).mode & 0o777).toBe(0o600);
      expect((await stat(join(userFile, '..'))).mode & 0o777).toBe(0o700);
    } else {
      await expect(stat(userFile)).rejects.toThrow(/ENOENT/);
    }
  });

  it('strict refuses a new key and says how to add it', async () => {
    const { userFile } = await home('');
    const v = verifier('[127.0.10.3]:2222', 'strict', userFile);
    await v.prepare();
    const err = await v.verify(keyA).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyError);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toContain(fingerprint(keyA));
    expect((err as Error).message).toContain('ssh-keyscan -p 2222 127.0.10.3');
    expect(await readFile(userFile, 'utf8')).toBe('');
  });

  it.each(['accept-new', 'strict'] as const)('%s accepts a recorded key (also from the system file)', async (policy) => {
    const { userFile } = await home(line('web1', keyA));
    const system = join(dir, `system${n++}`);
    await writeFile(system, line('web2', keyB));
    for (const [name, key] of [['web1', keyA], ['web2', keyB]] as const) {
      const v = verifier(name, policy, userFile, [system]);
      await v.prepare();
      await expect(v.verify(key)).resolves.toBeUndefined();
    }
    expect(await readFile(userFile, 'utf8')).toBe(line('web1', keyA));
  });

  it.each(['accept-new', 'strict'] as const)('%s refuses a CHANGED key with both fingerprints and the removal command', async (policy) => {
    const { userFile } = await home(`# first line\n${line('127.0.10.3', keyA)}`);
    const v = verifier('127.0.10.3', policy, userFile);
    await v.prepare();
    const err = (await v.verify(keyB).then(() => undefined, (e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(HostKeyError);
    expect(err.message).toContain('HOST KEY CHANGED for 127.0.10.3');
    expect(err.message).toContain(`known:     ssh-ed25519 ${fingerprint(keyA)} (${userFile}:2)`);
    expect(err.message).toContain(`presented: ssh-ed25519 ${fingerprint(keyB)}`);
    expect(err.message).toContain('ssh-keygen -R 127.0.10.3');
    expect(await readFile(userFile, 'utf8')).not.toContain(keyB.toString('base64'));
  });

  it('refuses a revoked key even for a new host', async () => {
    const { userFile } = await home(`@revoked * ssh-ed25519 ${keyB.toString('base64')}\n`);
    const v = verifier('fresh', 'accept-new', userFile);
    await v.prepare();
    await expect(v.verify(keyB)).rejects.toThrow(/REVOKED/);
  });

  it('asks the server for the known key types first', async () => {
    const { userFile } = await home(`h ssh-rsa ${rsa.toString('base64')}\n`);
    const v = verifier('h', 'accept-new', userFile);
    await v.prepare();
    expect(v.algorithms().slice(0, 4)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
    const other = verifier('other', 'accept-new', userFile);
    await other.prepare();
    expect(other.algorithms()[0]).toBe('ssh-ed25519');
  });
});

describe('the changed-key message', () => {
  const entry = (file: string, lineNo: number) => ({ file, line: lineNo, hosts: 'x', keyType: 'ssh-ed25519', key: Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIA==', 'base64') });
  it.each([
    ['[127.0.10.3]:2222', '/home/u/.ssh/known_hosts', 'ssh-keygen -R "[127.0.10.3]:2222"'],
    ['127.0.10.3', '/home/u/.ssh/known_hosts', 'ssh-keygen -R 127.0.10.3'],
    ['web1', '/etc/ssh/ssh_known_hosts', 'ssh-keygen -f /etc/ssh/ssh_known_hosts -R web1'],
    ['web1', '/tmp/my files/kh', 'ssh-keygen -f "/tmp/my files/kh" -R web1'],
  ])('%s in %s: %s', (name, file, command) => {
    const msg = changedKeyMessage(name, Buffer.from(keyB), [entry(file, 7)], '/home/u/.ssh/known_hosts');
    expect(msg).toContain(`remove the old key with: ${command}`);
    expect(msg).toContain(`(${file}:7)`);
  });
});

describe('recording keys from many connections at once', () => {
  it('serializes appends: one line per host, none torn, none twice', async () => {
    const { userFile } = await home('no-newline-at-end ssh-ed25519 ' + keyA.toString('base64'));
    const hosts = Array.from({ length: 40 }, (_, i) => `[127.0.10.${i + 1}]:22${String(i).padStart(2, '0')}`);
    const hashed = Array.from({ length: 20 }, (_, i) => `127.0.11.${i + 1}`);
    // every host twice with its key (a jump host shared by many targets), and some hashed names
    const key = (i: number) => (i % 2 ? keyA : keyB);
    await Promise.all([
      ...[...hosts, ...hosts].map((h, i) => appendKnownHost(userFile, h, key(i % 40), false)),
      ...hashed.map((h) => appendKnownHost(userFile, h, keyA, true)),
    ]);
    const text = await readFile(userFile, 'utf8');
    const entries = parseKnownHosts(text, userFile);
    expect(entries).toHaveLength(1 + 40 + 20);
    expect(text.split('\n').filter(Boolean)).toHaveLength(61);
    expect(entries[0]!.hosts).toBe('no-newline-at-end');
    for (const [i, h] of hosts.entries()) expect(entries.filter((e) => e.hosts === h).map((e) => e.key)).toEqual([key(i)]);
    for (const h of hashed) expect(execFileSync('ssh-keygen', ['-F', h, '-f', userFile]).toString()).toContain(keyA.toString('base64'));
  });

  it('writes hashed names when asked (HashKnownHosts yes)', async () => {
    const { userFile } = await home();
    const v = verifier('[127.0.0.1]:2299', 'accept-new', userFile, [], true);
    await v.prepare();
    await v.verify(keyA);
    const text = await readFile(userFile, 'utf8');
    expect(text).toMatch(/^\|1\|/);
    expect(execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2299', '-f', userFile]).toString()).toContain(keyA.toString('base64'));
  });
});
