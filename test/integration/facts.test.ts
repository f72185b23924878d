// ACCEPTANCE for facts: each lab host's gathered facts, over real SSH, checked against what the
// host itself says (/etc/os-release, hostname, nproc, /proc/meminfo, uname, id, its init and its
// cgroup mount), as root and as the `deploy` user (with and without become); and, where
// ansible-core is installed, against Ansible's own setup module run on the same host.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionSettings } from '../../src/connection/ssh-settings.js';
import type { Connection } from '../../src/connection/types.js';
import { SshConnection } from '../../src/connection/ssh.js';
import { executeModule } from '../../src/modules/execute.js';
import { makeModuleContext } from '../../src/exec/module-context.js';
import setup, { gatherFactsModule } from '../../src/modules/setup.js';
import type { ModuleResult } from '../../src/modules/types.js';
import type { Vars } from '../../src/vars/types.js';
import { labDeployUser, labUnavailableReason } from '../lab/lab.js';
import { runModule } from '../modules/harness.js';
import { startModuleLab, type ModuleLab } from '../lab/module-kit.js';

const unavailable = labUnavailableReason();
const hasAnsible = await promisify(execFile)('ansible', ['--version']).then(() => true, () => false);
const HOSTS = ['lab1', 'lab2', 'lab3'];

let kit: ModuleLab;
let home: string;
const deployConns: SshConnection[] = [];

const factsOf = (r: ModuleResult): Vars => {
  expect(r.failed, String(r.msg)).toBeFalsy();
  expect(r.changed).toBe(false);
  return r.ansible_facts as Vars;
};

/** Runs setup over SSH as `deploy`, optionally with sudo (password) to root, like a task with become. */
async function setupAsDeploy(host: string, become: boolean): Promise<Vars> {
  const settings: ConnectionSettings = {
    paths: { home, configFiles: [], userKnownHostsFiles: [kit.lab.knownHostsPath], globalKnownHostsFiles: [] },
    env: {},
    localUser: 'root',
    hostKeyChecking: 'strict',
  };
  const conn = new SshConnection(host, { ...kit.hostVars(host), ansible_user: labDeployUser.name }, settings);
  deployConns.push(conn);
  await conn.connect();
  const ctx = makeModuleContext({
    conn, host, check: false, diff: false, vars: {},
    ...(become ? { become: { method: 'sudo' as const, user: 'root', password: labDeployUser.password } } : {}),
  });
  return factsOf(await executeModule(setup, ctx, setup.args.parse({})));
}

