/**
 * The gathering script's output -> Ansible's facts, prefixed as the setup module returns them
 * (`ansible_os_family`, ...). Pure: recorded outputs of any distribution can be fed to it.
 */
import type { Vars } from '../vars/types.js';
import { distributionFacts } from './distribution.js';
import { cpuFacts, loadavgFacts, memoryFacts, uptimeFacts } from './hardware.js';
import { networkFacts } from './network.js';
import { fileSection, splitSections } from './raw.js';
import type { Collector } from './subset.js';
import {
  apparmorFacts, cgroupFacts, cmdlineFacts, dateTimeFacts, dnsFacts, envFacts, fipsFacts, lsbFacts, pkgMgrFacts,
  platformFacts, selinuxFacts, serviceMgrFacts, userFacts,
} from './system.js';

/** Facts tsplay adds that Ansible does not have keep their own prefix. */
const OWN_PREFIX = 'tsplay_';

export function parseFacts(output: string, collectors: ReadonlySet<Collector>): Vars {
  const raw = splitSections(output);
  const has = (c: Collector) => collectors.has(c);
  const facts: Vars = {};
  // pkg_mgr needs the distribution, as Ansible's collector does
  const distro = has('distribution') || has('pkg_mgr') ? distributionFacts(raw) : {};
  if (has('platform')) Object.assign(facts, platformFacts(raw));
  if (has('distribution')) Object.assign(facts, distro);
  if (has('lsb')) Object.assign(facts, lsbFacts(raw));
  if (has('cmdline')) Object.assign(facts, cmdlineFacts(raw));
  if (has('date_time')) Object.assign(facts, dateTimeFacts(raw));
  if (has('dns')) Object.assign(facts, dnsFacts(raw));
  if (has('env')) Object.assign(facts, envFacts(raw));
  if (has('fips')) Object.assign(facts, fipsFacts(raw));
  if (has('apparmor')) Object.assign(facts, apparmorFacts(raw));
  if (has('selinux')) Object.assign(facts, selinuxFacts(raw));
  if (has('pkg_mgr')) Object.assign(facts, pkgMgrFacts(raw, distro));
  if (has('service_mgr')) Object.assign(facts, serviceMgrFacts(raw));
  if (has('user')) Object.assign(facts, userFacts(raw));
  if (has('cgroup')) Object.assign(facts, cgroupFacts(raw));
  if (has('loadavg')) Object.assign(facts, loadavgFacts(fileSection(raw, '/proc/loadavg')));
  if (has('hardware')) {
    Object.assign(facts, memoryFacts(fileSection(raw, '/proc/meminfo')));
    Object.assign(facts, uptimeFacts(fileSection(raw, '/proc/uptime')));
    Object.assign(facts, cpuFacts(raw.sections.cpuinfo, raw.kv.machine ?? '', raw.kv.nproc, raw.kv.xen === '1'));
  }
  if (has('network')) Object.assign(facts, networkFacts(raw));
  return prefixed(facts);
}

export function prefixed(facts: Vars): Vars {
  return Object.fromEntries(Object.entries(facts).map(([k, v]) => [k.startsWith(OWN_PREFIX) ? k : `ansible_${k}`, v]));
}

/** `ansible_facts` as playbooks see it: the prefix stripped, as Ansible does. */
export function unprefixed(facts: Vars): Vars {
  return Object.fromEntries(Object.entries(facts).map(([k, v]) => [k.startsWith('ansible_') ? k.slice('ansible_'.length) : k, v]));
}
