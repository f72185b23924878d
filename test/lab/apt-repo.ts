// A local apt repository for the package tests: small real .deb files built with dpkg-deb, a flat
// repository index (Packages, Packages.gz, Release; optionally signed with a throwaway gpg key),
// served over HTTP on 127.0.0.1 so lab hosts (which share this machine's network) install from it
// and never from the Debian mirror.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One package the fixture builds. */
export interface FixturePackage {
  name: string;
  version: string;
  depends?: string;
  recommends?: string;
  /** built but left out of the repository index (for `deb=` tests) */
  unlisted?: boolean;
}

/** The packages every test can count on. */
export const FIXTURE_PACKAGES: readonly FixturePackage[] = [
  { name: 'tsplay-demo', version: '1.0-1' },
  { name: 'tsplay-demo', version: '1.1-1', depends: 'tsplay-demo-dep' },
  { name: 'tsplay-demo-dep', version: '1.0-1' },
  { name: 'tsplay-rec', version: '1.0-1', recommends: 'tsplay-recommended' },
  { name: 'tsplay-recommended', version: '1.0-1' },
  { name: 'tsplay-hold', version: '1.0-1' },
  { name: 'tsplay-hold', version: '2.0-1' },
  { name: 'tsplay-local', version: '3.0-1', unlisted: true },
];

export interface AptRepo {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  readonly port: number;
  /** the directory served (holds the .deb files and the index) */
  readonly dir: string;
  /** the .deb file built for a package version */
  debPath(name: string, version: string): string;
  /** the sources.list line for this repository: `deb [trusted=yes] URL ./`, or signed-by a key file */
  sourceLine(signedBy?: string): string;
  /** the ASCII-armored public key the Release file is signed with (when built with `sign` and gpg is installed) */
  readonly publicKey?: string;
  /** a real Debian package copied from this machine's apt cache into the repository, if one was there */
  readonly realPackage?: { name: string; version: string };
  /** the request paths served so far (to prove hosts used this repository) */
  readonly requests: string[];
  stop(): Promise<void>;
}

export interface AptRepoOptions {
  /** sign Release (InRelease, Release.gpg) with a throwaway key made in a temporary GNUPGHOME */
  sign?: boolean;
  /** also serve one real .deb from /var/cache/apt/archives (skipped when there is none) */
  withRealPackage?: boolean;
}

