// group, user, get_url and unarchive for real on a lab host: every module applied twice (changed,
// then ok), the host's real state checked, and check mode proven to write nothing.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import copy from '../../src/modules/copy.js';
import { CheckOverlay } from '../../src/modules/lib/check-overlay.js';
import getUrl from '../../src/modules/get-url.js';
import group from '../../src/modules/group.js';
import unarchive from '../../src/modules/unarchive.js';
import user from '../../src/modules/user.js';
import { startHttpFileServer, type HttpFileServer } from '../lab/http-server.js';
import { labUnavailableReason } from '../lab/lab.js';
import { applyTwice, startModuleLab, type ModuleLab, type TwiceOutcome } from '../lab/module-kit.js';

const H = 'lab1';
const HASH = '$6$tsplaysalt$ZB6KJv5SA3K3HJdwsPrgRlr0Qbgdzqb8RBGn5j58JiCePlCF1FJ/5m/xHpvVMt5.QkFjqrbLHas30zy0WzdRY.';
const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/** The contract every module keeps: check writes nothing and predicts the change; then changed, ok, ok. */
function expectTwice(r: TwiceOutcome) {
  expect(r.writtenByCheck).toEqual([]);
  for (const x of [r.check, r.first, r.second, r.checkAfter]) expect(x.failed, String(x.msg)).toBeFalsy();
  expect([r.check.changed, r.first.changed, r.second.changed, r.checkAfter.changed]).toEqual([true, true, false, false]);
}

/** `changed`, or the failure message when the run failed (so a failure never reads as "ok"). */
const changedOf = (r: { changed: boolean; failed?: boolean; msg?: unknown }) => (r.failed ? `failed: ${String(r.msg)}` : r.changed);

const unavailable = labUnavailableReason();
let kit: ModuleLab;
const sh = (cmd: string) => kit.sh(H, cmd);

