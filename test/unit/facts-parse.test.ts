// The parser of the gathering script's output, fed with outputs of several distributions: the
// Debian 12 one recorded on this machine with dash, the others written from those systems' real
// release files, /proc contents and `ip -o` output (this machine cannot run them).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFacts } from '../../src/facts/parse.js';
import { COLLECTORS } from '../../src/facts/subset.js';
import { ROOT } from '../e2e/cli.js';

const ALL = new Set(COLLECTORS);
const fixture = (name: string) => readFileSync(join(ROOT, 'test/fixtures/facts', name), 'utf8');

const CASES: [string, Record<string, unknown>][] = [
  ['debian12.out', {
    ansible_distribution: 'Debian', ansible_distribution_version: '12.11', ansible_distribution_major_version: '12',
    ansible_distribution_minor_version: '11', ansible_distribution_release: 'bookworm', ansible_os_family: 'Debian',
    ansible_distribution_file_path: '/etc/os-release', ansible_distribution_file_variety: 'Debian',
    ansible_hostname: 'vm', ansible_nodename: 'vm', ansible_fqdn: 'localhost', ansible_kernel: '6.18.44-fc-v595',
    ansible_architecture: 'x86_64', ansible_machine: 'x86_64', ansible_pkg_mgr: 'apt', ansible_service_mgr: 'process_api',
    ansible_selinux: { status: 'disabled' }, tsplay_cgroup_version: 1, ansible_memtotal_mb: 24105, ansible_swaptotal_mb: 0,
    ansible_processor_vcpus: 2, ansible_processor_count: 1, ansible_processor_cores: 2, ansible_processor_threads_per_core: 1,
    ansible_user_id: 'root', ansible_user_uid: 0, ansible_user_dir: '/root',
    ansible_default_ipv4: { address: '192.0.2.2', interface: 'eth0', gateway: '192.0.2.1', prefix: '24', netmask: '255.255.255.0', network: '192.0.2.0', macaddress: '02:fc:00:00:00:01', mtu: 1400, type: 'ether', alias: 'eth0', broadcast: '192.0.2.255' },
    ansible_all_ipv4_addresses: ['192.0.2.2'],
    ansible_all_ipv6_addresses: ['fd00::2', 'fe80::fc:ff:fe00:1'],
    ansible_env: { HOME: '/root', LANG: 'C.UTF-8', MULTI: 'line one\nline two', SSH_CONNECTION: '127.0.51.100 41822 127.0.51.1 22' },
  }],
  ['ubuntu2204.out', {
    ansible_distribution: 'Ubuntu', ansible_distribution_version: '22.04', ansible_distribution_major_version: '22',
    ansible_distribution_release: 'jammy', ansible_os_family: 'Debian', ansible_distribution_file_variety: 'Debian',
    ansible_hostname: 'web1', ansible_nodename: 'web1.example.com', ansible_fqdn: 'web1.example.com', ansible_domain: 'example.com',
    ansible_kernel: '5.15.0-91-generic', ansible_pkg_mgr: 'apt', ansible_service_mgr: 'systemd', ansible_apparmor: { status: 'enabled' },
    ansible_selinux: { status: 'disabled' }, tsplay_cgroup_version: 2, ansible_memtotal_mb: 3921, ansible_memfree_mb: 2650,
    ansible_swaptotal_mb: 2047, ansible_swapfree_mb: 2047, ansible_processor_vcpus: 2, ansible_processor_cores: 1,
    ansible_processor_threads_per_core: 2, ansible_uptime_seconds: 86432,
    ansible_lsb: { id: 'Ubuntu', release: '22.04', major_release: '22', codename: 'jammy', description: 'Ubuntu 22.04.3 LTS' },
    ansible_user_id: 'ubuntu', ansible_user_uid: 1000, ansible_user_gid: 1000, ansible_user_gecos: 'Ubuntu', ansible_user_shell: '/bin/bash',
    ansible_default_ipv4: { address: '172.31.20.15', interface: 'ens5', gateway: '172.31.16.1', prefix: '20', network: '172.31.16.0', netmask: '255.255.240.0', mtu: 9001 },
    ansible_default_ipv6: {},
    ansible_all_ipv4_addresses: ['172.31.20.15'],
    ansible_dns: { nameservers: ['127.0.0.53'], search: ['example.com'], options: { edns0: true, 'trust-ad': true } },
    // local time fields from the host's clock, the ISO 8601 ones in UTC
    ansible_date_time: { date: '2024-01-17', time: '09:05:07', epoch: '1705478707', tz: 'CET', tz_offset: '+0100', iso8601: '2024-01-17T08:05:07Z', iso8601_micro: '2024-01-17T08:05:07.123456Z', iso8601_basic_short: '20240117T090507', weekday: 'Wednesday' },
    ansible_cmdline: { BOOT_IMAGE: '/vmlinuz-5.15.0-91-generic', ro: true, console: 'ttyS0' },
    ansible_proc_cmdline: { console: ['tty1', 'ttyS0'] },
    ansible_env: { USER: 'ubuntu', HOME: '/home/ubuntu' },
  }],
  ['centos7.out', {
    ansible_distribution: 'CentOS', ansible_distribution_version: '7.9', ansible_distribution_major_version: '7',
    ansible_distribution_release: 'Core', ansible_os_family: 'RedHat', ansible_distribution_file_path: '/etc/redhat-release',
    ansible_distribution_file_variety: 'RedHat', ansible_distribution_file_parsed: true,
    ansible_hostname: 'k8s-master', ansible_fqdn: 'k8s-master', ansible_kernel: '3.10.0-1160.el7.x86_64',
    ansible_pkg_mgr: 'yum', ansible_service_mgr: 'systemd', tsplay_cgroup_version: 1,
    ansible_selinux: { status: 'enabled', mode: 'enforcing', config_mode: 'enforcing', type: 'targeted', policyvers: 31 },
    ansible_memtotal_mb: 3789, ansible_swaptotal_mb: 2047, ansible_processor_vcpus: 2, ansible_processor_cores: 2, ansible_processor_count: 1,
    // two default routes: the lower metric wins, as the kernel chooses
    ansible_default_ipv4: { address: '10.0.2.15', interface: 'eth0', gateway: '10.0.2.2' },
    ansible_all_ipv4_addresses: ['10.0.2.15', '192.168.56.10'],
    ansible_eth1: { device: 'eth1', active: true, macaddress: '08:00:27:9a:1b:2c', ipv4: { address: '192.168.56.10', prefix: '24' } },
  }],
  ['rocky9-aarch64.out', {
    ansible_distribution: 'Rocky', ansible_distribution_version: '9.3', ansible_distribution_major_version: '9',
    ansible_distribution_release: 'Blue Onyx', ansible_os_family: 'RedHat', ansible_distribution_file_path: '/etc/redhat-release',
    ansible_hostname: 'node2', ansible_nodename: 'node2.lab.internal', ansible_fqdn: 'node2.lab.internal', ansible_domain: 'lab.internal',
    ansible_architecture: 'aarch64', ansible_machine: 'aarch64', ansible_pkg_mgr: 'dnf', ansible_service_mgr: 'systemd', tsplay_cgroup_version: 2,
    ansible_selinux: { status: 'enabled', mode: 'enforcing', config_mode: 'enforcing', type: 'targeted', policyvers: 33 },
    ansible_processor_vcpus: 4, ansible_processor_count: 4, ansible_processor_cores: 1, ansible_processor_nproc: 4, ansible_swaptotal_mb: 0,
    ansible_user_id: 'rocky', ansible_user_gecos: 'Cloud User',
    ansible_default_ipv4: { address: '10.10.0.12', interface: 'enp0s1', gateway: '10.10.0.1', prefix: '16' },
    ansible_default_ipv6: { address: '2001:db8:10::12', interface: 'enp0s1', gateway: '2001:db8:10::1', prefix: '64', scope: 'global' },
    ansible_all_ipv4_addresses: ['10.10.0.12', '10.10.0.99'],
    ansible_enp0s1: { ipv4: { address: '10.10.0.12' }, ipv4_secondaries: [{ address: '10.10.0.99', prefix: '16' }] },
    ansible_interfaces: ['lo', 'enp0s1', 'cni-podman0'],
    ansible_cni_podman0: { device: 'cni-podman0', active: true },
  }],
  ['alma8-minimal.out', {
    ansible_distribution: 'AlmaLinux', ansible_distribution_version: '8.9', ansible_distribution_major_version: '8',
    ansible_distribution_release: 'Midnight Oncilla', ansible_os_family: 'RedHat',
    ansible_hostname: 'alma8', ansible_fqdn: 'alma8.containers.internal', ansible_pkg_mgr: 'dnf',
    // PID 1 is a shell and nothing else is installed: Ansible's fallback
    ansible_service_mgr: 'service', tsplay_cgroup_version: 1,
    ansible_selinux: { status: 'enabled', mode: 'permissive', config_mode: 'enforcing', type: 'targeted', policyvers: 33 },
    ansible_memtotal_mb: 1816, ansible_swaptotal_mb: 1023, ansible_swapfree_mb: 975,
    ansible_memory_mb: { real: { total: 1816, free: 890, used: 926 }, nocache: { free: 1476, used: 340 }, swap: { total: 1023, free: 975, used: 48, cached: 0 } },
    ansible_processor_vcpus: 1,
    // no `ip` on the host: the same facts from /proc/net/route, fib_trie and if_inet6
    ansible_default_ipv4: { address: '10.88.0.5', interface: 'eth0', gateway: '10.88.0.1', prefix: '16', netmask: '255.255.0.0', network: '10.88.0.0' },
    ansible_all_ipv4_addresses: ['10.88.0.5'],
    ansible_all_ipv6_addresses: ['fe80::858:aaff:fe58:5'],
    ansible_interfaces: ['eth0', 'lo'],
    ansible_lo: { device: 'lo', type: 'loopback', ipv4: { address: '127.0.0.1', prefix: '8' }, ipv6: [{ address: '::1', prefix: '128', scope: 'host' }] },
    ansible_env: { container: 'podman', HOSTNAME: 'alma8' },
  }],
];

