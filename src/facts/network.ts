/**
 * Interfaces and addresses: from `ip -o` output when the host has iproute2 (or busybox ip), else
 * from /proc/net/route, /proc/net/fib_trie, /proc/net/if_inet6 and /sys/class/net. Produces
 * Ansible's ansible_interfaces, ansible_<iface>, ansible_default_ipv4/ipv6 and
 * ansible_all_ipv4/ipv6_addresses (loopback addresses left out, as Ansible does).
 */
import type { Vars } from '../vars/types.js';
import { fileSection, type RawFacts } from './raw.js';

interface Ipv4 {
  address: string;
  broadcast?: string;
  netmask: string;
  network: string;
  prefix: string;
  /** the address's label (eth0, eth0:1) */
  label?: string;
}

interface Ipv6 {
  address: string;
  prefix: string;
  scope: string;
}

interface Iface {
  device: string;
  active?: boolean;
  promisc?: boolean;
  mtu?: number;
  macaddress?: string;
  type?: string;
  ipv4: Ipv4[];
  ipv6: Ipv6[];
}

interface DefaultRoute {
  interface: string;
  gateway?: string;
  src?: string;
  metric: number;
}

export function networkFacts(raw: RawFacts): Vars {
  const s = raw.sections;
  const viaIp = s.ip_link !== undefined || s.ip_addr4 !== undefined;
  const ifaces = viaIp ? fromIp(s.ip_link ?? '', s.ip_addr4 ?? '', s.ip_addr6 ?? '') : fromProc(raw);
  const route4 = viaIp ? bestRoute(parseIpRoutes(s.ip_route4 ?? '')) : bestRoute(procDefaultRoutes(fileSection(raw, '/proc/net/route')));
  const route6 = viaIp ? bestRoute(parseIpRoutes(s.ip_route6 ?? '')) : undefined;

  const out: Vars = { interfaces: [...ifaces.keys()] };
  for (const i of ifaces.values()) out[i.device.replace(/[-:.]/g, '_')] = ifaceFact(i);
  out.all_ipv4_addresses = [...ifaces.values()].flatMap((i) => i.ipv4.map((a) => a.address)).filter((a) => !a.startsWith('127.'));
  out.all_ipv6_addresses = [...ifaces.values()].flatMap((i) => i.ipv6.map((a) => a.address)).filter((a) => a !== '::1');
  out.default_ipv4 = route4 ? defaultIpv4(route4, ifaces.get(route4.interface)) : {};
  out.default_ipv6 = route6 ? defaultIpv6(route6, ifaces.get(route6.interface)) : {};
  return out;
}

function ifaceFact(i: Iface): Vars {
  const fact: Vars = { device: i.device, active: i.active ?? false };
  if (i.promisc !== undefined) fact.promisc = i.promisc;
  if (i.type) fact.type = i.type;
  if (i.mtu !== undefined) fact.mtu = i.mtu;
  if (i.macaddress) fact.macaddress = i.macaddress;
  const [primary, ...secondaries] = i.ipv4;
  if (primary) fact.ipv4 = ipv4Fact(primary);
  if (secondaries.length) fact.ipv4_secondaries = secondaries.map(ipv4Fact);
  if (i.ipv6.length) fact.ipv6 = i.ipv6.map((a) => ({ ...a }));
  return fact;
}

function ipv4Fact(a: Ipv4): Vars {
  return { address: a.address, ...(a.broadcast !== undefined ? { broadcast: a.broadcast } : {}), netmask: a.netmask, network: a.network, prefix: a.prefix };
}

function defaultIpv4(r: DefaultRoute, iface: Iface | undefined): Vars {
  const addr = iface?.ipv4.find((a) => a.address === r.src) ?? iface?.ipv4[0];
  const out: Vars = { interface: r.interface };
  if (r.gateway) out.gateway = r.gateway;
  if (addr) Object.assign(out, ipv4Fact(addr), { alias: addr.label ?? r.interface });
  else if (r.src) out.address = r.src;
  if (iface?.macaddress) out.macaddress = iface.macaddress;
  if (iface?.mtu !== undefined) out.mtu = iface.mtu;
  if (iface?.type) out.type = iface.type;
  return out;
}