describe.skipIf(unavailable)(`accounts and downloads on a lab host${unavailable ? ` (${unavailable})` : ''}`, () => {
  beforeAll(async () => {
    kit = await startModuleLab(1, { subnet: 56, init: 'plain' });
  }, 60_000);
  afterAll(async () => {
    await kit?.down();
  });

  describe('group', () => {
    it('creates with a gid, changes the gid, removes; check writes nothing', async () => {
      expectTwice(await applyTwice(kit, H, group, { name: 'tsgrp', gid: 3456 }));
      expect(await sh('getent group tsgrp')).toBe('tsgrp:x:3456:\n');
      const moved = await applyTwice(kit, H, group, { name: 'tsgrp', gid: 3457 });
      expectTwice(moved);
      expect(moved.first).toMatchObject({ name: 'tsgrp', gid: 3457, state: 'present' });
      expect(await sh('getent group tsgrp')).toBe('tsgrp:x:3457:\n');
      expectTwice(await applyTwice(kit, H, group, { name: 'tsgrp', state: 'absent' }));
      expect(await sh('getent group tsgrp || echo gone')).toBe('gone\n');
    });

    it('a system group gets a gid below 1000; a taken gid fails clearly', async () => {
      const r = await applyTwice(kit, H, group, { name: 'tssys', system: true });
      expectTwice(r);
      expect(Number(r.first.gid)).toBeLessThan(1000);
      expect(await sh('getent group tssys | cut -d: -f3')).toBe(`${r.first.gid}\n`);
      const taken = await kit.run(H, group, { name: 'tsclash', gid: Number(r.first.gid) });
      expect(taken.failed).toBe(true);
      expect(String(taken.msg)).toMatch(/not unique|already/i);
    });
  });

  describe('a dry run of group then user (one check-mode overlay, as one playbook run)', () => {
    it('predicts the user in a group an earlier task would create, writing nothing; removing it is predicted too', async () => {
      const overlay = new CheckOverlay();
      const marker = await kit.mark(H);
      const dry = async (def: typeof group | typeof user, args: Record<string, unknown>) => kit.run(H, def, args, { check: true, overlay });
      expect(changedOf(await dry(group, { name: 'tsdry' }))).toBe(true);
      expect(changedOf(await dry(user, { name: 'tsdryu', group: 'tsdry', groups: 'tsdry' }))).toBe(true);
      // the same group again is ok: the dry run already has it
      expect(changedOf(await dry(group, { name: 'tsdry' }))).toBe(false);
      expect(changedOf(await dry(group, { name: 'tsdry', state: 'absent' }))).toBe(true);
      expect(await dry(user, { name: 'tsdryu', group: 'tsdry' })).toMatchObject({ failed: true, msg: 'Group tsdry does not exist' });
      expect(await kit.changedSince(H, marker)).toEqual([]);
      expect(await sh('getent group tsdry; getent passwd tsdryu; echo none')).toBe('none\n');
      // without the overlay (each task alone), the host has no such group: Ansible's dry run fails here
      expect(await kit.run(H, user, { name: 'tsdryu', group: 'tsdry' }, { check: true, overlay: new CheckOverlay() })).toMatchObject({ failed: true });
    });
  });

  describe('user', () => {
    beforeAll(async () => {
      await sh('groupadd tsdev && groupadd tsops && groupadd tsextra && echo skel-data > /etc/skel/.tsplay-skel');
    });

    it('creates a user with groups, shell and home (skeleton copied); check writes nothing', async () => {
      const r = await applyTwice(kit, H, user, { name: 'alice', groups: ['tsdev', 'tsops'], shell: '/bin/bash', home: '/home/alice', comment: 'Alice A' });
      expectTwice(r);
      const [name, , uid, , comment, home, shell] = (await sh('getent passwd alice')).trim().split(':');
      expect([name, comment, home, shell]).toEqual(['alice', 'Alice A', '/home/alice', '/bin/bash']);
      expect(r.first).toMatchObject({ name: 'alice', uid: Number(uid), home: '/home/alice', shell: '/bin/bash', groups: 'tsdev,tsops', state: 'present', create_home: true });
      expect(r.second).toMatchObject({ uid: Number(uid), groups: 'tsdev,tsops' });
      expect((await sh('id -Gn alice')).trim().split(' ').sort()).toEqual(['alice', 'tsdev', 'tsops']);
      expect(await sh('cat /home/alice/.tsplay-skel; stat -c %U:%G /home/alice /home/alice/.tsplay-skel')).toBe('skel-data\nalice:alice\nalice:alice\n');
    });

    it('changes the shell; sets a password hash that never appears in results', async () => {
      expectTwice(await applyTwice(kit, H, user, { name: 'alice', shell: '/bin/sh' }));
      expect((await sh('getent passwd alice')).trim().endsWith(':/bin/sh')).toBe(true);
      const pw = await applyTwice(kit, H, user, { name: 'alice', password: HASH });
      expectTwice(pw);
      expect(await sh('grep ^alice: /etc/shadow | cut -d: -f2')).toBe(`${HASH}\n`);
      for (const x of [pw.check, pw.first, pw.second, pw.checkAfter]) expect(JSON.stringify(x)).not.toContain('tsplaysalt');
      expect(pw.first.password).toBe('NOT_LOGGING_PASSWORD');
      // update_password: on_create leaves an existing password alone
      const other = '$6$othersalt$eMcU/nJ8pRnR7JyhmYydf4xIZpFEZN9gbUjJ67B9PG9TZgoBq5B5mUj.2afJl1okAmT9zZv82ieToiVvvaEr50';
      expect(changedOf(await kit.run(H, user, { name: 'alice', password: other, update_password: 'on_create' }))).toBe(false);
      expect(await sh('grep ^alice: /etc/shadow | cut -d: -f2')).toBe(`${HASH}\n`);
    });

    it('appends groups, then sets the exact list', async () => {
      expectTwice(await applyTwice(kit, H, user, { name: 'alice', groups: 'tsextra', append: true }));
      expect((await sh('id -Gn alice')).trim().split(' ').sort()).toEqual(['alice', 'tsdev', 'tsextra', 'tsops']);
      expectTwice(await applyTwice(kit, H, user, { name: 'alice', groups: ['tsdev'] }));
      expect((await sh('id -Gn alice')).trim().split(' ').sort()).toEqual(['alice', 'tsdev']);
    });

    it('generates an ssh key once and reports the public key', async () => {
      const r = await applyTwice(kit, H, user, { name: 'alice', generate_ssh_key: true, ssh_key_type: 'ed25519', ssh_key_comment: 'alice@lab' });
      expectTwice(r);
      const pub = await sh('cat /home/alice/.ssh/id_ed25519.pub');
      expect(pub).toMatch(/^ssh-ed25519 \S+ alice@lab\n$/);
      expect(r.first.ssh_public_key).toBe(pub.trim());
      expect(r.second.ssh_public_key).toBe(pub.trim());
      expect(await sh('stat -c %U:%a /home/alice/.ssh /home/alice/.ssh/id_ed25519')).toBe('alice:700\nalice:600\n');
    });

    it('a system user without a home; removing a user with remove: true deletes the home', async () => {
      const svc = await applyTwice(kit, H, user, { name: 'tssvc', system: true, create_home: false, shell: '/usr/sbin/nologin' });
      expectTwice(svc);
      expect(Number(svc.first.uid)).toBeLessThan(1000);
      expect(await sh('test -e /home/tssvc && echo yes || echo no')).toBe('no\n');
      expectTwice(await applyTwice(kit, H, user, { name: 'alice', state: 'absent', remove: true }));
      expect(await sh('getent passwd alice || echo gone; test -e /home/alice && echo home || echo nohome')).toBe('gone\nnohome\n');
    });

    it('a missing group fails before anything is written', async () => {
      const r = await kit.run(H, user, { name: 'bob', group: 'no-such-group' });
      expect(r).toMatchObject({ failed: true, msg: 'Group no-such-group does not exist' });
      expect(await sh('getent passwd bob || echo none')).toBe('none\n');
    });
  });

  describe('get_url', () => {
    let srv: HttpFileServer;
    const body = 'downloaded content\n';
    beforeAll(async () => {
      srv = await startHttpFileServer({
        '/file.txt': { body },
        '/old.txt': { redirect: '/file.txt' },
        '/SHA256SUMS': { body: `${sha256('x')}  other.bin\n${sha256(body)} *file.txt\n` },
        '/dl': { body: 'named\n', headers: { 'content-disposition': 'attachment; filename="named.txt"' } },
        '/key.asc': { body: '-----BEGIN PGP PUBLIC KEY BLOCK-----\nxyz\n-----END PGP PUBLIC KEY BLOCK-----\n' },
        '/private.txt': { body: 'private\n', basicAuth: 'ann:p@ss word' },
      });
      await sh('mkdir -p /srv/dl /srv/dir');
    });
    afterAll(async () => {
      await srv?.stop();
    });

    it('downloads once: with force false an existing dest is not fetched again; mode set', async () => {
      const args = { url: srv.url('/file.txt'), dest: '/srv/dl/file.txt', mode: '0640' };
      const r = await applyTwice(kit, H, getUrl, args);
      expectTwice(r);
      expect(await sh('cat /srv/dl/file.txt; stat -c %a /srv/dl/file.txt')).toBe(`${body}640\n`);
      expect(r.first).toMatchObject({ dest: '/srv/dl/file.txt', status_code: 200, size: body.length, checksum_src: createHash('sha1').update(body).digest('hex') });
      // check mode streamed it once (nothing written), the real run once, then never again
      expect(srv.count('/file.txt')).toBe(2);
      expect(await sh('ls -A /srv/dl')).toBe('file.txt\n');
    });

    it('checksum given inline and as a checksum-file URL', async () => {
      expectTwice(await applyTwice(kit, H, getUrl, { url: srv.url('/file.txt'), dest: '/srv/dl/a.txt', checksum: `sha256:${sha256(body)}` }));
      expectTwice(await applyTwice(kit, H, getUrl, { url: srv.url('/file.txt'), dest: '/srv/dl/b.txt', checksum: `sha256:${srv.url('/SHA256SUMS')}` }));
      expect(await sh('cat /srv/dl/b.txt')).toBe(body);
    });

    it('tmp_dest: downloaded elsewhere, still moved into place whole', async () => {
      await sh('mkdir -p /var/tmp/tsplay-dl');
      expectTwice(await applyTwice(kit, H, getUrl, { url: srv.url('/file.txt'), dest: '/srv/dl/via-tmp.txt', tmp_dest: '/var/tmp/tsplay-dl' }));
      expect(await sh('cat /srv/dl/via-tmp.txt; ls -A /var/tmp/tsplay-dl')).toBe(body);
    });

    it('a checksum mismatch fails and leaves no dest (and no temp file)', async () => {
      const r = await kit.run(H, getUrl, { url: srv.url('/file.txt'), dest: '/srv/dl/bad.txt', checksum: `sha256:${sha256('other')}` });
      expect(r.failed).toBe(true);
      expect(String(r.msg)).toContain('did not match');
      expect(await sh('ls -A /srv/dl')).not.toMatch(/bad\.txt|tsplay/);
    });

    it('a 404 fails clearly and creates nothing', async () => {
      const r = await kit.run(H, getUrl, { url: srv.url('/missing'), dest: '/srv/dl/missing' });
      expect(r).toMatchObject({ failed: true, status_code: 404 });
      expect(String(r.msg)).toContain('404');
      expect(await sh('ls -A /srv/dl')).not.toMatch(/missing|tsplay/);
      const check = await kit.run(H, getUrl, { url: srv.url('/missing'), dest: '/srv/dl/missing' }, { check: true });
      expect(check.failed).toBe(true);
    });

    it('follows redirects; a directory dest takes the name from Content-Disposition or the URL', async () => {
      const red = await kit.run(H, getUrl, { url: srv.url('/old.txt'), dest: '/srv/dl/redirected.txt' });
      expect(red).toMatchObject({ changed: true, status_code: 200 });
      expect(await sh('cat /srv/dl/redirected.txt')).toBe(body);
      const named = await applyTwice(kit, H, getUrl, { url: srv.url('/dl'), dest: '/srv/dir' });
      expectTwice(named);
      expect(named.first.dest).toBe('/srv/dir/named.txt');
      expect(await sh('cat /srv/dir/named.txt')).toBe('named\n');
      const byUrl = await kit.run(H, getUrl, { url: srv.url('/old.txt'), dest: '/srv/dir/' });
      expect(byUrl).toMatchObject({ changed: true, dest: '/srv/dir/file.txt' });
    });

    it('force: true downloads again but stays ok while the content is the same', async () => {
      const args = { url: srv.url('/file.txt'), dest: '/srv/dl/file.txt', force: true, mode: '0640' };
      const before = srv.count('/file.txt');
      const same = await kit.run(H, getUrl, args);
      expect(same).toMatchObject({ changed: false });
      expect(srv.count('/file.txt')).toBe(before + 1);
      srv.set('/file.txt', { body: 'new content\n' });
      const check = await kit.run(H, getUrl, args, { check: true });
      expect(check.changed).toBe(true);
      expect(await sh('cat /srv/dl/file.txt')).toBe(body);
      expect(changedOf(await kit.run(H, getUrl, { ...args, backup: true }))).toBe(true);
      expect(await sh('cat /srv/dl/file.txt')).toBe('new content\n');
      expect(await sh('cat /srv/dl/file.txt.*~')).toBe(body);
      srv.set('/file.txt', { body });
    });

    it('a repository key into /etc/apt/keyrings (the directory must exist, as in Ansible)', async () => {
      const noParent = await kit.run(H, getUrl, { url: srv.url('/key.asc'), dest: '/etc/apt/tsplay-no-such-dir/tsplay.asc' });
      expect(noParent.failed).toBe(true);
      await sh('mkdir -p -m 0755 /etc/apt/keyrings');
      const args = { url: srv.url('/key.asc'), dest: '/etc/apt/keyrings/tsplay.asc', mode: '0644' };
      expectTwice(await applyTwice(kit, H, getUrl, args));
      expect(await sh('stat -c %a /etc/apt/keyrings/tsplay.asc; head -1 /etc/apt/keyrings/tsplay.asc')).toBe('644\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n');
    });

    it('basic auth: the password reaches the server, never the result', async () => {
      const r = await kit.run(H, getUrl, { url: srv.url('/private.txt'), dest: '/srv/dl/private.txt', url_username: 'ann', url_password: 'p@ss word' });
      expect(r.changed).toBe(true);
      expect(JSON.stringify(r)).not.toContain('p@ss');
      expect(await sh('cat /srv/dl/private.txt')).toBe('private\n');
      const denied = await kit.run(H, getUrl, { url: srv.url('/private.txt'), dest: '/srv/dl/denied.txt' });
      expect(denied).toMatchObject({ failed: true, status_code: 401 });
    });

    it('falls back to wget without curl, and says what to install without either', async () => {
      await sh('mv /usr/bin/curl /usr/bin/curl.tsplay-off');
      try {
        const r = await applyTwice(kit, H, getUrl, { url: srv.url('/old.txt'), dest: '/srv/dl/by-wget.txt', checksum: `sha256:${sha256(body)}` });
        expectTwice(r);
        expect(await sh('cat /srv/dl/by-wget.txt')).toBe(body);
        const named = await kit.run(H, getUrl, { url: srv.url('/dl'), dest: '/srv/dl' });
        expect(named).toMatchObject({ changed: true, dest: '/srv/dl/named.txt' });
        const auth = await kit.run(H, getUrl, { url: srv.url('/private.txt'), dest: '/srv/dl/private-wget.txt', url_username: 'ann', url_password: 'p@ss word' });
        expect(auth.changed, String(auth.msg)).toBe(true);
        await sh('mv /usr/bin/wget /usr/bin/wget.tsplay-off');
        const none = await kit.run(H, getUrl, { url: srv.url('/file.txt'), dest: '/srv/dl/none.txt' });
        expect(none.failed).toBe(true);
        expect(String(none.msg)).toMatch(/curl or wget.*install/);
      } finally {
        await sh('if [ -e /usr/bin/wget.tsplay-off ]; then mv /usr/bin/wget.tsplay-off /usr/bin/wget; fi; mv /usr/bin/curl.tsplay-off /usr/bin/curl');
      }
    });
  });

  describe('unarchive', () => {
    let work: string;
    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'tsplay-unarchive-'));
      const tree = join(work, 'tree');
      mkdirSync(join(tree, 'app', 'conf'), { recursive: true });
      writeFileSync(join(tree, 'app', 'a.txt'), 'alpha\n');
      writeFileSync(join(tree, 'app', 'conf', 'b.conf'), 'beta=1\n');
      mkdirSync(join(work, 'files'));
      execFileSync('tar', ['czf', join(work, 'files', 'app.tgz'), '-C', tree, 'app']);
      execFileSync('python3', ['-c', 'import shutil,sys; shutil.make_archive(sys.argv[1], "zip", sys.argv[2], "app")', join(work, 'files', 'app'), tree]);
      await sh('mkdir -p /opt/tgz /opt/zip /opt/remote');
    });
    afterAll(() => {
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('a tar.gz from the controller: extracted, then ok; a modified file makes it change again', async () => {
      const args = { src: 'app.tgz', dest: '/opt/tgz', list_files: true };
      const r = await applyTwice(kit, H, unarchive, args, { dir: work });
      expectTwice(r);
      expect(r.first).toMatchObject({ handler: 'TgzArchive', dest: '/opt/tgz' });
      expect(r.first.files).toEqual(expect.arrayContaining(['app', 'app/a.txt', 'app/conf/b.conf']));
      expect(await sh('cat /opt/tgz/app/a.txt /opt/tgz/app/conf/b.conf')).toBe('alpha\nbeta=1\n');
      await sh('echo changed > /opt/tgz/app/a.txt');
      const again = await kit.run(H, unarchive, args, { dir: work });
      expect(again.changed).toBe(true);
      expect(await sh('cat /opt/tgz/app/a.txt')).toBe('alpha\n');
      await sh('rm /opt/tgz/app/conf/b.conf');
      expect(changedOf(await kit.run(H, unarchive, args, { dir: work, check: true }))).toBe(true);
      expect(changedOf(await kit.run(H, unarchive, args, { dir: work }))).toBe(true);
      expect(changedOf(await kit.run(H, unarchive, args, { dir: work }))).toBe(false);
    });

    it('creates: skips; a missing dest fails as in Ansible', async () => {
      const skipped = await kit.run(H, unarchive, { src: 'app.tgz', dest: '/opt/other', creates: '/opt/tgz/app/a.txt' }, { dir: work });
      expect(skipped).toMatchObject({ changed: false });
      expect(String(skipped.msg)).toContain('exists');
      const missing = await kit.run(H, unarchive, { src: 'app.tgz', dest: '/opt/nowhere' }, { dir: work });
      expect(missing.failed).toBe(true);
      expect(String(missing.msg)).toContain('must be an existing dir');
    });

    it('exclude with a mode: excluded members stay out, the others get the mode', async () => {
      await sh('mkdir -p /opt/excl');
      expectTwice(await applyTwice(kit, H, unarchive, { src: 'app.tgz', dest: '/opt/excl', exclude: ['*.conf'], mode: '0750' }, { dir: work }));
      expect(await sh('stat -c %a /opt/excl/app /opt/excl/app/a.txt; test -e /opt/excl/app/conf/b.conf && echo present || echo excluded')).toBe('750\n750\nexcluded\n');
    });

    it('a zip from the controller', async () => {
      const r = await applyTwice(kit, H, unarchive, { src: 'app.zip', dest: '/opt/zip' }, { dir: work });
      expectTwice(r);
      expect(r.first.handler).toBe('ZipArchive');
      expect(await sh('cat /opt/zip/app/a.txt /opt/zip/app/conf/b.conf')).toBe('alpha\nbeta=1\n');
      await sh('echo x >> /opt/zip/app/conf/b.conf');
      expect(changedOf(await kit.run(H, unarchive, { src: 'app.zip', dest: '/opt/zip' }, { dir: work }))).toBe(true);
      expect(await sh('cat /opt/zip/app/conf/b.conf')).toBe('beta=1\n');
    });

    it('remote_src: an archive already on the host, with owner and mode', async () => {
      await kit.run(H, copy, { src: join(work, 'files', 'app.tgz'), dest: '/root/app.tgz' });
      const args = { src: '/root/app.tgz', dest: '/opt/remote', remote_src: true, owner: 'nobody', mode: 'u+rwX,go-rwx' };
      const r = await applyTwice(kit, H, unarchive, args);
      expectTwice(r);
      expect(await sh('stat -c %U:%a /opt/remote/app /opt/remote/app/a.txt')).toBe('nobody:700\nnobody:600\n');
      const legacy = await kit.run(H, unarchive, { src: '/root/app.tgz', dest: '/opt/remote', copy: false, owner: 'nobody', mode: 'u+rwX,go-rwx' });
      expect(legacy).toMatchObject({ changed: false });
    });
  });
});