describe('facts from recorded gathering output', () => {
  it.each(CASES)('%s', (name, expected) => {
    const facts = parseFacts(fixture(name), ALL);
    expect(facts).toMatchObject(expected);
  });

  it('every fact name is prefixed (ansible_ or, for tsplay\'s own, tsplay_)', () => {
    for (const [name] of CASES) {
      for (const key of Object.keys(parseFacts(fixture(name), ALL))) expect(key).toMatch(/^(ansible_|tsplay_)/);
    }
  });

  it('a minimal subset gathers no hardware or network facts, and only what was asked', () => {
    const min = parseFacts(fixture('ubuntu2204.out'), new Set(['distribution', 'platform'] as const));
    expect(min).toMatchObject({ ansible_os_family: 'Debian', ansible_hostname: 'web1' });
    expect(min).not.toHaveProperty('ansible_memtotal_mb');
    expect(min).not.toHaveProperty('ansible_default_ipv4');
    expect(min).not.toHaveProperty('ansible_pkg_mgr');
  });

  it('without an ip command nor /proc network files, network facts are empty rather than wrong', () => {
    const facts = parseFacts('@@tsplay@@ kv\nformat=1\n', new Set(['network'] as const));
    expect(facts).toEqual({ ansible_interfaces: [], ansible_all_ipv4_addresses: [], ansible_all_ipv6_addresses: [], ansible_default_ipv4: {}, ansible_default_ipv6: {} });
  });
});
