/**
 * ansible_distribution*, ansible_os_family: a port of Ansible's distribution collector (and of
 * the parts of the `distro` library it relies on) for Linux, working on copies of the release
 * files instead of reading them. Same spellings as Ansible: Debian, Ubuntu, CentOS, RedHat,
 * Rocky, AlmaLinux, OracleLinux, Fedora, Amazon ...; same version rules (CentOS `7.9`, Debian
 * `12.11` from /etc/debian_version, the others os-release's VERSION_ID).
 */
import type { Vars } from '../vars/types.js';
import { parseKeyValues } from './key-values.js';
import { fileSection, type RawFacts } from './raw.js';

const OS_FAMILY_MAP: Record<string, string[]> = {
  RedHat: ['RedHat', 'RHEL', 'Fedora', 'CentOS', 'Scientific', 'SLC', 'Ascendos', 'CloudLinux', 'PSBM', 'OracleLinux', 'OVS',
    'OEL', 'Amazon', 'Virtuozzo', 'XenServer', 'Alibaba', 'EulerOS', 'openEuler', 'AlmaLinux', 'Rocky', 'TencentOS',
    'EuroLinux', 'Kylin Linux Advanced Server'],
  Debian: ['Debian', 'Ubuntu', 'Raspbian', 'Neon', 'KDE neon', 'Linux Mint', 'SteamOS', 'Devuan', 'Kali', 'Cumulus Linux',
    'Pop!_OS', 'Parrot', 'Pardus GNU/Linux', 'Uos', 'Deepin', 'OSMC'],
  Suse: ['SuSE', 'SLES', 'SLED', 'openSUSE', 'openSUSE Tumbleweed', 'SLES_SAP', 'SUSE_LINUX', 'openSUSE Leap'],
  Archlinux: ['Archlinux', 'Antergos', 'Manjaro'],
  Mandrake: ['Mandrake', 'Mandriva'],
  Slackware: ['Slackware'],
  Altlinux: ['Altlinux'],
  SGML: ['SGML'],
  Gentoo: ['Gentoo', 'Funtoo'],
  Alpine: ['Alpine'],
  ClearLinux: ['Clear Linux OS', 'Clear Linux Mix'],
};
const OS_FAMILY = new Map(Object.entries(OS_FAMILY_MAP).flatMap(([family, names]) => names.map((n) => [n, family] as const)));

/** Ansible's OSDIST_LIST, in its order: the first file that exists and parses names the distribution. */
const OSDIST_LIST: { path: string; name: string; allowEmpty?: boolean }[] = [
  { path: '/etc/altlinux-release', name: 'Altlinux' },
  { path: '/etc/oracle-release', name: 'OracleLinux' },
  { path: '/etc/slackware-version', name: 'Slackware' },
  { path: '/etc/centos-release', name: 'CentOS' },
  { path: '/etc/redhat-release', name: 'RedHat' },
  { path: '/etc/vmware-release', name: 'VMwareESX', allowEmpty: true },
  { path: '/etc/openwrt_release', name: 'OpenWrt' },
  { path: '/etc/os-release', name: 'Amazon' },
  { path: '/etc/system-release', name: 'Amazon' },
  { path: '/etc/alpine-release', name: 'Alpine' },
  { path: '/etc/arch-release', name: 'Archlinux', allowEmpty: true },
  { path: '/etc/os-release', name: 'Archlinux' },
  { path: '/etc/os-release', name: 'SUSE' },
  { path: '/etc/SuSE-release', name: 'SUSE' },
  { path: '/etc/gentoo-release', name: 'Gentoo' },
  { path: '/etc/os-release', name: 'Debian' },
  { path: '/etc/lsb-release', name: 'Debian' },
  { path: '/etc/lsb-release', name: 'Mandriva' },
  { path: '/etc/sourcemage-release', name: 'SMGL' },
  { path: '/usr/lib/os-release', name: 'ClearLinux' },
  { path: '/etc/coreos/update.conf', name: 'Coreos' },
  { path: '/etc/os-release', name: 'Flatcar' },
  { path: '/etc/os-release', name: 'NA' },
];

const SEARCH_STRING: Record<string, string> = { OracleLinux: 'Oracle Linux', RedHat: 'Red Hat', Altlinux: 'ALT', SMGL: 'Source Mage GNU/Linux' };
const OS_RELEASE_ALIAS: Record<string, string> = { Archlinux: 'Arch Linux' };

/** The release files distro reads for versions and codenames (`name release X (codename)`), in its order. */
const DISTRO_RELEASE_FILES = ['/etc/almalinux-release', '/etc/centos-release', '/etc/fedora-release', '/etc/oracle-release', '/etc/redhat-release', '/etc/rocky-release', '/etc/SuSE-release'];

