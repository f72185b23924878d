// apt, dpkg_selections and apt_repository for real on lab hosts, against a local apt repository
// served on 127.0.0.1: every host's sources point only there, so nothing reaches the Debian mirror.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import apt from '../../src/modules/apt.js';
import { CheckOverlay } from '../../src/modules/lib/check-overlay.js';
import aptRepository from '../../src/modules/apt-repository.js';
import copy from '../../src/modules/copy.js';
import dpkgSelections from '../../src/modules/dpkg-selections.js';
import { startAptRepo, type AptRepo } from '../lab/apt-repo.js';
import { labUnavailableReason } from '../lab/lab.js';
import { applyTwice, startModuleLab, type ModuleLab, type TwiceOutcome } from '../lab/module-kit.js';

const unavailable = labUnavailableReason();
const HOSTS = ['lab1', 'lab2', 'lab3'];
let kit: ModuleLab;
let repo: AptRepo;

/** What dpkg has for a package on the host: `version status`, or '' when it knows nothing. */
async function dpkgState(host: string, name: string): Promise<string> {
  return (await kit.sh(host, `dpkg-query -W -f='\${Version} \${db:Status-Abbrev}' ${name} 2>/dev/null || true`)).trim();
}

async function installedVersion(host: string, name: string): Promise<string | undefined> {
  const [version, status] = (await dpkgState(host, name)).split(' ');
  return status?.[1] === 'i' ? version : undefined;
}

/** The module contract: check writes nothing and predicts the change, then changed, then ok. */
function expectTwice(r: TwiceOutcome): void {
  expect(r.first.failed, String(r.first.msg)).toBeFalsy();
  expect(r.writtenByCheck).toEqual([]);
  expect([r.check.changed, r.first.changed, r.second.changed, r.checkAfter.changed]).toEqual([true, true, false, false]);
}

