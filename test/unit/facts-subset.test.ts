// gather_subset and filter as Ansible's setup module reads them, and the small parsers under the
// facts: shell-style key=value files, the script's sections, IPv6 text, getfqdn from /etc/hosts.
import { describe, expect, it } from 'vitest';
import { parseKeyValues } from '../../src/facts/key-values.js';
import { compressIpv6 } from '../../src/facts/network.js';
import { splitSections } from '../../src/facts/raw.js';
import { COLLECTORS, filterFacts, MIN_SUBSET, resolveSubset, SubsetError } from '../../src/facts/subset.js';
import { fqdnFromHosts } from '../../src/facts/system.js';

const sorted = (s: Set<string>) => [...s].sort();
const minimal = [...MIN_SUBSET].sort();
const allBut = (...out: string[]) => COLLECTORS.filter((c) => !out.includes(c)).sort();

describe('gather_subset', () => {
  const CASES: [string[] | undefined, string[]][] = [
    [undefined, [...COLLECTORS].sort()],
    [['all'], [...COLLECTORS].sort()],
    [['min'], minimal],
    [['!all'], minimal],
    // as Ansible's get_collector_names: exclusions alone leave the minimal set, not "all but"
    [['!hardware'], minimal],
    [['all', '!hardware'], allBut('hardware')],
    [['!all', '!min'], []],
    [['!all', 'network'], [...minimal, 'network'].sort()],
    [['network'], [...minimal, 'network'].sort()],
    // an explicitly named subset survives its group's exclusion; `devices` is part of hardware
    [['!all', '!min', 'hardware'], ['hardware']],
    [['all', '!devices'], allBut('hardware')],
    [['all', '!nonsense'], [...COLLECTORS].sort()],
    // names Ansible knows that tsplay gathers nothing for are accepted
    [['min', 'local', 'python'], minimal],
  ];
  it.each(CASES)('%j', (spec, expected) => {
    expect(sorted(resolveSubset(spec))).toEqual(expected);
  });

  it('an unknown subset is an error with Ansible\'s message', () => {
    expect(() => resolveSubset(['hardwre'])).toThrow(SubsetError);
    expect(() => resolveSubset(['hardwre'])).toThrow(/Bad subset 'hardwre' given to Ansible. gather_subset options allowed: all, .*hardware/);
  });
});

describe('filter (fnmatch on prefixed names, short hand without ansible_)', () => {
  const facts = { ansible_hostname: 'h', ansible_os_family: 'Debian', ansible_distribution: 'Debian', ansible_distribution_version: '12', tsplay_cgroup_version: 2, gather_subset: ['all'] };
  const CASES: [string[], string[]][] = [
    [[], Object.keys(facts)],
    [['*'], Object.keys(facts)],
    [['ansible_hostname'], ['ansible_hostname']],
    [['hostname'], ['ansible_hostname']],
    [['ansible_distribution*'], ['ansible_distribution', 'ansible_distribution_version']],
    [['distribution', 'os_*'], ['ansible_distribution', 'ansible_os_family']],
    [['tsplay_*'], ['tsplay_cgroup_version']],
    [['ansible_nothing'], []],
  ];
  it.each(CASES)('%j', (filter, expected) => {
    expect(Object.keys(filterFacts(facts, filter)).sort()).toEqual(expected.sort());
  });
});

describe('shell-style key=value files', () => {
  it('reads quoting as the shell does', () => {
    expect(parseKeyValues(`# comment
NAME="Debian GNU/Linux"
ID=debian
EMPTY=""
SINGLE='it''s'
ESCAPED="a \\"b\\" \\$c"
BARE=value # trailing comment
export EXPORTED=1
  INDENTED=yes
not a line
`)).toEqual({ NAME: 'Debian GNU/Linux', ID: 'debian', EMPTY: '', SINGLE: 'its', ESCAPED: 'a "b" $c', BARE: 'value', EXPORTED: '1', INDENTED: 'yes' });
  });
});

describe('the script\'s sections', () => {
  it('repeated kv sections merge; files keep their text; the environment keeps any text', () => {
    const out = [
      '@@tsplay@@ kv', 'a=1', 'b=x=y',
      '@@tsplay@@ file /etc/x', 'line 1', 'line 2', '',
      '@@tsplay@@ kv', 'a=2',
      '@@tsplay@@ env0', 'A=1\0B=two\nlines\n@@tsplay@@ kv\nc=3\0C=3\0',
    ].join('\n');
    const raw = splitSections(out);
    expect(raw.kv).toEqual({ a: '2', b: 'x=y' });
    expect(raw.sections['file /etc/x']).toBe('line 1\nline 2');
    expect(raw.sections.env0).toBe('A=1\0B=two\nlines\n@@tsplay@@ kv\nc=3\0C=3\0');
  });
});

describe('IPv6 text from /proc/net/if_inet6', () => {
  const CASES: [string, string][] = [
    ['00000000000000000000000000000001', '::1'],
    ['fe800000000000000858aafffe580005', 'fe80::858:aaff:fe58:5'],
    ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
    ['20010db8000100000000000000000000', '2001:db8:1::'],
    ['20010db8000100020003000400050006', '2001:db8:1:2:3:4:5:6'],
    ['20010db8000000010000000100000001', '2001:db8:0:1:0:1:0:1'],
  ];
  it.each(CASES)('%s -> %s', (hex, text) => expect(compressIpv6(hex)).toBe(text));
});

describe('ansible_fqdn from /etc/hosts (Python\'s getfqdn without DNS)', () => {
  const CASES: [string, string, string][] = [
    ['web1', '127.0.0.1 localhost\n127.0.1.1 web1.example.com web1\n', 'web1.example.com'],
    ['lab1', '127.0.0.1 localhost\n127.0.51.1 lab1\n', 'lab1'],
    // the first line for the host's address names it (as the resolver answers for that address)
    ['vm', '127.0.0.1 localhost\n127.0.0.1 vm\n', 'localhost'],
    ['node', '# node\n10.0.0.1 other\n', 'node'],
    ['db', '10.0.0.5 db db.internal # primary\n', 'db.internal'],
  ];
  it.each(CASES)('%s', (node, hosts, fqdn) => expect(fqdnFromHosts(node, hosts)).toBe(fqdn));
});