/** Builds the packages, writes the index and serves it; `stop()` closes the server and removes everything. */
export async function startAptRepo(o: AptRepoOptions = {}): Promise<AptRepo> {
  const root = mkdtempSync(join(tmpdir(), 'tsplay-aptrepo-'));
  const dir = join(root, 'repo');
  const unlisted = join(root, 'unlisted');
  mkdirSync(dir);
  mkdirSync(unlisted);
  const paths = new Map<string, string>();
  for (const p of FIXTURE_PACKAGES) paths.set(`${p.name}=${p.version}`, buildDeb(root, p.unlisted ? unlisted : dir, p));
  const realPackage = o.withRealPackage ? copyRealPackage(dir) : undefined;
  writeIndex(dir);
  const publicKey = o.sign && hasGpg() ? signRelease(root, dir) : undefined;

  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]));
    requests.push(path);
    const file = join(dir, path);
    if (path.includes('..') || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    const st = statSync(file);
    res.writeHead(200, { 'Content-Length': st.size, 'Last-Modified': st.mtime.toUTCString() });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    port,
    dir,
    requests,
    publicKey,
    realPackage,
    debPath(name, version) {
      const p = paths.get(`${name}=${version}`);
      if (!p) throw new Error(`the fixture has no ${name}=${version}`);
      return p;
    },
    sourceLine: (signedBy) => `deb [${signedBy ? `signed-by=${signedBy}` : 'trusted=yes'}] ${url} ./`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(root, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}

/** A tiny package: one file that names its version, so tests can see which one is installed. */
function buildDeb(root: string, outDir: string, p: FixturePackage): string {
  const tree = join(root, 'build', `${p.name}_${p.version}`);
  mkdirSync(join(tree, 'DEBIAN'), { recursive: true });
  mkdirSync(join(tree, 'usr/share', p.name), { recursive: true });
  writeFileSync(join(tree, 'usr/share', p.name, 'VERSION'), `${p.version}\n`);
  const control = [
    `Package: ${p.name}`,
    `Version: ${p.version}`,
    'Architecture: all',
    'Maintainer: tsplay tests <tsplay@localhost>',
    'Section: misc',
    'Priority: optional',
    ...(p.depends ? [`Depends: ${p.depends}`] : []),
    ...(p.recommends ? [`Recommends: ${p.recommends}`] : []),
    `Description: tsplay test package ${p.name}`,
    ' Built by the tsplay test suite; installs one file.',
    '',
  ].join('\n');
  writeFileSync(join(tree, 'DEBIAN/control'), control);
  const out = join(outDir, `${p.name}_${p.version}_all.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', tree, out], { stdio: 'pipe' });
  return out;
}

/**
 * A real package from the machine's apt cache: an `Architecture: all` one with no dependencies, so
 * any host can install it. Undefined when the cache has none.
 */
function copyRealPackage(dir: string): { name: string; version: string } | undefined {
  const cache = '/var/cache/apt/archives';
  if (!existsSync(cache)) return undefined;
  for (const f of readdirSync(cache).filter((n) => n.endsWith('_all.deb')).sort()) {
    const path = join(cache, f);
    if (statSync(path).size > 200_000) continue;
    try {
      const fields = execFileSync('dpkg-deb', ['-f', path, 'Package', 'Version', 'Depends', 'Pre-Depends'], { encoding: 'utf8' });
      if (/^(Pre-)?Depends:/m.test(fields)) continue;
      const name = /^Package: (.*)$/m.exec(fields)?.[1];
      const version = /^Version: (.*)$/m.exec(fields)?.[1];
      if (!name || !version || isInstalledHere(name)) continue;
      copyFileSync(path, join(dir, f));
      return { name, version };
    } catch {
      continue;
    }
  }
  return undefined;
}

/** Lab hosts start with this machine's dpkg database: a package installed here is installed there. */
function isInstalledHere(name: string): boolean {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${db:Status-Abbrev}', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).startsWith('ii');
  } catch {
    return false;
  }
}

/** Packages (every version: -m), Packages.gz and an unsigned Release with their hashes. */
function writeIndex(dir: string): void {
  const packages = execFileSync('dpkg-scanpackages', ['-m', '.', '/dev/null'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(join(dir, 'Packages'), packages);
  writeFileSync(join(dir, 'Packages.gz'), gzipSync(packages));
  writeFileSync(join(dir, 'Release'), releaseText(dir, ['Packages', 'Packages.gz']));
}

/** A flat repository's Release: what apt checks the index files against. */
export function releaseText(dir: string, files: string[]): string {
  const lines = ['Origin: tsplay', 'Label: tsplay', 'Suite: tsplay', 'Codename: tsplay', `Date: ${new Date().toUTCString()}`, 'Architectures: all amd64 arm64', 'Description: tsplay test repository'];
  for (const [field, algo] of [['MD5Sum', 'md5'], ['SHA256', 'sha256']] as const) {
    lines.push(`${field}:`);
    for (const f of files) {
      const data = readFileSync(join(dir, f));
      lines.push(` ${createHash(algo).update(data).digest('hex')} ${String(data.length).padStart(8)} ${f}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** gpg (Debian's `gpg` package) is not on a minimal system; without it the repository stays unsigned. */
export function hasGpg(): boolean {
  try {
    execFileSync('gpg', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Signs Release with a key generated for this run only; returns the armored public key. */
function signRelease(root: string, dir: string): string {
  const home = join(root, 'gnupg');
  mkdirSync(home, { mode: 0o700 });
  const gpg = (args: string[]) => execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  gpg(['--quick-gen-key', 'tsplay test repository <tsplay@localhost>', 'ed25519', 'sign', '1d']);
  gpg(['--clearsign', '--output', join(dir, 'InRelease'), join(dir, 'Release')]);
  gpg(['--armor', '--detach-sign', '--output', join(dir, 'Release.gpg'), join(dir, 'Release')]);
  const key = gpg(['--armor', '--export']);
  // the agent gpg started for this home must not outlive the fixture
  try {
    execFileSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent'], { stdio: 'ignore' });
  } catch {
    /* no agent running */
  }
  return key;
}
