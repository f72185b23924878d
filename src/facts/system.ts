/**
 * The small collectors: platform (names, kernel), user, environment, date and time, service and
 * package managers, SELinux, AppArmor, FIPS, DNS, kernel command line, LSB and the cgroup
 * version. Each reads the sections the script printed and returns un-prefixed fact names.
 */
import type { Vars } from '../vars/types.js';
import { parseKeyValues } from './key-values.js';
import { fileSection, type RawFacts } from './raw.js';

export function platformFacts(raw: RawFacts): Vars {
  const kv = raw.kv;
  const nodename = kv.nodename ?? '';
  const machine = kv.machine ?? '';
  const fqdn = fqdnFromHosts(nodename, fileSection(raw, '/etc/hosts'));
  const out: Vars = {
    system: kv.system ?? 'Linux',
    kernel: kv.kernel ?? '',
    kernel_version: kv.kernel_version ?? '',
    machine,
    architecture: machine,
    nodename,
    hostname: nodename.split('.')[0],
    fqdn,
    domain: fqdn.includes('.') ? fqdn.slice(fqdn.indexOf('.') + 1) : '',
  };
  // Ansible's architecture: i386 for any x86 32-bit machine
  if (/^i[3-6]86$/.test(machine)) out.architecture = 'i386';
  const bitsText = kv.long_bit;
  if (bitsText && /^\d+$/.test(bitsText)) {
    out.userspace_bits = bitsText;
    if (machine === 'x86_64') out.userspace_architecture = bitsText === '32' ? 'i386' : 'x86_64';
  }
  const machineId = (fileSection(raw, '/var/lib/dbus/machine-id') ?? fileSection(raw, '/etc/machine-id'))?.trim();
  if (machineId) out.machine_id = machineId;
  return out;
}

/**
 * Python's socket.getfqdn() as answered by /etc/hosts: the line naming the host gives its
 * address; the first line for that address gives the canonical name and aliases; the first of
 * them with a dot wins. Without an entry, the node name itself (tsplay does not ask DNS).
 */
export function fqdnFromHosts(nodename: string, hosts: string | undefined): string {
  const entries = (hosts ?? '')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim().split(/\s+/))
    .filter((w) => w.length >= 2);
  const own = entries.find((w) => w.slice(1).includes(nodename));
  if (!own) return nodename;
  const names = entries.filter((w) => w[0] === own[0]).flatMap((w) => w.slice(1));
  return names.find((n) => n.includes('.')) ?? names[0];
}

export function userFacts(raw: RawFacts): Vars {
  const kv = raw.kv;
  const pw = (kv.passwd ?? '').split(':');
  const num = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);
  const out: Vars = { user_id: kv.user_id || pw[0] || '' };
  const fields: [string, number | string | undefined][] = [
    ['user_uid', num(kv.uid)],
    ['user_gid', num(pw[3]) ?? num(kv.gid)],
    ['user_gecos', pw.length >= 7 ? pw[4] : undefined],
    ['user_dir', pw.length >= 7 ? pw[5] : undefined],
    ['user_shell', pw.length >= 7 ? pw[6] : undefined],
    ['real_user_id', num(kv.ruid)],
    ['effective_user_id', num(kv.uid)],
    ['real_group_id', num(kv.rgid)],
    ['effective_group_id', num(kv.gid)],
  ];
  for (const [k, v] of fields) if (v !== undefined) out[k] = v;
  return out;
}

/** `env -0` (NUL-separated) or plain `env` (one variable per line) -> a dictionary. */
export function envFacts(raw: RawFacts): Vars {
  const text = raw.sections.env0 ?? raw.sections.env;
  if (text === undefined) return {};
  const entries = raw.sections.env0 !== undefined ? text.split('\0') : text.split('\n');
  const env: Record<string, string> = {};
  for (const e of entries) {
    const eq = e.indexOf('=');
    if (eq > 0) env[e.slice(0, eq)] = e.slice(eq + 1);
  }
  return { env };
}

