// Ansible's distribution rules, table-driven: release files as they ship -> the facts Ansible
// reports for them (spellings, versions, codenames, file variety).
import { describe, expect, it } from 'vitest';
import { distributionFacts } from '../../src/facts/distribution.js';
import type { RawFacts } from '../../src/facts/raw.js';
import { pkgMgrFacts, serviceMgrFacts } from '../../src/facts/system.js';

const files = (f: Record<string, string>, kv: Record<string, string> = {}): RawFacts => ({
  kv,
  sections: Object.fromEntries(Object.entries(f).map(([p, c]) => [`file ${p}`, c])),
});

const osRelease = (fields: Record<string, string>) => Object.entries(fields).map(([k, v]) => `${k}="${v}"`).join('\n') + '\n';

const CASES: [string, Record<string, string>, Record<string, unknown>][] = [
  ['Debian 11', {
    '/etc/os-release': 'PRETTY_NAME="Debian GNU/Linux 11 (bullseye)"\nNAME="Debian GNU/Linux"\nVERSION_ID="11"\nVERSION="11 (bullseye)"\nVERSION_CODENAME=bullseye\nID=debian\n',
    '/etc/debian_version': '11.8\n',
  }, { distribution: 'Debian', distribution_version: '11.8', distribution_major_version: '11', distribution_minor_version: '8', distribution_release: 'bullseye', os_family: 'Debian' }],
  ['Debian testing (no VERSION_ID)', {
    '/etc/os-release': 'PRETTY_NAME="Debian GNU/Linux trixie/sid"\nNAME="Debian GNU/Linux"\nVERSION_CODENAME=trixie\nID=debian\n',
    '/etc/debian_version': 'trixie/sid\n',
  }, { distribution: 'Debian', distribution_version: 'trixie/sid', distribution_major_version: 'trixie/sid', distribution_release: 'trixie', os_family: 'Debian' }],
  ['Ubuntu 20.04', {
    '/etc/os-release': 'NAME="Ubuntu"\nVERSION="20.04.6 LTS (Focal Fossa)"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu 20.04.6 LTS"\nVERSION_ID="20.04"\nVERSION_CODENAME=focal\nUBUNTU_CODENAME=focal\n',
    '/etc/lsb-release': 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=20.04\nDISTRIB_CODENAME=focal\nDISTRIB_DESCRIPTION="Ubuntu 20.04.6 LTS"\n',
    '/etc/debian_version': 'bullseye/sid\n',
  }, { distribution: 'Ubuntu', distribution_version: '20.04', distribution_major_version: '20', distribution_release: 'focal', os_family: 'Debian', distribution_file_variety: 'Debian' }],
  ['Ubuntu 16.04 (codename from VERSION)', {
    '/etc/os-release': 'NAME="Ubuntu"\nVERSION="16.04.7 LTS (Xenial Xerus)"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu 16.04.7 LTS"\nVERSION_ID="16.04"\nUBUNTU_CODENAME=xenial\n',
  }, { distribution: 'Ubuntu', distribution_version: '16.04', distribution_release: 'xenial' }],
  ['CentOS 7', {
    '/etc/os-release': osRelease({ NAME: 'CentOS Linux', VERSION: '7 (Core)', ID: 'centos', ID_LIKE: 'rhel fedora', VERSION_ID: '7', PRETTY_NAME: 'CentOS Linux 7 (Core)' }),
    '/etc/centos-release': 'CentOS Linux release 7.9.2009 (Core)\n',
    '/etc/redhat-release': 'CentOS Linux release 7.9.2009 (Core)\n',
  }, { distribution: 'CentOS', distribution_version: '7.9', distribution_major_version: '7', distribution_release: 'Core', os_family: 'RedHat', distribution_file_path: '/etc/redhat-release' }],
  ['CentOS Stream 9', {
    '/etc/os-release': osRelease({ NAME: 'CentOS Stream', VERSION: '9', ID: 'centos', ID_LIKE: 'rhel fedora', VERSION_ID: '9', PRETTY_NAME: 'CentOS Stream 9' }),
    '/etc/centos-release': 'CentOS Stream release 9\n',
    '/etc/redhat-release': 'CentOS Stream release 9\n',
  }, { distribution: 'CentOS', distribution_version: '9', distribution_major_version: '9', distribution_release: 'Stream', os_family: 'RedHat', distribution_file_path: '/etc/centos-release' }],
  ['RHEL 9', {
    '/etc/os-release': osRelease({ NAME: 'Red Hat Enterprise Linux', VERSION: '9.3 (Plow)', ID: 'rhel', ID_LIKE: 'fedora', VERSION_ID: '9.3', PRETTY_NAME: 'Red Hat Enterprise Linux 9.3 (Plow)' }),
    '/etc/redhat-release': 'Red Hat Enterprise Linux release 9.3 (Plow)\n',
  }, { distribution: 'RedHat', distribution_version: '9.3', distribution_major_version: '9', distribution_release: 'Plow', os_family: 'RedHat' }],
  ['Rocky 8', {
    '/etc/os-release': osRelease({ NAME: 'Rocky Linux', VERSION: '8.9 (Green Obsidian)', ID: 'rocky', ID_LIKE: 'rhel centos fedora', VERSION_ID: '8.9' }),
    '/etc/redhat-release': 'Rocky Linux release 8.9 (Green Obsidian)\n',
    '/etc/rocky-release': 'Rocky Linux release 8.9 (Green Obsidian)\n',
  }, { distribution: 'Rocky', distribution_version: '8.9', distribution_major_version: '8', distribution_release: 'Green Obsidian', os_family: 'RedHat' }],
  ['AlmaLinux 9', {
    '/etc/os-release': osRelease({ NAME: 'AlmaLinux', VERSION: '9.3 (Shamrock Pampas Cat)', ID: 'almalinux', ID_LIKE: 'rhel centos fedora', VERSION_ID: '9.3' }),
    '/etc/redhat-release': 'AlmaLinux release 9.3 (Shamrock Pampas Cat)\n',
  }, { distribution: 'AlmaLinux', distribution_version: '9.3', distribution_major_version: '9', distribution_release: 'Shamrock Pampas Cat', os_family: 'RedHat' }],
  ['Oracle Linux 8', {
    '/etc/os-release': osRelease({ NAME: 'Oracle Linux Server', VERSION: '8.9', ID: 'ol', ID_LIKE: 'fedora', VERSION_ID: '8.9' }),
    '/etc/oracle-release': 'Oracle Linux Server release 8.9\n',
    '/etc/redhat-release': 'Red Hat Enterprise Linux release 8.9 (Ootpa)\n',
  }, { distribution: 'OracleLinux', distribution_version: '8.9', distribution_major_version: '8', os_family: 'RedHat', distribution_file_path: '/etc/oracle-release' }],
  ['Fedora 39 (empty VERSION_CODENAME)', {
    '/etc/os-release': 'NAME="Fedora Linux"\nVERSION="39 (Server Edition)"\nID=fedora\nVERSION_ID=39\nVERSION_CODENAME=""\nPRETTY_NAME="Fedora Linux 39 (Server Edition)"\n',
    '/etc/redhat-release': 'Fedora release 39 (Thirty Nine)\n',
  }, { distribution: 'Fedora', distribution_version: '39', distribution_major_version: '39', distribution_release: '', os_family: 'RedHat' }],
  ['Alpine 3.19', {
    '/etc/os-release': 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.0\nPRETTY_NAME="Alpine Linux v3.19"\n',
    '/etc/alpine-release': '3.19.0\n',
  }, { distribution: 'Alpine', distribution_version: '3.19.0', distribution_major_version: '3', os_family: 'Alpine' }],
  ['no release files at all', {}, { distribution: 'OtherLinux', distribution_version: 'NA', distribution_release: 'NA', distribution_major_version: 'NA', os_family: 'OtherLinux' }],
];