type Facts = Record<string, string>;

export function distributionFacts(raw: RawFacts): Vars {
  const file = (p: string) => fileSection(raw, p);
  const osReleaseText = file('/etc/os-release') ?? file('/usr/lib/os-release');
  const osr = parseKeyValues(osReleaseText);
  const release = distroReleaseInfo(file);
  const id = distroId(osr, release);
  const guess = guessDistribution(id, osr, release, file('/etc/debian_version'));
  const facts: Facts = { ...guess };
  for (const d of OSDIST_LIST) {
    const content = d.path === '/etc/os-release' ? osReleaseTextAt(file) : file(d.path);
    if (content === undefined) continue;
    if (d.allowEmpty) {
      Object.assign(facts, { distribution: d.name, distribution_file_path: d.path, distribution_file_variety: d.name });
      break;
    }
    if (content === '') continue;
    const parsed = parseDistFile(d.name, stripChars(content, `'"\\`), d.path, facts, { id, debianVersion: file('/etc/debian_version') });
    if (parsed) {
      Object.assign(facts, { distribution: d.name, distribution_file_path: d.path, distribution_file_variety: d.name, distribution_file_parsed: 'true' }, parsed);
      break;
    }
  }
  const out: Vars = { ...facts };
  if (facts.distribution_file_parsed) out.distribution_file_parsed = true;
  out.os_family = OS_FAMILY.get(facts.distribution) ?? facts.distribution;
  return out;
}

/** os-release as Ansible reads it for OSDIST_LIST: only /etc/os-release itself. */
function osReleaseTextAt(file: (p: string) => string | undefined): string | undefined {
  return file('/etc/os-release');
}

function distroId(osr: Record<string, string>, release: ReleaseInfo | undefined): string {
  const normalize = (s: string) => s.toLowerCase().replace(/ /g, '_');
  if (osr.ID) {
    const v = normalize(osr.ID);
    return ({ ol: 'oracle', 'opensuse-leap': 'opensuse' } as Record<string, string>)[v] ?? v;
  }
  if (release?.id) {
    const v = normalize(release.id);
    return ({ redhat: 'rhel' } as Record<string, string>)[v] ?? v;
  }
  return '';
}

/** Ansible's _guess_distribution: distro's id, version and codename. */
function guessDistribution(id: string, osr: Record<string, string>, release: ReleaseInfo | undefined, debianVersion: string | undefined): Facts {
  let distribution = capitalize(id);
  if (distribution === 'Amzn') distribution = 'Amazon';
  else if (distribution === 'Rhel') distribution = 'Redhat';
  else if (!distribution) distribution = 'OtherLinux';

  const candidates = [osr.VERSION_ID ?? '', release?.version ?? '', parseReleaseLine(osr.PRETTY_NAME ?? '')?.version ?? ''];
  const like = (osr.ID_LIKE ?? '').toLowerCase().split(/\s+/);
  if (id === 'debian' || like.includes('debian')) candidates.push((debianVersion ?? '').trim());
  let version = candidates.find((v) => v !== '') ?? '';
  if (id === 'centos' || id === 'debian') {
    // distro's best version: the first candidate with the most dots
    let best = '';
    for (const v of candidates) if (best === '' || dots(v) > dots(best)) best = v;
    version = id === 'centos' ? best.split('.').slice(0, 2).join('.') : best;
  }
  // a VERSION_CODENAME that is present but empty (Fedora) gives an empty release, as in Ansible
  const codename = osr.VERSION_CODENAME ?? osr.UBUNTU_CODENAME ?? (codenameFromVersion(osr.VERSION) || release?.codename || undefined);
  const v = version || 'NA';
  return {
    distribution,
    distribution_version: v,
    distribution_release: codename ?? 'NA',
    distribution_major_version: v.split('.')[0] || 'NA',
  };
}

interface ReleaseInfo {
  id: string;
  name: string;
  version?: string;
  codename?: string;
}

/** distro's release file: the first /etc/NAME-release file that parses; its id is NAME. */
function distroReleaseInfo(file: (p: string) => string | undefined): ReleaseInfo | undefined {
  for (const path of DISTRO_RELEASE_FILES) {
    const first = file(path)?.split('\n')[0];
    const parsed = first !== undefined ? parseReleaseLine(first) : undefined;
    if (parsed) return { id: /\/(\w+)[-_]release$/.exec(path)![1], ...parsed };
  }
  return undefined;
}