function defaultIpv6(r: DefaultRoute, iface: Iface | undefined): Vars {
  const addr = iface?.ipv6.find((a) => a.scope === 'global') ?? iface?.ipv6[0];
  const out: Vars = { interface: r.interface };
  if (r.gateway) out.gateway = r.gateway;
  if (addr) Object.assign(out, addr);
  if (iface?.macaddress) out.macaddress = iface.macaddress;
  if (iface?.mtu !== undefined) out.mtu = iface.mtu;
  if (iface?.type) out.type = iface.type;
  return out;
}

function bestRoute(routes: DefaultRoute[]): DefaultRoute | undefined {
  return [...routes].sort((a, b) => a.metric - b.metric)[0];
}

// ---- ip -o output ----

function fromIp(link: string, addr4: string, addr6: string): Map<string, Iface> {
  const ifaces = new Map<string, Iface>();
  const get = (device: string) => {
    let i = ifaces.get(device);
    if (!i) {
      i = { device, ipv4: [], ipv6: [] };
      ifaces.set(device, i);
    }
    return i;
  };
  for (const line of link.split('\n')) {
    const m = /^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>(.*)$/.exec(line);
    if (!m) continue;
    const i = get(m[1]);
    const flags = m[2].split(',');
    i.active = flags.includes('UP');
    i.promisc = flags.includes('PROMISC');
    const mtu = /\bmtu (\d+)/.exec(m[3]);
    if (mtu) i.mtu = Number(mtu[1]);
    const l = /link\/(\S+)(?: (\S+))?/.exec(m[3]);
    if (l) {
      i.type = l[1] === 'ether' || l[1] === 'loopback' ? l[1] : 'unknown';
      if (l[2] && /^[0-9a-f]{2}(:[0-9a-f]{2})+$/i.test(l[2]) && l[1] !== 'loopback') i.macaddress = l[2];
    }
  }
  for (const line of addr4.split('\n')) {
    const m = /^\d+:\s+([^:@\s]+)\s+inet\s+([\d.]+)(?:\/(\d+))?(.*)$/.exec(line);
    if (!m) continue;
    const rest = m[4].split('\\')[0].trim().split(/\s+/);
    const brd = rest.indexOf('brd');
    const prefix = Number(m[3] ?? 32);
    get(m[1]).ipv4.push({
      address: m[2],
      // Ansible reports an empty broadcast for addresses without one (loopback)
      broadcast: brd >= 0 ? rest[brd + 1] : '',
      ...ipv4Net(m[2], prefix),
      label: rest[rest.length - 1] && rest.includes('scope') ? rest[rest.length - 1] : m[1],
    });
  }
  for (const line of addr6.split('\n')) {
    const m = /^\d+:\s+([^:@\s]+)\s+inet6\s+([0-9a-f:]+)(?:\/(\d+))?.*?\bscope\s+(\S+)/i.exec(line);
    if (m) get(m[1]).ipv6.push({ address: m[2], prefix: m[3] ?? '128', scope: m[4] });
  }
  return ifaces;
}

function parseIpRoutes(text: string): DefaultRoute[] {
  const routes: DefaultRoute[] = [];
  for (const line of text.split('\n')) {
    const w = line.trim().split(/\s+/);
    if (w[0] !== 'default') continue;
    const at = (k: string) => (w.indexOf(k) >= 0 ? w[w.indexOf(k) + 1] : undefined);
    const dev = at('dev');
    if (!dev) continue;
    routes.push({ interface: dev, gateway: at('via'), src: at('src'), metric: Number(at('metric') ?? 0) });
  }
  return routes;
}

// ---- /proc fallbacks (no ip command) ----