describe.skipIf(unavailable)(`facts on lab hosts over SSH${unavailable ? ` (${unavailable})` : ''}`, () => {
  beforeAll(async () => {
    kit = await startModuleLab(HOSTS.length, { subnet: 51, init: 'auto' });
    home = mkdtempSync(join(tmpdir(), 'tsplay-facts-home-'));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(deployConns.map((c) => c.close().catch(() => undefined)));
    await kit?.down();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it.each(HOSTS)('%s: the facts agree with the host itself', async (host) => {
    const f = factsOf(await kit.run(host, setup, {}));
    const sh = async (cmd: string) => (await kit.sh(host, cmd)).trim();
    const [id, versionId, codename] = (await sh('. /etc/os-release; echo "$ID|$VERSION_ID|$VERSION_CODENAME"')).split('|');

    expect(String(f.ansible_distribution).toLowerCase()).toBe(id);
    expect(f.ansible_os_family).toBe('Debian');
    expect(f.ansible_distribution_major_version).toBe(versionId);
    expect(f.ansible_distribution_version).toBe(await sh('cat /etc/debian_version'));
    expect(f.ansible_distribution_release).toBe(codename);
    expect(f.ansible_hostname).toBe(host);
    expect(f.ansible_nodename).toBe(await sh('hostname'));
    expect(f.ansible_fqdn).toBe(host); // /etc/hosts has `127.0.51.N labN`
    expect(f.ansible_processor_nproc).toBe(Number(await sh('nproc')));
    expect(f.ansible_processor_vcpus).toBe(Number(await sh('grep -c ^processor /proc/cpuinfo')));
    expect(f.ansible_memtotal_mb).toBe(Math.floor(Number(await sh("awk '/^MemTotal:/ {print $2}' /proc/meminfo")) / 1024));
    expect(f.ansible_swaptotal_mb).toBe(Math.floor(Number(await sh("awk '/^SwapTotal:/ {print $2}' /proc/meminfo")) / 1024));
    expect(f.ansible_kernel).toBe(await sh('uname -r'));
    expect(f.ansible_kernel_version).toBe(await sh('uname -v'));
    expect(f.ansible_architecture).toBe(await sh('uname -m'));
    expect(f.ansible_user_id).toBe('root');
    expect(f.ansible_user_uid).toBe(0);
    expect(f.ansible_service_mgr).toBe(kit.lab.init === 'systemd' ? 'systemd' : 'sysvinit');
    expect(f.ansible_pkg_mgr).toBe('apt');
    expect(f.tsplay_cgroup_version).toBe((await sh('stat -f -c %T /sys/fs/cgroup')) === 'cgroup2fs' ? 2 : 1);
    expect(f.ansible_selinux).toEqual({ status: 'disabled' });
    const route = (await sh('ip -4 route show default')).split(/\s+/);
    expect(f.ansible_default_ipv4).toMatchObject({ interface: route[route.indexOf('dev') + 1], gateway: route[route.indexOf('via') + 1] });
    const env = f.ansible_env as Record<string, string>;
    expect(env.HOME).toBe('/root');
    expect(env.SSH_CONNECTION).toContain(kit.lab.host(host).address);
  });

  it('a host\'s facts are its own: hostname and the address it was reached on', async () => {
    const [a, b] = await Promise.all(['lab1', 'lab2'].map(async (h) => factsOf(await kit.run(h, setup, { gather_subset: ['min'] }))));
    expect([a.ansible_hostname, b.ansible_hostname]).toEqual(['lab1', 'lab2']);
    expect([a.ansible_env, b.ansible_env].map((e) => (e as Record<string, string>).SSH_CONNECTION.split(' ')[2])).toEqual(['lab1', 'lab2'].map((h) => kit.lab.host(h).address));
    // Ansible's order: D-Bus's copy first (on this machine's lower layer a file of its own), then /etc/machine-id
    expect(a.ansible_machine_id).toBe((await kit.sh('lab1', 'cat /var/lib/dbus/machine-id 2>/dev/null || cat /etc/machine-id')).trim());
  });

  it('as the deploy user: its own identity; with become, root\'s', async () => {
    const uid = Number((await kit.sh('lab3', `id -u ${labDeployUser.name}`)).trim());
    const plain = await setupAsDeploy('lab3', false);
    expect(plain).toMatchObject({ ansible_user_id: 'deploy', ansible_user_uid: uid, ansible_user_dir: '/home/deploy', ansible_os_family: 'Debian' });
    expect((plain.ansible_env as Record<string, string>).USER).toBe('deploy');
    const become = await setupAsDeploy('lab3', true);
    expect(become).toMatchObject({ ansible_user_id: 'root', ansible_user_uid: 0, ansible_hostname: 'lab3' });
  });

  it('filter and gather_subset: only the asked facts; min gathers no hardware or network', async () => {
    const filtered = factsOf(await kit.run('lab1', setup, { filter: ['ansible_distribution*', 'hostname'] }));
    expect(Object.keys(filtered).sort()).toEqual([
      'ansible_distribution', 'ansible_distribution_file_parsed', 'ansible_distribution_file_path', 'ansible_distribution_file_variety',
      'ansible_distribution_major_version', 'ansible_distribution_minor_version', 'ansible_distribution_release', 'ansible_distribution_version',
      'ansible_hostname',
    ]);
    const min = factsOf(await kit.run('lab1', setup, { gather_subset: 'min' }));
    expect(min).toMatchObject({ ansible_hostname: 'lab1', ansible_pkg_mgr: 'apt', gather_subset: ['min'], module_setup: true });
    expect(min).not.toHaveProperty('ansible_memtotal_mb');
    expect(min).not.toHaveProperty('ansible_default_ipv4');
    const asAction = factsOf(await kit.run('lab1', gatherFactsModule, { parallel: true, gather_subset: ['!all'] }));
    expect(asAction).toMatchObject({ ansible_hostname: 'lab1', gather_subset: ['!all'] });
    const bad = await kit.run('lab1', setup, { gather_subset: ['hardwre'] });
    expect(bad).toMatchObject({ failed: true, msg: expect.stringContaining("Bad subset 'hardwre'") });
  });

  it('check mode gathers too and writes nothing on the host', async () => {
    const mark = await kit.mark('lab2');
    const r = await kit.run('lab2', setup, {}, { check: true });
    expect(factsOf(r).ansible_hostname).toBe('lab2');
    expect(await kit.changedSince('lab2', mark)).toEqual([]);
  });

  it('one round trip: the script travels on stdin, nothing is copied to the host (timings: npm run bench)', async () => {
    const conn = await kit.conn('lab1');
    const commands: string[] = [];
    const counting: Connection = {
      host: conn.host,
      connect: () => conn.connect(),
      exec: (cmd, o) => {
        commands.push(cmd);
        return conn.exec(cmd, o);
      },
      put: (c, d) => conn.put(c, d),
      get: (p) => conn.get(p),
      close: async () => {},
    };
    factsOf(await runModule(setup, {}, { conn: counting, vars: kit.hostVars('lab1') }));
    // the script travels on stdin: nothing is copied to the host
    expect(commands).toEqual(['sh -s']);
  });

  it.skipIf(!hasAnsible)('agrees with Ansible\'s own setup module on lab2: names, distribution, kernel, CPUs, memory, user, package manager, addresses, DNS, kernel command line', async () => {
    const ansHome = mkdtempSync(join(tmpdir(), 'tsplay-facts-ansible-'));
    try {
      const { stdout, stderr } = await promisify(execFile)('ansible', [
        'lab2', '-i', kit.lab.inventoryPath, '-m', 'setup', '-o',
        `--ssh-common-args=-o UserKnownHostsFile=${kit.lab.knownHostsPath} -o StrictHostKeyChecking=yes`,
      ], { env: { ...process.env, HOME: ansHome, ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3', ANSIBLE_LOCAL_TEMP: join(ansHome, 'tmp'), NO_COLOR: '1' }, maxBuffer: 32 * 1024 * 1024 });
      const line = stdout.split('\n').find((l) => l.startsWith('lab2 | SUCCESS => '));
      expect(line, stdout + stderr).toBeDefined();
      const theirs = (JSON.parse(line!.slice(line!.indexOf('{'))) as { ansible_facts: Vars }).ansible_facts;
      const ours = factsOf(await kit.run('lab2', setup, {}));
      const SAME = [
        'ansible_hostname', 'ansible_nodename', 'ansible_fqdn', 'ansible_domain', 'ansible_system', 'ansible_kernel', 'ansible_kernel_version',
        'ansible_architecture', 'ansible_machine', 'ansible_userspace_bits', 'ansible_machine_id',
        'ansible_distribution', 'ansible_distribution_version', 'ansible_distribution_major_version', 'ansible_distribution_minor_version',
        'ansible_distribution_release', 'ansible_distribution_file_path', 'ansible_distribution_file_variety', 'ansible_os_family',
        'ansible_memtotal_mb', 'ansible_swaptotal_mb', 'ansible_processor', 'ansible_processor_count', 'ansible_processor_cores',
        'ansible_processor_threads_per_core', 'ansible_processor_vcpus', 'ansible_processor_nproc',
        'ansible_user_id', 'ansible_user_uid', 'ansible_user_gid', 'ansible_user_dir', 'ansible_user_shell', 'ansible_user_gecos',
        'ansible_pkg_mgr', 'ansible_dns', 'ansible_cmdline', 'ansible_proc_cmdline', 'ansible_fips', 'ansible_apparmor',
        'ansible_default_ipv4', 'ansible_default_ipv6',
      ];
      for (const k of SAME) expect(ours[k], k).toEqual(theirs[k]);
      const sorted = (v: unknown) => [...(v as string[])].sort();
      expect(sorted(ours.ansible_all_ipv4_addresses)).toEqual(sorted(theirs.ansible_all_ipv4_addresses));
      expect(sorted(ours.ansible_all_ipv6_addresses)).toEqual(sorted(theirs.ansible_all_ipv6_addresses));
      expect(sorted(ours.ansible_interfaces)).toEqual(sorted(theirs.ansible_interfaces));
      expect((ours.ansible_date_time as Vars).tz).toBe((theirs.ansible_date_time as Vars).tz);
      // systemd running: both say systemd (without it Ansible still says systemd, see README)
      if (kit.lab.init === 'systemd') expect(ours.ansible_service_mgr).toBe(theirs.ansible_service_mgr);
    } finally {
      rmSync(ansHome, { recursive: true, force: true });
    }
  }, 60_000);
});