/** distro's parse of `CentOS Linux release 7.9.2009 (Core)`: read backwards, as distro does. */
function parseReleaseLine(line: string): { name: string; version?: string; codename?: string } | undefined {
  const text = line.trim();
  if (!text) return undefined;
  const m = /^(?:[^)]*\)(.*)\()? *(?:STL )?([\d.+\-a-z]*\d) *(?:esaeler *)?(.+)/.exec(reverse(text));
  if (!m) return { name: text };
  return { name: reverse(m[3]), version: reverse(m[2]), ...(m[1] !== undefined ? { codename: reverse(m[1]) } : {}) };
}

/** os-release VERSION `7 (Core)` or `16.04.3 LTS, Xenial Xerus` -> the codename, as distro reads it. */
function codenameFromVersion(version: string | undefined): string {
  const m = version ? /(\(\D+\))|,(\s+)?\D+/.exec(version) : null;
  return m ? m[0].replace(/[(),]/g, '').trim() : '';
}

interface ParseContext {
  id: string;
  debianVersion: string | undefined;
}

/** One OSDIST_LIST entry's parser: undefined when the file does not describe this distribution. */
function parseDistFile(name: string, data: string, path: string, collected: Facts, ctx: ParseContext): Facts | undefined {
  if (name in SEARCH_STRING) {
    return data.includes(SEARCH_STRING[name])
      ? { distribution: name, distribution_file_search_string: SEARCH_STRING[name] }
      : { distribution: data.split(/\s+/)[0] };
  }
  if (name in OS_RELEASE_ALIAS) return data.includes(OS_RELEASE_ALIAS[name]) ? { distribution: name } : undefined;
  switch (name) {
    case 'CentOS':
      if (data.includes('CentOS Stream')) return { distribution_release: 'Stream' };
      if (data.includes('TencentOS Server')) return { distribution: 'TencentOS' };
      return undefined;
    case 'Amazon':
      return parseAmazon(data, path);
    case 'Alpine':
      return { distribution: 'Alpine', distribution_version: data };
    case 'Slackware': {
      if (!data.includes('Slackware')) return undefined;
      const v = /\w+[.]\w+\+?/.exec(data);
      return { distribution: name, ...(v ? { distribution_version: v[0] } : {}) };
    }
    case 'OpenWrt': {
      if (!data.includes('OpenWrt')) return undefined;
      const v = /DISTRIB_RELEASE="(.*)"/.exec(data);
      const r = /DISTRIB_CODENAME="(.*)"/.exec(data);
      return { distribution: name, ...(v ? { distribution_version: v[1] } : {}), ...(r ? { distribution_release: r[1] } : {}) };
    }
    case 'SUSE':
      return path === '/etc/os-release' ? parseSuseOsRelease(data) : undefined;
    case 'Debian':
      return parseDebian(data, path, ctx);
    case 'Mandriva': {
      if (!data.includes('Mandriva')) return undefined;
      const v = /DISTRIB_RELEASE="(.*)"/.exec(data);
      const r = /DISTRIB_CODENAME="(.*)"/.exec(data);
      return { distribution: 'Mandriva', ...(v ? { distribution_version: v[1] } : {}), ...(r ? { distribution_release: r[1] } : {}) };
    }
    case 'ClearLinux': {
      const n = /NAME="(.*)"/.exec(data);
      if (!n || !n[1].includes('Clear Linux')) return undefined;
      const v = /VERSION_ID=(.*)/.exec(data);
      const r = /ID=(.*)/.exec(data);
      return { distribution: n[1], ...(v ? { distribution_major_version: v[1], distribution_version: v[1] } : {}), ...(r ? { distribution_release: r[1] } : {}) };
    }
    case 'Flatcar': {
      if (ctx.id !== 'flatcar') return undefined;
      const v = /VERSION=(.*)/.exec(data);
      if (!v) return {};
      const version = v[1].replace(/^"|"$/g, '');
      return { distribution_major_version: version.split('.')[0], distribution_version: version };
    }
    case 'NA': {
      const out: Facts = {};
      for (const line of data.split('\n')) {
        const d = /^NAME=(.*)/.exec(line);
        if (d) out.distribution = d[1].replace(/^"+|"+$/g, '');
        const v = /^VERSION=(.*)/.exec(line);
        if (v && collected.distribution_version === 'NA') out.distribution_version = v[1].replace(/^"+|"+$/g, '');
      }
      return out;
    }
    default:
      // Ansible has no parser for these (Gentoo, SMGL, Coreos without its distro): keep looking
      return undefined;
  }
}

