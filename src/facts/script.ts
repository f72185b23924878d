import type { Collector } from './subset.js';

/**
 * The remote half of fact gathering: one POSIX sh script, sent on stdin to `sh -s`, that copies
 * the files and command outputs the parser needs, in sections (see raw.ts). It uses only what
 * a minimal system has (sh, cat, uname, id; ip, getent, grep, readlink when present, with
 * fallbacks), never loops over the network, and never asks DNS (ansible_fqdn comes from
 * /etc/hosts), so gathering cannot hang on a resolver.
 */

const PRELUDE = String.raw`M='@@tsplay@@ '
v() { printf '%s=%s\n' "$1" "$2"; }
has() { command -v "$1" >/dev/null 2>&1; }
f() { if [ -e "$2" ]; then printf '%s%s\n' "$M" "$1"; cat "$2" 2>/dev/null; echo; fi; }
files() { for p in "$@"; do f "file $p" "$p"; done; }
c() { n=$1; shift; printf '%s%s\n' "$M" "$n"; "$@" 2>/dev/null; echo; }
printf '%skv\n' "$M"; v format 1
`;

/** One piece per collector; a piece prints kv lines after `kv` or sections of its own. */
const PIECES: Record<Collector, string> = {
  platform: String.raw`printf '%skv\n' "$M"
v kernel "$(uname -r)"; v kernel_version "$(uname -v)"; v machine "$(uname -m)"
v nodename "$(uname -n)"; v system "$(uname -s)"; v long_bit "$(getconf LONG_BIT 2>/dev/null)"
files /etc/hosts /var/lib/dbus/machine-id /etc/machine-id
`,
  distribution: String.raw`if [ -e /etc/os-release ]; then files /etc/os-release; else files /usr/lib/os-release; fi
files /etc/altlinux-release /etc/oracle-release /etc/slackware-version /etc/centos-release \
  /etc/redhat-release /etc/rocky-release /etc/almalinux-release /etc/vmware-release /etc/openwrt_release \
  /etc/system-release /etc/alpine-release /etc/arch-release /etc/SuSE-release /etc/gentoo-release \
  /etc/lsb-release /etc/debian_version /etc/sourcemage-release /etc/coreos/update.conf /etc/fedora-release
`,
  lsb: String.raw`files /etc/lsb-release
`,
  cmdline: String.raw`files /proc/cmdline
`,
  date_time: String.raw`printf '%skv\n' "$M"
v date "$(LC_ALL=C date '+%Y|%m|%A|%w|%W|%d|%H|%M|%S|%s|%Z|%z|%N' 2>/dev/null)"
`,
  dns: String.raw`files /etc/resolv.conf
`,
  fips: String.raw`files /proc/sys/crypto/fips_enabled
`,
  apparmor: String.raw`printf '%skv\n' "$M"
[ -e /sys/kernel/security/apparmor ] && v apparmor 1
`,
  selinux: String.raw`printf '%skv\n' "$M"
for d in /sys/fs/selinux /selinux; do
  if [ -r "$d/enforce" ]; then v selinux_enforce "$(cat "$d/enforce")"; v selinux_policyvers "$(cat "$d/policyvers" 2>/dev/null)"; break; fi
done
files /etc/selinux/config
`,
  pkg_mgr: String.raw`printf '%skv\n' "$M"
for p in /usr/bin/rpm-ostree /usr/bin/yum /usr/bin/dnf /usr/bin/apt-get /usr/bin/zypper /usr/sbin/urpmi \
  /usr/bin/pacman /bin/opkg /sbin/apk /usr/bin/emerge /usr/bin/xbps-install /usr/bin/swupd /run/ostree-booted; do
  [ -e "$p" ] && v "exists $p" 1
done
if [ -e /usr/bin/rpm ] && [ -e /usr/bin/apt-get ] && /usr/bin/rpm -q --whatprovides /usr/bin/apt-get >/dev/null 2>&1; then v apt_rpm 1; fi
`,
  service_mgr: String.raw`printf '%skv\n' "$M"
v proc1_comm "$(cat /proc/1/comm 2>/dev/null)"
[ -L /sbin/init ] && v sbin_init "$(readlink /sbin/init 2>/dev/null)"
has systemctl && v has_systemctl 1
for d in /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/; do [ -e "$d" ] && v systemd_canary 1; done
has initctl && [ -e /etc/init/ ] && v upstart 1
[ -e /sbin/openrc ] && v openrc 1
[ -e /etc/init.d/ ] && v initd 1
`,
  user: String.raw`printf '%skv\n' "$M"
u=$(id -un 2>/dev/null); v user_id "$u"
v uid "$(id -u)"; v gid "$(id -g)"; v ruid "$(id -ru)"; v rgid "$(id -rg)"
if has getent; then v passwd "$(getent passwd "$u")"
elif [ -r /etc/passwd ]; then while IFS= read -r l; do case $l in "$u:"*) v passwd "$l"; break;; esac; done < /etc/passwd
fi
`,
  cgroup: String.raw`printf '%skv\n' "$M"
[ -e /sys/fs/cgroup/cgroup.controllers ] && v cgroup2 1
`,
  loadavg: String.raw`files /proc/loadavg
`,
  hardware: String.raw`files /proc/meminfo /proc/uptime
printf '%scpuinfo\n' "$M"
if has grep; then grep -E '^(model name|Processor|vendor_id|cpu|Vendor|processor|physical id|core id|cpu cores|siblings)[[:space:]]*:' /proc/cpuinfo 2>/dev/null; else cat /proc/cpuinfo 2>/dev/null; fi
echo
printf '%skv\n' "$M"
v nproc "$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null)"; v machine "$(uname -m)"
[ -e /proc/xen ] && v xen 1
`,
  network: String.raw`if has ip; then
  c ip_addr4 ip -o -4 addr show
  c ip_addr6 ip -o -6 addr show
  c ip_link ip -o link show
  c ip_route4 ip -4 route show default
  c ip_route6 ip -6 route show default
else
  files /proc/net/route /proc/net/fib_trie /proc/net/if_inet6
  c sys_net ls /sys/class/net
fi
`,
  env: '',
  virtual: '',
};

/** The script for a set of collectors; the environment, when asked for, comes last (NUL-separated if env can). */
export function factsScript(collectors: ReadonlySet<Collector>): string {
  let script = PRELUDE;
  for (const [name, piece] of Object.entries(PIECES) as [Collector, string][]) {
    if (collectors.has(name)) script += piece;
  }
  if (collectors.has('env')) {
    // env -0 keeps values with newlines apart; without it (old busybox) one variable per line
    script += String.raw`if env -0 >/dev/null 2>&1; then printf '%senv0\n' "$M"; env -0; else printf '%senv\n' "$M"; env; fi
`;
  }
  return script + 'exit 0\n';
}