/** ansible_date_time from one remote `date` call (local time fields) and its epoch (UTC fields). */
export function dateTimeFacts(raw: RawFacts): Vars {
  const parts = (raw.kv.date ?? '').split('|');
  if (parts.length < 12 || !/^\d+$/.test(parts[9])) return {};
  const [year, month, weekday, weekdayNumber, weeknumber, day, hour, minute, second, epoch, tz, tzOffset, nanos] = parts;
  const micro = /^\d{9}$/.test(nanos ?? '') ? nanos.slice(0, 6) : '000000';
  const utc = new Date(Number(epoch) * 1000).toISOString().slice(0, 19);
  return {
    date_time: {
      year, month, weekday, weekday_number: weekdayNumber, weeknumber, day, hour, minute, second,
      epoch, epoch_int: epoch,
      date: `${year}-${month}-${day}`,
      time: `${hour}:${minute}:${second}`,
      iso8601_micro: `${utc}.${micro}Z`,
      iso8601: `${utc}Z`,
      iso8601_basic: `${year}${month}${day}T${hour}${minute}${second}${micro}`,
      iso8601_basic_short: `${year}${month}${day}T${hour}${minute}${second}`,
      tz,
      tz_offset: tzOffset,
    },
  };
}

const PROC1_NAMES: Record<string, string> = { procd: 'openwrt_init', 'runit-init': 'runit', svscan: 'svc', 'openrc-init': 'openrc' };

/**
 * Ansible's service_mgr for Linux: PID 1's name (unless it is `init` or a shell), else systemd if
 * it is running, upstart, openrc, sysvinit. Unlike Ansible, a system where systemd is installed
 * but not running (/sbin/init links to it, as in a container) is not reported as systemd: the
 * service modules would fail to talk to it.
 */
export function serviceMgrFacts(raw: RawFacts): Vars {
  const kv = raw.kv;
  let proc1: string | undefined = kv.proc1_comm || kv.sbin_init || undefined;
  if (proc1 !== undefined) proc1 = proc1.split('/').pop()!.trim();
  if (proc1 === 'init' || proc1?.endsWith('sh') || proc1 === '') proc1 = undefined;
  let mgr: string;
  if (proc1 !== undefined) mgr = PROC1_NAMES[proc1] ?? proc1;
  else if (kv.has_systemctl && kv.systemd_canary) mgr = 'systemd';
  else if (kv.upstart) mgr = 'upstart';
  else if (kv.openrc) mgr = 'openrc';
  else if (kv.initd) mgr = 'sysvinit';
  else mgr = 'service';
  return { service_mgr: mgr };
}

const PKG_MGRS: [string, string][] = [
  ['/usr/bin/rpm-ostree', 'atomic_container'], ['/usr/bin/yum', 'yum'], ['/usr/bin/dnf', 'dnf'], ['/usr/bin/apt-get', 'apt'],
  ['/usr/bin/zypper', 'zypper'], ['/usr/sbin/urpmi', 'urpmi'], ['/usr/bin/pacman', 'pacman'], ['/bin/opkg', 'opkg'],
  ['/sbin/apk', 'apk'], ['/usr/bin/emerge', 'portage'], ['/usr/bin/xbps-install', 'xbps'], ['/usr/bin/swupd', 'swupd'],
];

/** Ansible's pkg_mgr: the last known binary present, then the family's official one (yum before RHEL 8, dnf after). */
export function pkgMgrFacts(raw: RawFacts, distro: Vars): Vars {
  const exists = (p: string) => raw.kv[`exists ${p}`] === '1';
  let mgr = 'unknown';
  for (const [path, name] of PKG_MGRS) if (exists(path)) mgr = name;
  const family = distro.os_family;
  const major = Number.parseInt(String(distro.distribution_major_version), 10);
  if (family === 'RedHat') {
    if (exists('/run/ostree-booted')) mgr = 'atomic_container';
    else if (distro.distribution === 'Fedora') mgr = !Number.isNaN(major) && major < 23 ? (exists('/usr/bin/yum') ? 'yum' : mgr) : exists('/usr/bin/dnf') || Number.isNaN(major) ? 'dnf' : mgr;
    else if (distro.distribution === 'Amazon') mgr = !Number.isNaN(major) && major < 2022 ? (exists('/usr/bin/yum') ? 'yum' : mgr) : exists('/usr/bin/dnf') || Number.isNaN(major) ? 'dnf' : mgr;
    else if (!Number.isNaN(major)) mgr = major < 8 ? 'yum' : 'dnf';
  } else if (family === 'Debian' && mgr !== 'apt') mgr = 'apt';
  else if (family === 'Altlinux' && mgr === 'apt') mgr = 'apt_rpm';
  if (mgr === 'apt' && raw.kv.apt_rpm === '1') mgr = 'apt_rpm';
  return { pkg_mgr: mgr };
}

