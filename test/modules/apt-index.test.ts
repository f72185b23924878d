// The local apt repository fixture itself: real .deb files, an index apt can read, a Release whose
// hashes match, a signature that verifies with the published key, all served on 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PACKAGES, startAptRepo, type AptRepo } from '../lab/apt-repo.js';
import { tempDir } from './harness.js';

let repo: AptRepo;

async function fetchBytes(path: string): Promise<{ status: number; body: Buffer }> {
  const r = await fetch(new URL(path, repo.url));
  return { status: r.status, body: Buffer.from(await r.arrayBuffer()) };
}

/** Debian control stanzas: blank-line separated `Field: value` blocks. */
function stanzas(text: string): Record<string, string>[] {
  return text
    .split(/\n\n+/)
    .filter((b) => b.trim() !== '')
    .map((b) => Object.fromEntries(b.split('\n').filter((l) => /^\S+: /.test(l)).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)])));
}

describe('the local apt repository fixture', () => {
  beforeAll(async () => {
    repo = await startAptRepo({ sign: true });
  }, 60_000);
  afterAll(async () => {
    await repo?.stop();
  });

  it('lists every version of every package except the unlisted one, with Depends and Recommends', async () => {
    const { status, body } = await fetchBytes('./Packages');
    expect(status).toBe(200);
    const entries = stanzas(body.toString('utf8'));
    const listed = FIXTURE_PACKAGES.filter((p) => !p.unlisted).map((p) => `${p.name}=${p.version}`).sort();
    expect(entries.map((e) => `${e.Package}=${e.Version}`).sort()).toEqual(listed);
    expect(entries.find((e) => e.Package === 'tsplay-demo' && e.Version === '1.1-1')).toMatchObject({ Depends: 'tsplay-demo-dep', Architecture: 'all' });
    expect(entries.find((e) => e.Package === 'tsplay-rec')).toMatchObject({ Recommends: 'tsplay-recommended' });
    const demo = entries.find((e) => e.Package === 'tsplay-demo' && e.Version === '1.0-1')!;
    const deb = await fetchBytes(`/${demo.Filename.replace(/^\.\//, '')}`);
    expect(createHash('sha256').update(deb.body).digest('hex')).toBe(demo.SHA256);
    expect((await fetchBytes('/no-such-file')).status).toBe(404);
    expect((await fetchBytes('/../../etc/passwd')).status).toBe(404);
  });

  it('builds real packages dpkg can read', () => {
    const fields = execFileSync('dpkg-deb', ['-f', repo.debPath('tsplay-demo', '1.1-1'), 'Package', 'Version', 'Depends'], { encoding: 'utf8' });
    expect(fields).toBe('Package: tsplay-demo\nVersion: 1.1-1\nDepends: tsplay-demo-dep\n');
    expect(execFileSync('dpkg-deb', ['-c', repo.debPath('tsplay-local', '3.0-1')], { encoding: 'utf8' })).toContain('./usr/share/tsplay-local/VERSION');
  });

  it('Packages.gz holds the same index, and Release has their hashes', async () => {
    const plain = (await fetchBytes('/Packages')).body;
    const gz = (await fetchBytes('/Packages.gz')).body;
    expect(gunzipSync(gz).equals(plain)).toBe(true);
    const release = (await fetchBytes('/Release')).body.toString('utf8');
    for (const [name, data] of [['Packages', plain], ['Packages.gz', gz]] as const) {
      expect(release).toContain(` ${createHash('sha256').update(data).digest('hex')} ${String(data.length).padStart(8)} ${name}\n`);
    }
  });

  it('InRelease verifies with the published key, and a tampered one does not', async (t) => {
    if (!repo.publicKey) return t.skip('gpg is not installed: the fixture repository is unsigned');
    const tmp = tempDir('tsplay-aptkey-');
    try {
      const keyring = join(tmp.dir, 'key.gpg');
      execFileSync('gpg', ['--batch', '--yes', '--dearmor', '--output', keyring], { input: repo.publicKey });
      const inRelease = (await fetchBytes('/InRelease')).body;
      writeFileSync(join(tmp.dir, 'InRelease'), inRelease);
      expect(() => execFileSync('gpgv', ['--keyring', keyring, join(tmp.dir, 'InRelease')], { stdio: 'pipe' })).not.toThrow();
      writeFileSync(join(tmp.dir, 'Tampered'), inRelease.toString('utf8').replace('Label: tsplay', 'Label: evil'));
      expect(() => execFileSync('gpgv', ['--keyring', keyring, join(tmp.dir, 'Tampered')], { stdio: 'pipe' })).toThrow();
    } finally {
      tmp.cleanup();
    }
  });

  it('gives the sources.list line lab hosts use', () => {
    expect(repo.sourceLine()).toBe(`deb [trusted=yes] http://127.0.0.1:${repo.port}/ ./`);
    expect(repo.sourceLine('/etc/apt/keyrings/tsplay.asc')).toBe(`deb [signed-by=/etc/apt/keyrings/tsplay.asc] http://127.0.0.1:${repo.port}/ ./`);
  });
});
