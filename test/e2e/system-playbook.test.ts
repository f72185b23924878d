// The system modules through the CLI, as a user runs them: a node-preparation playbook on lab
// hosts over real SSH. --check predicts exactly what the real run changes and writes nothing; the
// real run changes the hosts; the second run and a later --check change nothing. The apt
// repository is served on loopback from this process.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAptRepo, type AptRepo } from '../lab/apt-repo.js';
import { labUnavailableReason, startLab, type Lab } from '../lab/lab.js';
import { outcomes, recap, ROOT, tsplayAsync } from './cli.js';

const SUBNET = 63;
const HOSTS = ['lab1', 'lab2', 'lab3'];
const unavailable = labUnavailableReason();

let lab: Lab;
let repo: AptRepo;
let dir: string;
let home: string;

// async: the apt repository is served from this process and must answer while the CLI runs
const run = (...extra: string[]) =>
  tsplayAsync(['run', join(dir, 'site.yml'), '-i', join(dir, 'inventory.ini'), ...extra], { env: { HOME: home } });

const changedSet = (stdout: string) =>
  outcomes(stdout)
    .filter((o) => o.status === 'changed')
    .map((o) => `${o.host} | ${o.task}`)
    .sort();

const sh = async (host: string, cmd: string) => (await lab.exec(host, cmd)).stdout;

/** What the playbook touches on a host, read inside the host (not over SSH). */
const state = (host: string) =>
  sh(
    host,
    'hostname; cat /etc/hostname; grep -A4 "BEGIN tsplay nodes" /etc/hosts; grep swap /etc/fstab; ' +
      'cat /etc/modules-load.d/k8s.conf /etc/sysctl.d/k8s.conf 2>&1; readlink /etc/localtime; ' +
      'cat /etc/apt/sources.list.d/tsplay.list; dpkg-query -W -f="\\${Package} \\${Version}\\n" tsplay-demo 2>/dev/null; getent group kube; getent passwd kube; echo end',
  );

describe.skipIf(unavailable)(`a node-preparation playbook on ${HOSTS.length} lab hosts${unavailable ? ` (${unavailable})` : ''}`, () => {
  beforeAll(async () => {
    lab = await startLab(HOSTS.length, { subnet: SUBNET, init: 'plain' });
    repo = await startAptRepo();
    dir = mkdtempSync(join(tmpdir(), 'tsplay-syspb-'));
    home = join(dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    cpSync(lab.knownHostsPath, join(home, '.ssh', 'known_hosts'));
    cpSync(join(ROOT, 'test/fixtures/system/site.yml'), join(dir, 'site.yml'));
    const lines = HOSTS.map((n) => {
      const h = lab.host(n);
      return `${n} ansible_host=${h.address} ansible_port=${h.port} ansible_user=root ansible_ssh_private_key_file=${lab.keyPath}`;
    });
    writeFileSync(join(dir, 'inventory.ini'), `[nodes]\n${lines.join('\n')}\n\n[nodes:vars]\nrepo_line="${repo.sourceLine()}"\n`);
    for (const h of HOSTS) {
      // a swap line, as a fresh install has one; no apt source but the local repository (loopback only)
      await lab.exec(h, 'echo "/swapfile none swap sw 0 0" >> /etc/fstab; rm -f /etc/apt/sources.list /etc/apt/sources.list.d/*; apt-get update -qq >/dev/null 2>&1');
    }
  }, 60_000);
  afterAll(async () => {
    await lab?.down();
    await repo?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('--check predicts the real run exactly and writes nothing; then changed; then nothing to change', async () => {
    const before = await Promise.all(HOSTS.map(state));
    const check = await run('--check');
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(await Promise.all(HOSTS.map(state))).toEqual(before);

    const first = await run('--diff');
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(changedSet(first.stdout)).toEqual(changedSet(check.stdout));
    const tasks = ['the node\'s name', 'every node in /etc/hosts, named from its facts', 'swap stays off after a reboot', 'kernel modules at boot', 'forwarding for pods (the file only; the lab\'s /proc/sys is the machine\'s)', 'time zone', 'the kube group', 'the kube user, in that group', 'the package repository (repo_line comes from the inventory)', 'a package from it'];
    expect(changedSet(first.stdout)).toEqual(HOSTS.flatMap((h) => tasks.map((t) => `${h} | ${t}`)).sort());
    for (const h of HOSTS) expect(recap(first.stdout)[h]).toMatchObject({ changed: tasks.length, skipped: 1, failed: 0 });

    const second = await run();
    expect(second.code, second.stdout + second.stderr).toBe(0);
    for (const h of HOSTS) expect(recap(second.stdout)[h]).toMatchObject({ changed: 0, failed: 0 });
    const again = await run('--check');
    for (const h of HOSTS) expect(recap(again.stdout)[h]).toMatchObject({ changed: 0, failed: 0 });
  }, 180_000);

  it('leaves each host as the playbook says, with /etc/hosts built from every node\'s facts', async () => {
    const hostsBlock = HOSTS.map((n) => `${lab.host(n).address} node-${n}`).join('\n');
    for (const h of HOSTS) {
      const lines = (await state(h)).split('\n');
      expect(lines.slice(0, -4)).toEqual([
        `node-${h}`,
        `node-${h}`,
        '# BEGIN tsplay nodes',
        hostsBlock,
        '# END tsplay nodes',
        '# /swapfile none swap sw 0 0',
        'overlay',
        'br_netfilter',
        'net.ipv4.ip_forward=1',
        '/usr/share/zoneinfo/Asia/Shanghai',
        repo.sourceLine(),
        'tsplay-demo 1.1-1',
      ].join('\n').split('\n'));
      const [group, passwd, end] = lines.slice(-4);
      const gid = /^kube:x:(\d+):$/.exec(group)?.[1];
      expect(gid, group).toBeDefined();
      expect(passwd).toMatch(new RegExp(`^kube:x:\\d+:${gid}::/home/kube:/bin/bash$`));
      expect(end).toBe('end');
    }
  });
});
