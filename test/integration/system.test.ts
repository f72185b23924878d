// The system modules on real lab hosts: files under /etc, the hostname, the timezone and tmpfs mounts
// change for real; what the lab cannot do (the kernel's sysctl values, kernel modules, SELinux, the
// machine's swap) is covered by the table tests in test/modules/ and, where it matters, checked here
// to fail clearly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import hostname from '../../src/modules/hostname.js';
import modprobe from '../../src/modules/modprobe.js';
import mount from '../../src/modules/mount.js';
import selinux from '../../src/modules/selinux.js';
import swap from '../../src/modules/swap.js';
import sysctl from '../../src/modules/sysctl.js';
import timezone from '../../src/modules/timezone.js';
import { labUnavailableReason } from '../lab/lab.js';
import { applyTwice, startModuleLab, type ModuleLab, type TwiceOutcome } from '../lab/module-kit.js';

const unavailable = labUnavailableReason();
let kit: ModuleLab;

/** The contract every module keeps: check writes nothing and predicts a change, then changed, then ok. */
function expectTwice(r: TwiceOutcome): void {
  for (const run of [r.check, r.first, r.second, r.checkAfter]) expect(run.failed, String(run.msg)).toBeFalsy();
  expect(r.writtenByCheck).toEqual([]);
  expect([r.check.changed, r.first.changed, r.second.changed, r.checkAfter.changed]).toEqual([true, true, false, false]);
}