function fromProc(raw: RawFacts): Map<string, Iface> {
  const ifaces = new Map<string, Iface>();
  for (const name of (raw.sections.sys_net ?? '').split(/\s+/).filter(Boolean)) ifaces.set(name, { device: name, ipv4: [], ipv6: [] });
  const routes = procRoutes(fileSection(raw, '/proc/net/route'));
  const seen = new Set<string>();
  for (const address of fibTrieLocalAddresses(fileSection(raw, '/proc/net/fib_trie'))) {
    if (seen.has(address)) continue;
    seen.add(address);
    const n = ipToInt(address);
    // the most specific route to the address names its interface and prefix
    const r = routes.filter((x) => x.mask !== 0 && ((n & x.mask) >>> 0) === x.dest).sort((a, b) => b.prefix - a.prefix)[0];
    const device = r?.iface ?? (address.startsWith('127.') ? 'lo' : undefined);
    if (!device) continue;
    const i = ifaces.get(device) ?? { device, ipv4: [], ipv6: [] };
    ifaces.set(device, i);
    const prefix = r?.prefix ?? 8;
    i.ipv4.push({ address, ...ipv4Net(address, prefix), label: device });
  }
  for (const line of (fileSection(raw, '/proc/net/if_inet6') ?? '').split('\n')) {
    const w = line.trim().split(/\s+/);
    if (w.length < 6 || !/^[0-9a-f]{32}$/i.test(w[0])) continue;
    const i = ifaces.get(w[5]) ?? { device: w[5], ipv4: [], ipv6: [] };
    ifaces.set(w[5], i);
    const scope = ({ '00': 'global', '10': 'host', '20': 'link', '40': 'site' } as Record<string, string>)[w[3]] ?? w[3];
    i.ipv6.push({ address: compressIpv6(w[0]), prefix: String(parseInt(w[2], 16)), scope });
  }
  for (const i of ifaces.values()) {
    if (i.device === 'lo') i.type = 'loopback';
    // without ip there is no flag to read: an interface with an address counts as up
    i.active = i.ipv4.length > 0 || i.ipv6.length > 0;
  }
  return ifaces;
}

interface ProcRoute {
  iface: string;
  dest: number;
  gateway: number;
  mask: number;
  prefix: number;
  metric: number;
}

function procRoutes(text: string | undefined): ProcRoute[] {
  const out: ProcRoute[] = [];
  for (const line of (text ?? '').split('\n').slice(1)) {
    const w = line.trim().split(/\s+/);
    if (w.length < 8) continue;
    const mask = hexLeToInt(w[7]);
    out.push({ iface: w[0], dest: hexLeToInt(w[1]), gateway: hexLeToInt(w[2]), mask, prefix: bits(mask), metric: Number(w[6]) });
  }
  return out;
}

function procDefaultRoutes(text: string | undefined): DefaultRoute[] {
  return procRoutes(text)
    .filter((r) => r.dest === 0 && r.mask === 0)
    .map((r) => ({ interface: r.iface, metric: r.metric, ...(r.gateway ? { gateway: intToIp(r.gateway) } : {}) }));
}

/** Addresses of this host: `|-- A` entries followed by `/32 host LOCAL` (skipping 0.0.0.0 / network entries). */
function fibTrieLocalAddresses(text: string | undefined): string[] {
  const out: string[] = [];
  const lines = (text ?? '').split('\n');
  for (let k = 0; k < lines.length - 1; k++) {
    const a = /\|--\s+([\d.]+)\s*$/.exec(lines[k]);
    if (a && /\/32 host LOCAL/.test(lines[k + 1])) out.push(a[1]);
  }
  return out;
}

// ---- address arithmetic ----

function ipv4Net(address: string, prefix: number): { netmask: string; network: string; prefix: string } {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { netmask: intToIp(mask), network: intToIp((ipToInt(address) & mask) >>> 0), prefix: String(prefix) };
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, o) => ((n << 8) | Number(o)) >>> 0, 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** /proc/net/route writes addresses as little-endian hex */
function hexLeToInt(hex: string): number {
  const n = parseInt(hex, 16) >>> 0;
  return (((n & 0xff) << 24) | (((n >>> 8) & 0xff) << 16) | (((n >>> 16) & 0xff) << 8) | ((n >>> 24) & 0xff)) >>> 0;
}

function bits(mask: number): number {
  let c = 0;
  for (let m = mask; m; m = (m << 1) >>> 0) c++;
  return c;
}

/** 32 hex digits -> RFC 5952 text (the longest run of zero groups becomes ::). */
export function compressIpv6(hex: string): string {
  const groups = (hex.toLowerCase().match(/.{4}/g) ?? []).map((g) => g.replace(/^0+(?=.)/, ''));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}
