import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, hashHostName, hostFieldMatches, judgeHostKey, keyTypeOf, knownHostsLine, knownKeyTypes, parseKnownHosts } from '../../src/connection/known-hosts.js';

/** A real public key made by ssh-keygen: [type, base64 blob, ssh-keygen's own fingerprint]. */
interface Key {
  type: string;
  b64: string;
  blob: Buffer;
  sshKeygenFingerprint: string;
}

let dir: string;
const keys: Record<'ed1' | 'ed2' | 'ecdsa' | 'rsa', Key> = {} as never;

function makeKey(name: string, type: string): Key {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-f', file]);
  const pub = execFileSync('ssh-keygen', ['-y', '-f', file]).toString().trim().split(' ');
  const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`]).toString().split(' ')[1]!;
  return { type: pub[0]!, b64: pub[1]!, blob: Buffer.from(pub[1]!, 'base64'), sshKeygenFingerprint: fp };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsplay-kh-'));
  keys.ed1 = makeKey('ed1', 'ed25519');
  keys.ed2 = makeKey('ed2', 'ed25519');
  keys.ecdsa = makeKey('ecdsa', 'ecdsa');
  keys.rsa = makeKey('rsa', 'rsa');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('known_hosts: key blobs', () => {
  it('names the key type and prints the fingerprint exactly as ssh-keygen -l', () => {
    for (const k of Object.values(keys)) {
      expect(keyTypeOf(k.blob)).toBe(k.type);
      expect(fingerprint(k.blob)).toBe(k.sshKeygenFingerprint);
    }
  });
});

describe('known_hosts: which entries name a host', () => {
  it.each([
    ['web1', 'web1', true],
    ['web1', 'WEB1', true],
    ['web1,127.0.0.5', '127.0.0.5', true],
    ['web1,127.0.0.5', 'web2', false],
    ['*.lab', 'a.lab', true],
    ['*.lab,!secret.lab', 'secret.lab', false],
    ['127.0.10.?', '127.0.10.3', true],
    ['[127.0.10.3]:2222', '[127.0.10.3]:2222', true],
    ['[127.0.10.3]:2222', '127.0.10.3', false], // a non-22 port entry does not vouch for port 22
    ['127.0.10.3', '[127.0.10.3]:2222', false], // nor the reverse
    ['[127.0.10.*]:2222', '[127.0.10.9]:2222', true],
  ])('%s names %s: %s', (field, name, want) => {
    expect(hostFieldMatches(field, name)).toBe(want);
  });

  it('matches hashed entries written by ssh-keygen -H, for plain and [host]:port names', async () => {
    const file = join(dir, 'hashed');
    const names = ['web1.example', '127.0.10.3', '[127.0.10.4]:2222'];
    await writeFile(file, names.map((n) => `${n} ${keys.ed1.type} ${keys.ed1.b64}\n`).join(''));
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const entries = parseKnownHosts(await readFile(file, 'utf8'), file);
    expect(entries).toHaveLength(3);
    for (const [i, e] of entries.entries()) {
      expect(e.hosts).toMatch(/^\|1\|/);
      expect(hostFieldMatches(e.hosts, names[i]!)).toBe(true);
      for (const other of names.filter((_, j) => j !== i)) expect(hostFieldMatches(e.hosts, other)).toBe(false);
    }
    expect(hostFieldMatches(entries[2]!.hosts, '127.0.10.4')).toBe(false);
  });

  it('writes hashed names that ssh-keygen -F finds', async () => {
    const file = join(dir, 'ours');
    await writeFile(file, knownHostsLine('[127.0.10.7]:2299', keys.ecdsa.blob, true) + knownHostsLine('plain.example', keys.rsa.blob, false));
    const found = execFileSync('ssh-keygen', ['-F', '[127.0.10.7]:2299', '-f', file]).toString();
    expect(found).toContain(keys.ecdsa.b64);
    expect(execFileSync('ssh-keygen', ['-F', 'plain.example', '-f', file]).toString()).toContain(keys.rsa.b64);
    expect(hashHostName('x', Buffer.alloc(20, 1))).toBe(hashHostName('X', Buffer.alloc(20, 1)));
  });
});

describe('known_hosts: parsing', () => {
  it('reads markers, skips comments, malformed lines and unknown markers', () => {
    const text = [
      '# comment',
      '',
      `web1,web2 ${keys.ed1.type} ${keys.ed1.b64} user@box`,
      `@revoked * ${keys.ed2.type} ${keys.ed2.b64}`,
      `@cert-authority *.lab ${keys.ecdsa.type} ${keys.ecdsa.b64}`,
      `@future-marker web1 ${keys.rsa.type} ${keys.rsa.b64}`,
      `web3 ssh-ed25519`,
      `web4 ssh-rsa ${keys.ed1.b64}`, // type does not match the blob
      `web5 ssh-ed25519 !!notbase64`,
    ].join('\n');
    const entries = parseKnownHosts(text, 'kh');
    expect(entries.map((e) => [e.line, e.marker ?? '', e.hosts, e.keyType])).toEqual([
      [3, '', 'web1,web2', 'ssh-ed25519'],
      [4, 'revoked', '*', 'ssh-ed25519'],
      [5, 'cert-authority', '*.lab', 'ecdsa-sha2-nistp256'],
    ]);
  });
});

describe('known_hosts: judging a presented key', () => {
  const file = () =>
    parseKnownHosts(
      [
        `web1 ${keys.ed1.type} ${keys.ed1.b64}`,
        `[web1]:2222 ${keys.ed2.type} ${keys.ed2.b64}`,
        `rsa-only ${keys.rsa.type} ${keys.rsa.b64}`,
        `@revoked * ${keys.ecdsa.type} ${keys.ecdsa.b64}`,
        `@cert-authority ca-host ${keys.ed1.type} ${keys.ed1.b64}`,
        `two-types ${keys.ed1.type} ${keys.ed1.b64}`,
        `two-types ${keys.rsa.type} ${keys.rsa.b64}`,
        `dss-only ssh-dss AAAAB3NzaC1kc3MAAAA=`,
      ].join('\n'),
      '/k/known_hosts',
    );
  const cases: Array<[string, string, keyof typeof keys, string, number?]> = [
    ['the recorded key', 'web1', 'ed1', 'known'],
    ['another key of the same type', 'web1', 'ed2', 'changed', 1],
    ['the port entry, not the port-22 one', '[web1]:2222', 'ed2', 'known'],
    ['port 22 key on another port', '[web1]:2222', 'ed1', 'changed', 2],
    ['a never-seen host', 'new-host', 'ed1', 'new'],
    ['a revoked key, for any host', 'new-host', 'ecdsa', 'revoked'],
    ['another type when only RSA is known', 'rsa-only', 'ed1', 'changed', 3],
    ['one of two known types', 'two-types', 'rsa', 'known'],
    ['a cert-authority line is not a host key', 'ca-host', 'ed2', 'new'],
  ];
  it.each(cases)('%s: %s -> %s', (_what, name, key, kind, expectedLine) => {
    const v = judgeHostKey(file(), name, keys[key].blob);
    expect(v.kind).toBe(kind);
    if (v.kind === 'changed') expect(v.expected[0]!.line).toBe(expectedLine);
  });

  it('a type we cannot negotiate (ssh-dss known) does not make a new key "changed"', () => {
    const entries = file();
    const negotiable = (t: string) => t !== 'ssh-dss';
    expect(judgeHostKey(entries, 'dss-only', keys.ed1.blob, negotiable).kind).toBe('new');
    expect(judgeHostKey(entries, 'dss-only', keys.ed1.blob).kind).toBe('changed');
  });

  it('lists the known key types of a host, to ask the server for those first', () => {
    expect(knownKeyTypes(file(), 'two-types')).toEqual(['ssh-ed25519', 'ssh-rsa']);
    expect(knownKeyTypes(file(), 'nobody')).toEqual([]);
  });
});
