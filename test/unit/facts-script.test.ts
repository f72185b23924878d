// The gathering script itself, run on this machine with the shells it meets on targets (dash is
// Debian's /bin/sh; bash --posix is RHEL's), and with a PATH that has only the basic tools (no ip,
// grep, getent, nproc), as on minimal images: the facts must come out the same.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFacts } from '../../src/facts/parse.js';
import { factsScript } from '../../src/facts/script.js';
import { COLLECTORS, resolveSubset } from '../../src/facts/subset.js';
import type { Vars } from '../../src/vars/types.js';

const ALL = new Set(COLLECTORS);
const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

function gatherWith(shell: string[], env: NodeJS.ProcessEnv = process.env, collectors = ALL): Vars {
  const out = execFileSync(shell[0], [...shell.slice(1), '-s'], { input: factsScript(collectors), encoding: 'utf8', env });
  return parseFacts(out, collectors);
}

const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { encoding: 'utf8' }).trim();

describe.skipIf(!has('dash') || !has('ip'))('the gathering script on this machine', () => {
  let full: Vars;
  let bare: string;
  beforeAll(() => {
    full = gatherWith(['dash']);
    // only what every system has: no ip, grep, getent, nproc, awk, sed
    bare = mkdtempSync(join(tmpdir(), 'tsplay-facts-bin-'));
    for (const tool of ['cat', 'uname', 'id', 'date', 'getconf', 'readlink', 'env', 'ls']) symlinkSync(sh(`command -v ${tool}`), join(bare, tool));
  });
  afterAll(() => rmSync(bare, { recursive: true, force: true }));

  it('under dash, reports what the machine says', () => {
    const [id, codename] = sh('. /etc/os-release; echo "$ID|$VERSION_CODENAME"').split('|');
    expect(String(full.ansible_distribution).toLowerCase()).toBe(id);
    expect(full.ansible_distribution_release).toBe(codename);
    expect(full.ansible_kernel).toBe(sh('uname -r'));
    expect(full.ansible_architecture).toBe(sh('uname -m'));
    expect(full.ansible_nodename).toBe(sh('uname -n'));
    expect(full.ansible_user_id).toBe(sh('id -un'));
    expect(full.ansible_processor_nproc).toBe(Number(sh('nproc')));
    expect(full.ansible_memtotal_mb).toBe(Math.floor(Number(sh("sed -n 's/^MemTotal: *\\([0-9]*\\) kB/\\1/p' /proc/meminfo")) / 1024));
    expect((full.ansible_env as Vars).PATH).toBe(process.env.PATH);
    expect(full.ansible_all_ipv4_addresses).toEqual(
      sh("ip -o -4 addr show | sed 's/.* inet \\([0-9.]*\\).*/\\1/'").split('\n').filter((a) => a && !a.startsWith('127.')),
    );
  });

  it.skipIf(!has('bash'))('bash in POSIX mode (RHEL\'s sh) gives the same facts', () => {
    const viaBash = gatherWith(['bash', '--posix']);
    for (const f of ['ansible_distribution_version', 'ansible_default_ipv4', 'ansible_processor_vcpus', 'ansible_user_gecos', 'ansible_pkg_mgr', 'ansible_service_mgr', 'tsplay_cgroup_version']) {
      expect(viaBash[f], f).toEqual(full[f]);
    }
  });

  it('with only basic tools on the PATH (no ip, grep, getent, nproc), the fallbacks find the same facts', () => {
    expect(() => execFileSync(join(bare, 'env'), ['PATH=' + bare, '/bin/dash', '-c', 'command -v ip || command -v grep'], { stdio: 'pipe' })).toThrow();
    const minimal = gatherWith(['/bin/dash'], { PATH: bare, HOME: '/root' });
    const pick = (v: Vars, keys: string[]) => Object.fromEntries(keys.map((k) => [k, (v as Record<string, unknown>)[k]]));
    const route = ['address', 'interface', 'gateway', 'prefix', 'network', 'netmask'];
    expect(pick(minimal.ansible_default_ipv4 as Vars, route)).toEqual(pick(full.ansible_default_ipv4 as Vars, route));
    expect(minimal.ansible_all_ipv4_addresses).toEqual(full.ansible_all_ipv4_addresses);
    expect([...(minimal.ansible_all_ipv6_addresses as string[])].sort()).toEqual([...(full.ansible_all_ipv6_addresses as string[])].sort());
    expect([...(minimal.ansible_interfaces as string[])].sort()).toEqual([...(full.ansible_interfaces as string[])].sort());
    for (const f of ['ansible_processor_vcpus', 'ansible_processor_count', 'ansible_processor_nproc', 'ansible_user_dir', 'ansible_user_shell', 'ansible_distribution', 'ansible_hostname', 'ansible_memtotal_mb']) {
      expect(minimal[f], f).toEqual(full[f]);
    }
  });

  it('gather_subset min sends a smaller script and gathers no hardware or network facts', () => {
    const min = resolveSubset(['min']);
    expect(factsScript(min).length).toBeLessThan(factsScript(ALL).length);
    const facts = gatherWith(['dash'], process.env, min);
    expect(facts.ansible_os_family).toBe(full.ansible_os_family);
    expect(facts).not.toHaveProperty('ansible_memtotal_mb');
    expect(facts).not.toHaveProperty('ansible_default_ipv4');
  });
});