function parseAmazon(data: string, path: string): Facts | undefined {
  if (!data.includes('Amazon')) return undefined;
  const out: Facts = { distribution: 'Amazon' };
  if (path === '/etc/os-release') {
    const v = /VERSION_ID="(.*)"/.exec(data);
    if (v) {
      const [major, minor] = v[1].split('.');
      Object.assign(out, { distribution_version: v[1], distribution_major_version: major, distribution_minor_version: minor ?? 'NA' });
    }
  } else {
    out.distribution_version = data.split(/\s+/).find((w) => /^\d+$/.test(w)) ?? 'NA';
  }
  return out;
}

function parseSuseOsRelease(data: string): Facts | undefined {
  const lower = data.toLowerCase();
  if (!lower.includes('suse')) return undefined;
  const out: Facts = {};
  for (const line of data.split('\n')) {
    const d = /^NAME=(.*)/.exec(line);
    if (d) out.distribution = d[1].replace(/^"+|"+$/g, '');
    const v = /^VERSION_ID="?([0-9]+\.?[0-9]*)"?/.exec(line);
    if (v) {
      out.distribution_version = v[1];
      out.distribution_major_version = v[1].split('.')[0];
    }
    if (lower.includes('open')) {
      const r = /^VERSION_ID="?[0-9]+\.?([0-9]*)"?/.exec(line);
      if (r) out.distribution_release = r[1];
    } else if (lower.includes('enterprise') && line.includes('VERSION_ID')) {
      const r = /^VERSION_ID="?[0-9]+\.?([0-9]*)"?/.exec(line);
      out.distribution_release = r?.[1] || '0';
    }
  }
  return out;
}

function parseDebian(data: string, path: string, ctx: ParseContext): Facts | undefined {
  const versionFields = (re: RegExp, major: (v: string) => string): Facts => {
    const v = re.exec(data);
    return v ? { distribution_version: v[1], distribution_major_version: major(v[1]) } : {};
  };
  if (data.includes('Debian') || data.includes('Raspbian')) {
    const out: Facts = { distribution: 'Debian' };
    const r = /PRETTY_NAME=[^(]+ \(?([^)]+?)\)/.exec(data);
    if (r) out.distribution_release = r[1];
    for (const line of (ctx.debianVersion ?? '').split('\n')) {
      const m = /(\d+)\.(\d+)/.exec(line.trim());
      if (m) out.distribution_minor_version = m[2];
    }
    return out;
  }
  if (data.includes('Ubuntu')) return { distribution: 'Ubuntu' };
  if (data.includes('SteamOS')) return { distribution: 'SteamOS' };
  if ((path === '/etc/lsb-release' || path === '/etc/os-release') && (data.includes('Kali') || data.includes('Parrot'))) {
    const r = /DISTRIB_RELEASE=(.*)/.exec(data);
    return { distribution: data.includes('Kali') ? 'Kali' : 'Parrot', ...(r ? { distribution_release: r[1] } : {}) };
  }
  if (data.includes('Devuan')) {
    const r = /PRETTY_NAME="?[^("]+ \(?([^) "]+)\)?/.exec(data);
    return { distribution: 'Devuan', ...(r ? { distribution_release: r[1] } : {}), ...versionFields(/VERSION_ID="(.*)"/, (v) => v) };
  }
  if (data.includes('Cumulus')) {
    const r = /VERSION="(.*)"/.exec(data);
    return { distribution: 'Cumulus Linux', ...versionFields(/VERSION_ID=(.*)/, (v) => v.split('.')[0]), ...(r ? { distribution_release: r[1] } : {}) };
  }
  if (data.includes('Mint')) return { distribution: 'Linux Mint', ...versionFields(/VERSION_ID="(.*)"/, (v) => v.split('.')[0]) };
  for (const [marker, name] of [[/UOS|Uos|uos/, 'Uos'], [/Deepin|deepin/, 'Deepin']] as const) {
    if (marker.test(data)) {
      const r = /VERSION_CODENAME="?([^"\n]+)"?/.exec(data);
      return { distribution: name, ...(r ? { distribution_release: r[1] } : {}), ...versionFields(/VERSION_ID="(.*)"/, (v) => v.split('.')[0]) };
    }
  }
  return undefined;
}

function capitalize(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1).toLowerCase() : '';
}

function reverse(s: string): string {
  return [...s].reverse().join('');
}

function dots(s: string): number {
  return s.split('.').length - 1;
}

function stripChars(s: string, chars: string): string {
  let a = 0;
  let b = s.length;
  const isStrip = (c: string) => chars.includes(c) || /\s/.test(c);
  while (a < b && isStrip(s[a])) a++;
  while (b > a && isStrip(s[b - 1])) b--;
  return s.slice(a, b);
}