describe('distribution facts (Ansible\'s rules)', () => {
  it.each(CASES)('%s', (_name, f, expected) => {
    expect(distributionFacts(files(f))).toMatchObject(expected);
  });
});

describe('pkg_mgr: the binaries present, then the family\'s official one', () => {
  const PKG: [string, Record<string, unknown>, string[], string][] = [
    ['CentOS 7 with dnf installed too', { os_family: 'RedHat', distribution: 'CentOS', distribution_major_version: '7' }, ['/usr/bin/yum', '/usr/bin/dnf'], 'yum'],
    ['Rocky 8', { os_family: 'RedHat', distribution: 'Rocky', distribution_major_version: '8' }, ['/usr/bin/yum', '/usr/bin/dnf'], 'dnf'],
    ['Fedora 22', { os_family: 'RedHat', distribution: 'Fedora', distribution_major_version: '22' }, ['/usr/bin/yum', '/usr/bin/dnf'], 'yum'],
    ['Debian with yum installed', { os_family: 'Debian', distribution: 'Debian', distribution_major_version: '12' }, ['/usr/bin/yum', '/usr/bin/apt-get'], 'apt'],
    ['Alpine', { os_family: 'Alpine', distribution: 'Alpine', distribution_major_version: '3' }, ['/sbin/apk'], 'apk'],
    ['nothing known', { os_family: 'Gentoo', distribution: 'Gentoo', distribution_major_version: '2' }, [], 'unknown'],
  ];
  it.each(PKG)('%s', (_n, distro, present, expected) => {
    const kv = Object.fromEntries(present.map((p) => [`exists ${p}`, '1']));
    expect(pkgMgrFacts({ kv, sections: {} }, distro)).toEqual({ pkg_mgr: expected });
  });
});

describe('service_mgr', () => {
  const SVC: [string, Record<string, string>, string][] = [
    ['PID 1 is systemd', { proc1_comm: 'systemd', has_systemctl: '1', systemd_canary: '1' }, 'systemd'],
    ['PID 1 is a shell, systemd running elsewhere (canary)', { proc1_comm: 'bash', has_systemctl: '1', systemd_canary: '1', initd: '1' }, 'systemd'],
    // Ansible says systemd here (/sbin/init links to it); tsplay says what actually runs
    ['systemd installed but not running', { proc1_comm: 'host-init.sh', sbin_init: '/lib/systemd/systemd', has_systemctl: '1', initd: '1' }, 'sysvinit'],
    ['PID 1 named init (sysvinit)', { proc1_comm: 'init', initd: '1' }, 'sysvinit'],
    ['openrc-init', { proc1_comm: 'openrc-init' }, 'openrc'],
    ['runit', { proc1_comm: 'runit-init' }, 'runit'],
    ['openrc without its init', { proc1_comm: 'init', openrc: '1', initd: '1' }, 'openrc'],
    ['nothing known', { proc1_comm: 'sh' }, 'service'],
    ['/proc/1/comm unreadable: /sbin/init', { sbin_init: '/usr/lib/systemd/systemd' }, 'systemd'],
  ];
  it.each(SVC)('%s', (_n, kv, expected) => {
    expect(serviceMgrFacts({ kv, sections: {} })).toEqual({ service_mgr: expected });
  });
});