describe.skipIf(unavailable)(`system modules on lab hosts${unavailable ? ` (${unavailable})` : ''}`, () => {
  beforeAll(async () => {
    kit = await startModuleLab(2, { subnet: 55, init: 'auto' });
  }, 60_000);
  afterAll(async () => {
    await kit?.down();
  });

  describe('sysctl', () => {
    it('reload: false writes the key into a sysctl.d file, normalizing other lines', async () => {
      await kit.sh('lab1', "printf '# k8s\\nnet.bridge.bridge-nf-call-iptables = 1\\n' > /etc/sysctl.d/k8s.conf");
      const r = await applyTwice(kit, 'lab1', sysctl, { name: 'net.ipv4.ip_forward', value: '1', sysctl_file: '/etc/sysctl.d/k8s.conf', reload: false });
      expectTwice(r);
      expect(await kit.sh('lab1', 'cat /etc/sysctl.d/k8s.conf')).toBe('# k8s\nnet.bridge.bridge-nf-call-iptables=1\nnet.ipv4.ip_forward=1\n');
    });

    it('reload: true with the kernel already at the value needs no sysctl command', async () => {
      const running = (await kit.sh('lab1', 'cat /proc/sys/vm/swappiness')).trim();
      const r = await applyTwice(kit, 'lab1', sysctl, { name: 'vm.swappiness', value: running });
      expectTwice(r);
      expect(await kit.sh('lab1', "grep '^vm.swappiness' /etc/sysctl.conf")).toBe(`vm.swappiness=${running}\n`);
      // multi-value keys compare by words: the kernel prints a tab
      const range = (await kit.sh('lab1', 'cat /proc/sys/net/ipv4/ip_local_port_range')).trim().split(/\s+/).join(' ');
      const m = await applyTwice(kit, 'lab1', sysctl, { name: 'net.ipv4.ip_local_port_range', value: range, sysctl_set: true });
      expectTwice(m);
    });

    it('a reload against the read-only /proc/sys fails clearly; with ignoreerrors it warns', async () => {
      const running = Number((await kit.sh('lab2', 'cat /proc/sys/vm/swappiness')).trim());
      const other = String(running === 1 ? 2 : 1);
      const failed = await kit.run('lab2', sysctl, { name: 'vm.swappiness', value: other, sysctl_file: '/etc/sysctl.d/90-test.conf' });
      expect(failed).toMatchObject({ failed: true });
      expect(String(failed.msg)).toMatch(/^Failed to reload sysctl: .*vm\.swappiness/);
      // the file was written before the reload, as Ansible does
      expect(await kit.sh('lab2', 'cat /etc/sysctl.d/90-test.conf')).toBe(`vm.swappiness=${other}\n`);
      const warned = await kit.run('lab2', sysctl, { name: 'vm.swappiness', value: other, sysctl_file: '/etc/sysctl.d/90-test.conf', ignoreerrors: true });
      expect(warned.failed).toBeFalsy();
      expect(warned.warnings).toEqual([expect.stringMatching(/^Failed to reload sysctl: /)]);
      expect((await kit.sh('lab2', 'cat /proc/sys/vm/swappiness')).trim()).toBe(String(running));
    });

    it('state absent removes the line', async () => {
      const r = await applyTwice(kit, 'lab1', sysctl, { name: 'net.ipv4.ip_forward', state: 'absent', sysctl_file: '/etc/sysctl.d/k8s.conf' });
      expectTwice(r);
      expect(await kit.sh('lab1', 'cat /etc/sysctl.d/k8s.conf')).toBe('# k8s\nnet.bridge.bridge-nf-call-iptables=1\n');
    });
  });

  describe('hostname', () => {
    it('sets the running and the permanent name on a Debian host without systemd (from its facts)', async () => {
      const facts = { ansible_service_mgr: 'sysvinit', ansible_os_family: 'Debian' };
      const r = await applyTwice(kit, 'lab2', hostname, { name: 'worker-2.lab.test' }, { vars: facts });
      expectTwice(r);
      expect(r.first.ansible_facts).toEqual({ ansible_hostname: 'worker-2', ansible_nodename: 'worker-2.lab.test', ansible_fqdn: 'worker-2.lab.test', ansible_domain: 'lab.test' });
      expect((await kit.sh('lab2', 'hostname')).trim()).toBe('worker-2.lab.test');
      expect(await kit.sh('lab2', 'cat /etc/hostname')).toBe('worker-2.lab.test\n');
    });

    it('chooses the strategy from the host (systemd where it runs) and falls back without hostnamed', async () => {
      const r = await applyTwice(kit, 'lab1', hostname, { name: 'master-1' });
      expectTwice(r);
      expect((await kit.sh('lab1', 'hostname')).trim()).toBe('master-1');
      expect(await kit.sh('lab1', 'cat /etc/hostname')).toBe('master-1\n');
      const hostnamed = await kit.lab.exec('lab1', 'hostnamectl --static');
      if (kit.lab.init === 'systemd' && hostnamed.code !== 0) {
        expect(r.first.warnings).toEqual([expect.stringMatching(/hostnamectl cannot reach systemd-hostnamed/)]);
      } else expect(r.first.warnings).toBeUndefined();
      // put the name back for the other tests
      await kit.run('lab1', hostname, { name: 'lab1' });
      expect((await kit.sh('lab1', 'hostname')).trim()).toBe('lab1');
    });
  });

  describe('timezone', () => {
    it('links /etc/localtime and writes /etc/timezone', async () => {
      const r = await applyTwice(kit, 'lab1', timezone, { name: 'Asia/Shanghai' });
      expectTwice(r);
      expect(r.first.diff?.[0]).toMatchObject({ after: 'name: Asia/Shanghai\n' });
      expect((await kit.sh('lab1', 'readlink /etc/localtime')).trim()).toBe('/usr/share/zoneinfo/Asia/Shanghai');
      expect(await kit.sh('lab1', 'cat /etc/timezone')).toBe('Asia/Shanghai\n');
      expect((await kit.sh('lab1', 'date +%Z')).trim()).toBe('CST');
    });

    it('an unknown zone fails clearly and changes nothing', async () => {
      const before = await kit.sh('lab1', 'readlink /etc/localtime');
      for (const name of ['Mars/Olympus_Mons', '../../etc/passwd']) {
        const r = await kit.run('lab1', timezone, { name });
        expect(r).toMatchObject({ failed: true, msg: `given timezone "${name}" is not available` });
      }
      expect(await kit.sh('lab1', 'readlink /etc/localtime')).toBe(before);
    });

    it('hwclock writes /etc/adjtime', async () => {
      const r = await applyTwice(kit, 'lab2', timezone, { hwclock: 'local' });
      expectTwice(r);
      expect((await kit.sh('lab2', 'sed -n 3p /etc/adjtime')).trim()).toBe('LOCAL');
    });
  });

  describe('selinux', () => {
    it('edits the config for the next boot on a host without SELinux, and says a reboot is needed', async () => {
      await kit.sh('lab1', "mkdir -p /etc/selinux && printf '# cfg\\nSELINUX=enforcing\\nSELINUXTYPE=targeted\\n' > /etc/selinux/config");
      const r = await applyTwice(kit, 'lab1', selinux, { state: 'disabled' });
      expectTwice(r);
      expect(r.first).toMatchObject({ reboot_required: false, msg: "Config SELinux state changed from 'enforcing' to 'disabled'" });
      expect(await kit.sh('lab1', 'cat /etc/selinux/config')).toBe('# cfg\nSELINUX=disabled\nSELINUXTYPE=targeted\n');
      const p = await applyTwice(kit, 'lab1', selinux, { state: 'permissive', policy: 'targeted' });
      expectTwice(p);
      expect(p.first).toMatchObject({ reboot_required: true, warnings: ["Reboot is required to set SELinux state to 'permissive'"] });
      expect(await kit.sh('lab1', 'cat /etc/selinux/config')).toBe('# cfg\nSELINUX=permissive\nSELINUXTYPE=targeted\n');
    });

    it('without the config file: disabled is ok, enforcing fails as Ansible', async () => {
      await kit.sh('lab2', 'rm -f /etc/selinux/config');
      const ok = await kit.run('lab2', selinux, { state: 'disabled' });
      expect(ok).toMatchObject({ changed: false });
      expect(ok.failed).toBeFalsy();
      const bad = await kit.run('lab2', selinux, { state: 'enforcing', policy: 'targeted' });
      expect(bad).toMatchObject({ failed: true, msg: 'Unable to find file /etc/selinux/config' });
    });
  });

  describe('modprobe', () => {
    it('persistent files for a module the kernel already has: only the files change', async () => {
      // a module this kernel has loaded (or built in): /proc/modules, else /sys/module
      const name = (await kit.sh('lab1', "{ cut -d' ' -f1 /proc/modules 2>/dev/null; ls /sys/module; } | grep -E '^[a-z][a-z0-9_]+$' | grep -v -x -E 'kernel|printk' | head -1")).trim();
      expect(name).not.toBe('');
      await kit.sh('lab1', `printf 'options ${name} old=1\\n' > /etc/modprobe.d/old-${name}.conf`);
      const r = await applyTwice(kit, 'lab1', modprobe, { name, persistent: 'present', params: 'a=1 b=2' });
      expectTwice(r);
      expect(await kit.sh('lab1', `cat /etc/modules-load.d/${name}.conf`)).toBe(`${name}\n`);
      expect(await kit.sh('lab1', `cat /etc/modprobe.d/${name}.conf`)).toBe(`options ${name} a=1\noptions ${name} b=2\n`);
      expect(await kit.sh('lab1', `cat /etc/modprobe.d/old-${name}.conf`)).toBe(`#options ${name} old=1\n`);
      const off = await applyTwice(kit, 'lab1', modprobe, { name, persistent: 'absent', params: 'a=1 b=2' });
      expect(off.first.failed, String(off.first.msg)).toBeFalsy();
      // state present (default) keeps the module loaded: persistent absent only comments out
      expect([off.check.changed, off.first.changed, off.second.changed]).toEqual([true, true, false]);
      expect(off.writtenByCheck).toEqual([]);
      expect(await kit.sh('lab1', `cat /etc/modules-load.d/${name}.conf`)).toBe(`#${name}\n`);
    });

    it('loading a module the lab does not have fails with modprobe\'s message', async () => {
      const r = await kit.run('lab1', modprobe, { name: 'tsplay_no_such_module' });
      expect(r.failed).toBe(true);
      expect(String(r.msg)).toMatch(/^Failed to load tsplay_no_such_module: /);
    });
  });

  describe('mount', () => {
    it('present and absent edit fstab only', async () => {
      await kit.sh('lab2', "printf '# static\\nproc /proc proc defaults 0 0\\n' > /etc/fstab");
      const args = { path: '/srv/my data', src: '/dev/disk/by-label/DATA', fstype: 'ext4', opts: 'noatime', state: 'present' };
      const r = await applyTwice(kit, 'lab2', mount, args);
      expectTwice(r);
      expect(await kit.sh('lab2', 'cat /etc/fstab')).toBe('# static\nproc /proc proc defaults 0 0\n/dev/disk/by-label/DATA /srv/my\\040data ext4 noatime 0 0\n');
      expect((await kit.lab.exec('lab2', "[ -e '/srv/my data' ]")).code).not.toBe(0);
      const gone = await applyTwice(kit, 'lab2', mount, { path: '/srv/my data', state: 'absent_from_fstab' });
      expectTwice(gone);
      expect(await kit.sh('lab2', 'cat /etc/fstab')).toBe('# static\nproc /proc proc defaults 0 0\n');
    });

    it('mounted and unmounted with a tmpfs inside the host', async () => {
      const args = { path: '/mnt/scratch', src: 'tmpfs', fstype: 'tmpfs', opts: 'size=8m', state: 'mounted' };
      const r = await applyTwice(kit, 'lab2', mount, args);
      expectTwice(r);
      expect(await kit.sh('lab2', 'findmnt -n -o SOURCE,FSTYPE /mnt/scratch')).toMatch(/^tmpfs\s+tmpfs\n$/);
      expect(await kit.sh('lab2', 'grep scratch /etc/fstab')).toBe('tmpfs /mnt/scratch tmpfs size=8m 0 0\n');
      // changing the options remounts
      const bigger = await kit.run('lab2', mount, { ...args, opts: 'size=16m' });
      expect(bigger).toMatchObject({ changed: true });
      expect(await kit.sh('lab2', 'findmnt -n -o OPTIONS /mnt/scratch')).toMatch(/size=16384k/);
      const u = await applyTwice(kit, 'lab2', mount, { path: '/mnt/scratch', state: 'unmounted' });
      expectTwice(u);
      expect((await kit.lab.exec('lab2', 'findmnt /mnt/scratch')).code).not.toBe(0);
      expect(await kit.sh('lab2', 'grep -c scratch /etc/fstab')).toBe('1\n');
      await kit.run('lab2', mount, { ...args, opts: 'size=16m' });
      const a = await applyTwice(kit, 'lab2', mount, { path: '/mnt/scratch', state: 'absent' });
      expectTwice(a);
      expect((await kit.lab.exec('lab2', 'findmnt /mnt/scratch || [ -e /mnt/scratch ]')).code).not.toBe(0);
      expect((await kit.lab.exec('lab2', 'grep scratch /etc/fstab')).code).not.toBe(0);
    });
  });

  describe('swap', () => {
    it('comments out the swap entries of fstab (and turns swap off only when this machine has none active)', async () => {
      await kit.sh('lab1', "printf 'UUID=1234 / ext4 defaults 0 1\\nUUID=abcd none swap sw 0 0\\n/swapfile none swap sw 0 0\\n' > /etc/fstab");
      // /proc/swaps is the machine's: swapoff in a lab host would turn off THE MACHINE's swap
      const active = (await kit.sh('lab1', 'tail -n +2 /proc/swaps')).trim();
      if (active !== '') {
        console.warn(`swap: skipping the real swap test: this machine has active swap (${active.split('\n').length} areas) that swapoff in a lab host would turn off`);
        return;
      }
      const r = await applyTwice(kit, 'lab1', swap, { state: 'off' });
      expectTwice(r);
      expect(await kit.sh('lab1', 'cat /etc/fstab')).toBe('UUID=1234 / ext4 defaults 0 1\n# UUID=abcd none swap sw 0 0\n# /swapfile none swap sw 0 0\n');
    });
  });
});
