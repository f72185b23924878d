// yum_repository for real on lab hosts: it only writes files, so a Debian host is as good as a RHEL
// one. The expected file texts were recorded from ansible-playbook (test/fixtures/rpm/README.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../../src/modules/package.js';
import yumRepository from '../../src/modules/yum-repository.js';
import { labUnavailableReason } from '../lab/lab.js';
import { applyTwice, startModuleLab, type ModuleLab } from '../lab/module-kit.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/rpm', name), 'utf8');
const DIR = '/etc/yum.repos.d';

const KUBERNETES = {
  name: 'kubernetes',
  description: 'Kubernetes',
  baseurl: 'https://pkgs.k8s.io/core:/stable:/v1.28/rpm/',
  enabled: true,
  gpgcheck: 'yes',
  gpgkey: 'https://pkgs.k8s.io/core:/stable:/v1.28/rpm/repodata/repomd.xml.key',
  exclude: ['kubelet', 'kubeadm', 'kubectl', 'cri-tools', 'kubernetes-cni'],
};
const CRIO = {
  name: 'cri-o',
  description: 'CRI-O: a runtime',
  file: 'kubernetes',
  baseurl: ['http://127.0.0.1:1/a/', 'http://127.0.0.1:1/b/'],
  priority: 10,
  module_hotfixes: true,
  sslverify: 'no',
  exclude: 'a,b',
};