/** {status: disabled} without SELinux; else status, mode, config_mode, type and policyvers, as Ansible. */
export function selinuxFacts(raw: RawFacts): Vars {
  const enforce = raw.kv.selinux_enforce;
  if (enforce === undefined || enforce === '') return { selinux: { status: 'disabled' } };
  const config = parseKeyValues(fileSection(raw, '/etc/selinux/config'));
  const policyvers = Number(raw.kv.selinux_policyvers);
  return {
    selinux: {
      status: 'enabled',
      mode: enforce.trim() === '1' ? 'enforcing' : 'permissive',
      config_mode: (config.SELINUX ?? 'unknown').toLowerCase(),
      type: config.SELINUXTYPE ?? 'unknown',
      ...(Number.isFinite(policyvers) && raw.kv.selinux_policyvers ? { policyvers } : {}),
    },
  };
}

export function apparmorFacts(raw: RawFacts): Vars {
  return { apparmor: { status: raw.kv.apparmor === '1' ? 'enabled' : 'disabled' } };
}

export function fipsFacts(raw: RawFacts): Vars {
  return { fips: fileSection(raw, '/proc/sys/crypto/fips_enabled')?.trim() === '1' };
}

/** tsplay_cgroup_version: 2 when /sys/fs/cgroup is the unified hierarchy, else 1 (not an Ansible fact). */
export function cgroupFacts(raw: RawFacts): Vars {
  return { tsplay_cgroup_version: raw.kv.cgroup2 === '1' ? 2 : 1 };
}

/** ansible_dns: nameservers, domain, search, sortlist, options from /etc/resolv.conf. */
export function dnsFacts(raw: RawFacts): Vars {
  const text = fileSection(raw, '/etc/resolv.conf');
  if (text === undefined) return {};
  const dns: Vars = {};
  for (const line of text.split('\n')) {
    const w = line.replace(/[#;].*/, '').trim().split(/\s+/);
    if (w.length < 2) continue;
    if (w[0] === 'nameserver') ((dns.nameservers ??= []) as string[]).push(w[1]);
    else if (w[0] === 'domain') dns.domain = w[1];
    else if (w[0] === 'search' || w[0] === 'sortlist') dns[w[0]] = w.slice(1);
    else if (w[0] === 'options') {
      const options = (dns.options ??= {}) as Record<string, string | boolean>;
      for (const o of w.slice(1)) {
        const [k, v] = o.split(':', 2);
        options[k] = v ?? true;
      }
    }
  }
  return { dns };
}

/** ansible_cmdline (last value wins) and ansible_proc_cmdline (repeated keys become lists). */
export function cmdlineFacts(raw: RawFacts): Vars {
  const text = fileSection(raw, '/proc/cmdline')?.trim();
  if (!text) return {};
  const cmdline: Vars = {};
  const proc: Vars = {};
  for (const piece of text.split(/\s+/)) {
    const eq = piece.indexOf('=');
    const [k, v] = eq < 0 ? [piece, true] : [piece.slice(0, eq), piece.slice(eq + 1)];
    cmdline[k] = v;
    proc[k] = k in proc ? [...(Array.isArray(proc[k]) ? (proc[k] as unknown[]) : [proc[k]]), v] : v;
  }
  return { cmdline, proc_cmdline: proc };
}

/** ansible_lsb from /etc/lsb-release (Ansible runs lsb_release when installed; the file says the same). */
export function lsbFacts(raw: RawFacts): Vars {
  const kv = parseKeyValues(fileSection(raw, '/etc/lsb-release'));
  if (Object.keys(kv).length === 0) return {};
  const lsb: Vars = {};
  if (kv.DISTRIB_ID) lsb.id = kv.DISTRIB_ID;
  if (kv.DISTRIB_RELEASE) {
    lsb.release = kv.DISTRIB_RELEASE;
    lsb.major_release = kv.DISTRIB_RELEASE.split('.')[0];
  }
  if (kv.DISTRIB_DESCRIPTION) lsb.description = kv.DISTRIB_DESCRIPTION;
  if (kv.DISTRIB_CODENAME) lsb.codename = kv.DISTRIB_CODENAME;
  return { lsb };
}