describe.skipIf(unavailable)(`apt modules on lab hosts${unavailable ? ` (${unavailable})` : ''}`, () => {
  beforeAll(async () => {
    [kit, repo] = await Promise.all([startModuleLab(3, { subnet: 52, init: 'plain' }), startAptRepo({ sign: true, withRealPackage: true })]);
    // each host's own /etc: only the local repository, never the Debian mirror
    for (const host of HOSTS) {
      await kit.sh(host, `rm -f /etc/apt/sources.list.d/* && echo '${repo.sourceLine()}' > /etc/apt/sources.list`);
    }
  }, 60_000);
  afterAll(async () => {
    await kit?.down();
    await repo?.stop();
  });

  it('installs a package on three hosts at once, updating each cache; each host has its own dpkg state', async () => {
    const outcomes = await Promise.all(HOSTS.map((h) => applyTwice(kit, h, apt, { name: 'tsplay-demo-dep', update_cache: true })));
    for (const [i, r] of outcomes.entries()) {
      expectTwice(r);
      expect(r.check.cache_updated).toBe(true);
      expect(r.first.cache_updated).toBe(true);
      expect(await installedVersion(HOSTS[i], 'tsplay-demo-dep')).toBe('1.0-1');
    }
    // a change on one host stays there
    await kit.run('lab3', apt, { name: 'tsplay-demo-dep', state: 'absent' });
    expect(await installedVersion('lab3', 'tsplay-demo-dep')).toBeUndefined();
    expect(await installedVersion('lab1', 'tsplay-demo-dep')).toBe('1.0-1');
    expect(repo.requests.some((p) => p.endsWith('Packages.gz') || p.endsWith('Packages'))).toBe(true);
    // and the package really came from the local repository
    expect(repo.requests).toContain('/tsplay-demo-dep_1.0-1_all.deb');
  }, 240_000);

  it('installs a pinned version, and cache_valid_time skips a fresh cache', async () => {
    const r = await applyTwice(kit, 'lab1', apt, { name: 'tsplay-demo=1.0-1', update_cache: true, cache_valid_time: 3600 });
    expectTwice(r);
    expect(r.first.cache_updated).toBe(false);
    expect(r.first.cache_update_time).toBeGreaterThan(0);
    expect(await installedVersion('lab1', 'tsplay-demo')).toBe('1.0-1');
    expect(String(r.check.diff?.[0]?.after)).toContain('tsplay-demo 1.0-1');
  }, 120_000);

  it('state latest upgrades to 1.1-1 and pulls in its dependency', async () => {
    await kit.run('lab1', apt, { name: 'tsplay-demo-dep', state: 'absent' });
    const r = await applyTwice(kit, 'lab1', apt, { name: 'tsplay-demo', state: 'latest' });
    expectTwice(r);
    expect(r.check.diff?.[0]).toMatchObject({ before: 'tsplay-demo 1.0-1\n', after: 'tsplay-demo 1.1-1\n' });
    expect(await installedVersion('lab1', 'tsplay-demo')).toBe('1.1-1');
    expect(await installedVersion('lab1', 'tsplay-demo-dep')).toBe('1.0-1');
    expect(String(r.first.stdout)).toContain('tsplay-demo-dep');
  }, 120_000);

  it('a version wildcard downgrades only with allow_downgrade', async () => {
    const refused = await kit.run('lab1', apt, { name: 'tsplay-demo=1.0*' });
    expect(refused.failed).toBe(true);
    expect(await installedVersion('lab1', 'tsplay-demo')).toBe('1.1-1');
    const r = await applyTwice(kit, 'lab1', apt, { name: 'tsplay-demo=1.0*', allow_downgrade: true });
    expectTwice(r);
    expect(await installedVersion('lab1', 'tsplay-demo')).toBe('1.0-1');
  }, 120_000);

  it('absent with purge removes packages and their dpkg records', async () => {
    const r = await applyTwice(kit, 'lab1', apt, { name: 'tsplay-demo,tsplay-demo-dep', state: 'absent', purge: true });
    expectTwice(r);
    expect(await installedVersion('lab1', 'tsplay-demo')).toBeUndefined();
    // purged: dpkg keeps no configuration files ("pn" or forgotten entirely)
    expect(await dpkgState('lab1', 'tsplay-demo')).not.toMatch(/ .c/);
  }, 120_000);

  it('install_recommends false leaves the recommended package out; true brings it', async () => {
    expectTwice(await applyTwice(kit, 'lab1', apt, { name: 'tsplay-rec', install_recommends: false }));
    expect(await installedVersion('lab1', 'tsplay-rec')).toBe('1.0-1');
    expect(await installedVersion('lab1', 'tsplay-recommended')).toBeUndefined();
    await kit.run('lab1', apt, { pkg: ['tsplay-rec'], state: 'removed' });
    expect(await installedVersion('lab1', 'tsplay-rec')).toBeUndefined();
    expectTwice(await applyTwice(kit, 'lab1', apt, { name: 'tsplay-rec', 'install-recommends': true }));
    expect(await installedVersion('lab1', 'tsplay-recommended')).toBe('1.0-1');
  }, 180_000);

  it('deb installs a .deb file copied to the host', async () => {
    const copied = await kit.run('lab1', copy, { src: repo.debPath('tsplay-local', '3.0-1'), dest: '/root/tsplay-local.deb' });
    expect(copied.failed).toBeFalsy();
    const r = await applyTwice(kit, 'lab1', apt, { deb: '/root/tsplay-local.deb' });
    expectTwice(r);
    expect(await installedVersion('lab1', 'tsplay-local')).toBe('3.0-1');
    const missing = await kit.run('lab1', apt, { deb: '/root/nothing-here.deb' });
    expect(missing).toMatchObject({ failed: true, msg: '/root/nothing-here.deb does not exist' });
  }, 120_000);

  it('deb given as a URL: read from the stream (check writes nothing), downloaded only to install', async () => {
    const file = 'tsplay-local_3.0-1_all.deb';
    copyFileSync(repo.debPath('tsplay-local', '3.0-1'), join(repo.dir, file));
    await kit.sh('lab3', 'dpkg --purge tsplay-local >/dev/null 2>&1 || true');
    const url = `${repo.url}${file}`;
    const r = await applyTwice(kit, 'lab3', apt, { deb: url });
    expectTwice(r);
    expect(r.check.diff).toEqual([expect.objectContaining({ before: '', after: 'tsplay-local 3.0-1\n' })]);
    expect(await installedVersion('lab3', 'tsplay-local')).toBe('3.0-1');
    // the download went to a temp directory that is gone
    expect(await kit.sh('lab3', 'ls -d /tmp/tmp.* 2>/dev/null || echo none')).toBe('none\n');
    const missing = await kit.run('lab3', apt, { deb: `${repo.url}nothing-here.deb` });
    expect(missing).toMatchObject({ failed: true });
    expect(String(missing.msg)).toMatch(new RegExp(`^cannot read ${repo.url}nothing-here.deb as a Debian package: .*404`));
  }, 120_000);

  it('dpkg_selections hold keeps a package back from apt-get upgrade; install releases it', async () => {
    await kit.run('lab1', apt, { name: 'tsplay-hold=1.0-1' });
    expect(await installedVersion('lab1', 'tsplay-hold')).toBe('1.0-1');
    const r = await applyTwice(kit, 'lab1', dpkgSelections, { name: 'tsplay-hold', selection: 'hold' });
    expectTwice(r);
    expect(r.first).toMatchObject({ before: 'install', after: 'hold' });
    expect((await kit.sh('lab1', 'dpkg --get-selections tsplay-hold')).split(/\s+/)[1]).toBe('hold');
    const held = await kit.sh('lab1', 'apt-get -s upgrade');
    expect(held).not.toMatch(/^Inst tsplay-hold/m);
    expect(held).toMatch(/held back|kept back/);
    expectTwice(await applyTwice(kit, 'lab1', dpkgSelections, { name: 'tsplay-hold', selection: 'install' }));
    expect(await kit.sh('lab1', 'apt-get -s upgrade')).toMatch(/^Inst tsplay-hold \[1\.0-1\] \(2\.0-1/m);
    const unknown = await kit.run('lab1', dpkgSelections, { name: 'tsplay-no-such', selection: 'hold' });
    expect(unknown.failed).toBe(true);
  }, 120_000);

  it('upgrade: dist upgrades the system (simulated in check mode)', async () => {
    const r = await applyTwice(kit, 'lab1', apt, { upgrade: 'dist' });
    expectTwice(r);
    expect(String(r.check.diff?.[0]?.after)).toContain('Inst tsplay-hold');
    expect(await installedVersion('lab1', 'tsplay-hold')).toBe('2.0-1');
  }, 120_000);

  it('autoremove removes a dependency nothing needs any more', async () => {
    await kit.run('lab3', apt, { name: 'tsplay-demo', state: 'latest' });
    await kit.run('lab3', apt, { name: 'tsplay-demo', state: 'absent' });
    expect(await installedVersion('lab3', 'tsplay-demo-dep')).toBe('1.0-1');
    const r = await applyTwice(kit, 'lab3', apt, { autoremove: true });
    expectTwice(r);
    expect(String(r.check.diff?.[0]?.after)).toContain('Remv tsplay-demo-dep');
    expect(await installedVersion('lab3', 'tsplay-demo-dep')).toBeUndefined();
  }, 120_000);

  it('update_cache alone: check mode reports the update without running it; a fresh cache is left alone', async () => {
    const stamp = async () => kit.sh('lab3', 'stat -c %Y /var/lib/apt/lists');
    const before = await stamp();
    const m = await kit.mark('lab3');
    const check = await kit.run('lab3', apt, { update_cache: true }, { check: true });
    expect(await kit.changedSince('lab3', m)).toEqual([]);
    expect(check).toMatchObject({ changed: true, cache_updated: true, cache_update_time: Number(before) });
    const fresh = await kit.run('lab3', apt, { update_cache: true, cache_valid_time: 86_400 });
    expect(fresh).toMatchObject({ changed: false, cache_updated: false });
    expect(await stamp()).toBe(before);
    const requests = repo.requests.length;
    const real = await kit.run('lab3', apt, { update_cache: true });
    expect(real.failed).toBeFalsy();
    // it did run apt-get update against the local repository; "changed" is whether the lists changed
    expect(repo.requests.length).toBeGreaterThan(requests);
    expect(real.changed).toBe(real.cache_updated);
  }, 120_000);

  it('installs a real Debian package from the machine apt cache through the local repository', async (t) => {
    const real = repo.realPackage;
    if (!real) return t.skip();
    const r = await applyTwice(kit, 'lab3', apt, { name: real.name });
    expectTwice(r);
    expect(await installedVersion('lab3', real.name)).toBe(real.version);
  }, 120_000);

  it('apt_repository adds a repository signed by an .asc key in /etc/apt/keyrings, without apt-key', async (t) => {
    if (!repo.publicKey) return t.skip('gpg is not installed: the fixture repository is unsigned');
    // only the signed repository on this host: the same URL may not be both trusted and signed-by
    await kit.sh('lab2', 'rm -f /etc/apt/sources.list /etc/apt/sources.list.d/*');
    const key = await kit.run('lab2', copy, { content: repo.publicKey!, dest: '/etc/apt/keyrings/tsplay.asc', mode: '0644' });
    expect(key.failed, String(key.msg)).toBeFalsy();
    const line = repo.sourceLine('/etc/apt/keyrings/tsplay.asc');
    const file = `/etc/apt/sources.list.d/127_0_0_1_${repo.port}.list`;
    const r = await applyTwice(kit, 'lab2', aptRepository, { repo: line });
    expectTwice(r);
    expect(r.first.sources_added).toEqual([file]);
    expect(r.check.diff?.[0]).toMatchObject({ before: '', after: `${line}\n`, beforeHeader: '/dev/null', afterHeader: file });
    expect(await kit.sh('lab2', `cat ${file}; stat -c %a ${file}`)).toBe(`${line}\n644\n`);
    // update_cache ran against the signed repository: apt verified InRelease with the .asc key
    expect(await kit.sh('lab2', 'apt-cache policy tsplay-demo')).toMatch(/Candidate: 1\.1-1/);
    expect(repo.requests).toContain('/InRelease');
    const installed = await kit.run('lab2', apt, { name: 'tsplay-demo' });
    expect(installed.failed, String(installed.msg)).toBeFalsy();
    expect(await installedVersion('lab2', 'tsplay-demo')).toBe('1.1-1');
  }, 120_000);

  it('apt_repository with filename, then absent removes the line and the file it emptied', async () => {
    const line = 'deb http://127.0.0.1:9/debian bookworm main';
    const file = '/etc/apt/sources.list.d/tsplay-extra.list';
    await kit.sh('lab2', 'rm -f /etc/apt/sources.list /etc/apt/sources.list.d/*');
    const added = await applyTwice(kit, 'lab2', aptRepository, { repo: line, filename: 'tsplay-extra', update_cache: false, mode: '0600' });
    expectTwice(added);
    expect(await kit.sh('lab2', `cat ${file}; stat -c %a ${file}`)).toBe(`${line}\n600\n`);
    const removed = await applyTwice(kit, 'lab2', aptRepository, { repo: line, state: 'absent', update_cache: false });
    expectTwice(removed);
    expect(removed.first.sources_removed).toEqual([file]);
    expect(await kit.sh('lab2', `test -e ${file} && echo present || echo gone`)).toBe('gone\n');
    // a commented-out line is re-enabled in place rather than added again
    await kit.sh('lab2', `echo '# ${line}' > /etc/apt/sources.list`);
    const enabled = await applyTwice(kit, 'lab2', aptRepository, { repo: line, update_cache: false });
    expectTwice(enabled);
    expect(await kit.sh('lab2', 'cat /etc/apt/sources.list; ls /etc/apt/sources.list.d')).toBe(`${line}\n`);
  }, 120_000);

  it('apt_repository puts the sources back when apt-get update fails, as Ansible does', async () => {
    // a repository without a Release file: the update fails at once, touching no network
    const bad = 'deb file:/srv/tsplay-none bookworm main';
    await kit.sh('lab2', `rm -f /etc/apt/sources.list.d/*; echo '${bad.replace('main', 'contrib')}' > /etc/apt/sources.list`);
    const before = await kit.sh('lab2', 'cat /etc/apt/sources.list; ls /etc/apt/sources.list.d');
    const r = await kit.run('lab2', aptRepository, { repo: bad, filename: 'tsplay-bad', update_cache_retries: 1 });
    expect(r).toMatchObject({ failed: true });
    expect(String(r.msg)).toMatch(/^Failed to update apt cache: /);
    expect(String(r.msg)).not.toContain('putting');
    expect(await kit.sh('lab2', 'cat /etc/apt/sources.list; ls /etc/apt/sources.list.d')).toBe(before);
    // a line edited in an existing file is put back too
    const edited = await kit.run('lab2', aptRepository, { repo: bad.replace('main', 'contrib'), state: 'absent', update_cache_retries: 1 });
    expect(edited.failed).toBeFalsy();
    await kit.sh('lab2', `echo '# ${bad}' > /etc/apt/sources.list`);
    const reenabled = await kit.run('lab2', aptRepository, { repo: bad, update_cache_retries: 1 });
    expect(reenabled).toMatchObject({ failed: true });
    expect(await kit.sh('lab2', 'cat /etc/apt/sources.list')).toBe(`# ${bad}\n`);
  }, 120_000);

  it('a dry run of apt_repository then apt predicts the install from the repository it would add (Ansible\'s fails)', async () => {
    await kit.sh('lab2', 'rm -f /etc/apt/sources.list /etc/apt/sources.list.d/*; apt-get update -qq >/dev/null 2>&1; dpkg --purge tsplay-demo >/dev/null 2>&1 || true');
    const overlay = new CheckOverlay();
    const marker = await kit.mark('lab2');
    const added = await kit.run('lab2', aptRepository, { repo: repo.sourceLine(), filename: 'tsplay' }, { check: true, overlay });
    expect(added).toMatchObject({ changed: true });
    const install = await kit.run('lab2', apt, { name: 'tsplay-demo' }, { check: true, overlay });
    expect(install).toMatchObject({ changed: true, msg: 'assuming tsplay-demo will be available from the sources an earlier task adds' });
    expect(await kit.changedSince('lab2', marker)).toEqual([]);
    // alone, without the earlier task's prediction, apt knows no such package
    expect(await kit.run('lab2', apt, { name: 'tsplay-demo' }, { check: true, overlay: new CheckOverlay() })).toMatchObject({ failed: true });
    // and the real run does what the dry run said
    expect(await kit.run('lab2', aptRepository, { repo: repo.sourceLine(), filename: 'tsplay' })).toMatchObject({ changed: true });
    expect(await kit.run('lab2', apt, { name: 'tsplay-demo' })).toMatchObject({ changed: true });
    expect(await installedVersion('lab2', 'tsplay-demo')).toMatch(/^1\./);
  }, 120_000);
});