const unavailable = labUnavailableReason();
let kit: ModuleLab;
describe.skipIf(unavailable)(`yum_repository on lab hosts${unavailable ? ` (${unavailable})` : ''}`, () => {
  beforeAll(async () => {
    kit = await startModuleLab(2, { subnet: 53 });
    await Promise.all(['lab1', 'lab2'].map((h) => kit.sh(h, `mkdir -p ${DIR}`)));
  }, 60_000);
  afterAll(async () => {
    await kit?.down();
  });

  it('writes the Kubernetes repo file exactly as Ansible does: check writes nothing, changed, then ok', async () => {
    const r = await applyTwice(kit, 'lab1', yumRepository, KUBERNETES);
    expect(r.writtenByCheck).toEqual([]);
    expect([r.check.changed, r.first.changed, r.second.changed, r.checkAfter.changed]).toEqual([true, true, false, false]);
    expect(r.first.failed).toBeFalsy();
    expect(r.first).toMatchObject({ repo: 'kubernetes', state: 'present' });
    expect(r.check.diff).toEqual([{ before: '', after: fixture('ansible-step1.repo'), beforeHeader: `${DIR}/kubernetes.repo`, afterHeader: `${DIR}/kubernetes.repo` }]);
    expect(await kit.sh('lab1', `cat ${DIR}/kubernetes.repo`)).toBe(fixture('ansible-step1.repo'));
    expect(await kit.sh('lab1', `stat -c %a ${DIR}/kubernetes.repo`)).toBe('644\n');
  });

  it('keeps two repos in one file, moves a replaced section to the end, and removes the file with its last repo', async () => {
    const file = `${DIR}/kubernetes.repo`;
    const crio = await applyTwice(kit, 'lab1', yumRepository, CRIO);
    expect(crio.writtenByCheck).toEqual([]);
    expect([crio.check.changed, crio.first.changed, crio.second.changed, crio.checkAfter.changed]).toEqual([true, true, false, false]);
    expect(await kit.sh('lab1', `cat ${file}`)).toBe(fixture('ansible-step2.repo'));

    const v129 = { name: 'kubernetes', description: 'Kubernetes', baseurl: 'https://pkgs.k8s.io/core:/stable:/v1.29/rpm/', enabled: false };
    const changed = await applyTwice(kit, 'lab1', yumRepository, v129);
    expect([changed.check.changed, changed.first.changed, changed.second.changed]).toEqual([true, true, false]);
    expect(changed.writtenByCheck).toEqual([]);
    expect(await kit.sh('lab1', `cat ${file}`)).toBe(fixture('ansible-step3.repo'));

    const gone = await applyTwice(kit, 'lab1', yumRepository, { name: 'kubernetes', state: 'absent' });
    expect(gone.writtenByCheck).toEqual([]);
    expect([gone.check.changed, gone.first.changed, gone.second.changed, gone.checkAfter.changed]).toEqual([true, true, false, false]);
    expect(await kit.sh('lab1', `cat ${file}`)).toBe(fixture('ansible-step4.repo'));

    const last = await applyTwice(kit, 'lab1', yumRepository, { name: 'cri-o', file: 'kubernetes', state: 'absent' });
    expect(last.writtenByCheck).toEqual([]);
    expect([last.check.changed, last.first.changed, last.second.changed]).toEqual([true, true, false]);
    expect(await kit.sh('lab1', `test -e ${file} && echo present || echo absent`)).toBe('absent\n');
  });

  it('leaves an equivalent hand-written file alone, and adds a repo to it as Ansible would', async () => {
    await kit.sh('lab2', `cat > ${DIR}/base.repo <<'EOF'\n${fixture('handwritten-before.repo')}EOF`);
    const same = await kit.run('lab2', yumRepository, {
      name: 'base', description: 'CentOS-$releasever - Base', baseurl: 'http://mirror.centos.org/centos/$releasever/os/$basearch/',
      gpgcheck: true, gpgkey: ['file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7', 'file:///etc/pki/rpm-gpg/extra'], enabled: true,
    });
    expect(same).toMatchObject({ changed: false });
    expect(same.failed).toBeFalsy();
    expect(await kit.sh('lab2', `cat ${DIR}/base.repo`)).toBe(fixture('handwritten-before.repo'));
    const extras = { name: 'extras', file: 'base', description: 'Extras', mirrorlist: 'http://127.0.0.1:1/?release=$releasever', timeout: 30, cost: 500 };
    const r = await applyTwice(kit, 'lab2', yumRepository, extras);
    expect(r.writtenByCheck).toEqual([]);
    expect([r.check.changed, r.first.changed, r.second.changed, r.checkAfter.changed]).toEqual([true, true, false, false]);
    expect(await kit.sh('lab2', `cat ${DIR}/base.repo`)).toBe(fixture('handwritten-after.repo'));
  });

  it('sets mode and owner, and changes only them on an unchanged file', async () => {
    const args = { name: 'local', description: 'Local', baseurl: 'http://127.0.0.1:1/local/', gpgcheck: false, mode: '0600', owner: 'nobody' };
    const r = await applyTwice(kit, 'lab2', yumRepository, args);
    expect(r.writtenByCheck).toEqual([]);
    expect([r.check.changed, r.first.changed, r.second.changed, r.checkAfter.changed]).toEqual([true, true, false, false]);
    expect(await kit.sh('lab2', `stat -c '%a %U' ${DIR}/local.repo`)).toBe('600 nobody\n');
    const attrsOnly = await applyTwice(kit, 'lab2', yumRepository, { ...args, mode: '0640' });
    expect(attrsOnly.writtenByCheck).toEqual([]);
    expect([attrsOnly.check.changed, attrsOnly.first.changed, attrsOnly.second.changed]).toEqual([true, true, false]);
    expect(await kit.sh('lab2', `stat -c '%a %U' ${DIR}/local.repo`)).toBe('640 nobody\n');
  });

  it('fails as Ansible does without a reposdir, a URL or a description', async () => {
    const noDir = await kit.run('lab2', yumRepository, { ...KUBERNETES, reposdir: '/nonexistent/yum.repos.d' });
    expect(noDir).toMatchObject({ failed: true, msg: "Repo directory '/nonexistent/yum.repos.d' does not exist." });
    const noUrl = await kit.run('lab2', yumRepository, { name: 'x', description: 'x' });
    expect(noUrl).toMatchObject({ failed: true, msg: "Parameter 'baseurl', 'metalink' or 'mirrorlist' is required." });
    const noDescription = await kit.run('lab2', yumRepository, { name: 'x', baseurl: 'http://127.0.0.1:1/' });
    expect(noDescription).toMatchObject({ failed: true, msg: "Parameter 'description' is required." });
    // absent needs neither, and a missing repo is simply ok
    expect(await kit.run('lab2', yumRepository, { name: 'nothing-here', state: 'absent' })).toMatchObject({ changed: false });
  });

  // package on a Debian host, for real: no facts, so it looks for the package manager itself and
  // hands name and state to apt (this lab is shared so the two files never fight over subnet 53)
  it('package finds apt on a Debian host and removes a leaf package (unzip, installed by install-deps.sh) for real: check writes nothing, changed, then ok', async () => {
    const installed = async () => (await kit.sh('lab2', "dpkg-query -W -f='${Status}' unzip 2>/dev/null || true")).trim();
    expect(await installed()).toBe('install ok installed');
    expect(await kit.run('lab2', pkg, { name: 'bash', state: 'present' })).toMatchObject({ changed: false });
    const r = await applyTwice(kit, 'lab2', pkg, { name: 'unzip', state: 'absent' });
    expect(r.check.failed, String(r.check.msg)).toBeFalsy();
    expect(r.first.failed, String(r.first.msg)).toBeFalsy();
    expect([r.check.changed, r.first.changed, r.second.changed, r.checkAfter.changed]).toEqual([true, true, false, false]);
    expect(r.writtenByCheck).toEqual([]);
    expect(await installed()).not.toBe('install ok installed');
    // the fact, when gathered, decides without looking
    expect(await kit.run('lab2', pkg, { name: 'unzip', state: 'absent' }, { vars: { ansible_pkg_mgr: 'apt' } })).toMatchObject({ changed: false });
  });
});
