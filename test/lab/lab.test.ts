// The lab itself: real sshd hosts in namespaces, reachable over real SSH, isolated from each other
// and from the machine, and gone without a trace after down.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDeployUser, labUnavailableReason, startLab, type ExecResult, type Lab, type LabHost, type LabInitRequest } from './lab.js';

const unavailable = labUnavailableReason();

// Two labs: many plain hosts (the scale case), and a few hosts with systemd as PID 1 where this
// machine allows it (auto falls back to plain elsewhere, and the systemd-only checks then skip).
const labCases: { label: string; init: LabInitRequest; hosts: number; subnet: number; pid1: Record<string, string> }[] = [
  { label: '20 plain hosts', init: 'plain', hosts: 20, subnet: 211, pid1: { plain: 'bash' } },
  { label: '3 hosts, systemd where possible', init: 'auto', hosts: 3, subnet: 212, pid1: { plain: 'bash', systemd: 'systemd' } },
];

const probeFile = '/etc/tsplay-lab-probe';

if (unavailable) {
  describe('lab', () => {
    it.skip(`skipped: ${unavailable}`, () => {});
  });
} else {
  describe.each(labCases)('lab: $label', ({ init, hosts, subnet, pid1 }) => {
    let lab: Lab;

    beforeAll(async () => {
      lab = await startLab(hosts, { init, subnet });
    }, 120_000);

    afterAll(async () => {
      await lab?.down();
    }, 60_000);

    it('lists the hosts in an Ansible INI inventory, with the lab key', () => {
      // The port is 22 unless TSPLAY_LAB_PORT says otherwise (a machine whose own sshd holds *:22).
      const port = Number(process.env.TSPLAY_LAB_PORT ?? 22);
      const portVar = port === 22 ? '' : ` ansible_port=${port}`;
      const lines = readFileSync(lab.inventoryPath, 'utf8').split('\n').filter((line) => line.startsWith('lab'));
      const expected = Array.from({ length: hosts }, (_, i) =>
        `lab${i + 1} ansible_host=127.0.${subnet}.${i + 1}${portVar} ansible_user=root ansible_ssh_private_key_file=${lab.keyPath}`);
      expect(readFileSync(lab.inventoryPath, 'utf8')).toMatch(/^\[lab\]$/m);
      expect(lines).toEqual(expected);
      expect(lab.hosts.map((h) => [h.name, h.address, h.port])).toEqual(
        expected.map((_, i) => [`lab${i + 1}`, `127.0.${subnet}.${i + 1}`, port]));
    });

    it('answers on every host over real SSH with its own hostname and its own host key', async () => {
      const answers = await Promise.all(lab.hosts.map((h) => ssh(lab, 'root', h, 'hostname')));
      expect(answers.map((a) => [a.code, a.stdout.trim()])).toEqual(lab.hosts.map((h) => [0, h.name]));
      const keys = readFileSync(lab.knownHostsPath, 'utf8').trim().split('\n').map((line) => line.split(' ')[2]);
      expect(new Set(keys).size).toBe(hosts);
    });

    it('runs the expected init as PID 1 of each host', async ({ skip }) => {
      const expected = pid1[lab.init];
      if (!expected) skip(`this machine gave the lab init ${lab.init}`);
      const result = await lab.exec('lab1', 'cat /proc/1/comm');
      expect([result.code, result.stdout.trim()]).toEqual([0, expected]);
      if (lab.init === 'systemd') {
        const state = await lab.exec('lab1', 'systemctl is-system-running');
        expect(state.stdout.trim()).toBe('running');
      }
    });

    it('gives each host its own /etc, invisible to the other hosts and to the machine', async () => {
      const written = await ssh(lab, 'root', lab.host('lab1'), `echo lab1 > ${probeFile}`);
      expect(written.code).toBe(0);
      const seen = await Promise.all(['lab1', 'lab2'].map((name) => lab.exec(name, `cat ${probeFile}`)));
      expect(seen.map((r) => [r.code, r.stdout.trim()])).toEqual([[0, 'lab1'], [1, '']]);
      expect(existsSync(probeFile)).toBe(false);
      expect(os.hostname()).not.toMatch(/^lab\d+$/);
    });

    it('lets deploy use sudo with its password only', async ({ skip }) => {
      if (!existsSync('/usr/bin/sudo')) skip('sudo is not installed (run test/setup/install-deps.sh)');
      const host = lab.host('lab2');
      // Each case is its own SSH session without a terminal, so sudo cannot reuse another case's
      // authentication (its cache is per terminal, or per parent process without one): they can
      // run at once, which saves pam_unix's delay after the wrong password.
      const cases: { how: string; cmd: string; expected: [number, string] }[] = [
        { how: 'as itself', cmd: 'id -un', expected: [0, labDeployUser.name] },
        { how: 'no password', cmd: 'sudo -n id -u', expected: [1, ''] },
        { how: 'wrong password', cmd: "echo wrong | sudo -S -p '' id -u", expected: [1, ''] },
        { how: 'its password', cmd: `echo ${labDeployUser.password} | sudo -S -p '' id -u`, expected: [0, '0'] },
      ];
      const results = await Promise.all(cases.map(({ cmd }) => ssh(lab, labDeployUser.name, host, cmd)));
      expect(results.map((r, i) => [cases[i]?.how, r.code, r.stdout.trim()])).toEqual(
        cases.map((c) => [c.how, ...c.expected]));
    });

    it('stops and starts one host sshd while the others keep answering', async () => {
      await lab.stop('lab2');
      expect(await tcpConnect(lab.host('lab2'))).toBe('ECONNREFUSED');
      expect(await tcpConnect(lab.host('lab1'))).toBe('connected');
      await lab.start('lab2');
      const back = await ssh(lab, 'root', lab.host('lab2'), 'hostname');
      expect([back.code, back.stdout.trim()]).toEqual([0, 'lab2']);
    });

    it('refuses a second lab in the same dir and leaves the first one running', async () => {
      await expect(startLab(1, { dir: lab.dir, subnet: subnet + 1, init: 'plain' })).rejects.toThrow(/already up/);
      expect(await tcpConnect(lab.host('lab1'))).toBe('connected');
    });

    // Last on purpose: it takes the lab down (afterAll then finds nothing left to do).
    it('leaves no process, mount, cgroup, listener or file after down', async () => {
      const pids = lab.hosts.flatMap((h) => [h.initPid, h.unsharePid]);
      const pidNamespaces = new Set(lab.hosts.map((h) => readlinkSync(`/proc/${h.initPid}/ns/pid`)));
      const marker = `${lab.dir}/hosts/`;
      await lab.down();

      expect(pids.filter(isRunning)).toEqual([]);
      expect(processesWhere((pid) => pidNamespaces.has(readlinkSync(`/proc/${pid}/ns/pid`)))).toEqual([]);
      expect(processesWhere((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker))).toEqual([]);
      expect(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((line) => line.includes(lab.dir))).toEqual([]);
      expect(existsSync(lab.dir)).toBe(false);
      if (lab.cgroup) expect(existsSync(lab.cgroup)).toBe(false);
      const ports = await Promise.all(lab.hosts.map((h) => tcpConnect(h)));
      expect(ports).toEqual(lab.hosts.map(() => 'ECONNREFUSED'));
    }, 60_000);
  });
}

function ssh(lab: Lab, user: string, host: LabHost, command: string): Promise<ExecResult> {
  const args = [
    '-F', '/dev/null',
    '-p', String(host.port),
    '-i', lab.keyPath,
    '-o', `UserKnownHostsFile=${lab.knownHostsPath}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=10',
    `${user}@${host.address}`,
    command,
  ];
  return new Promise((resolve) => {
    execFile('ssh', args, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function tcpConnect(host: LabHost): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: host.address, port: host.port });
    socket.setTimeout(5_000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

// A zombie has ended; only its parent's bookkeeping is left.
function isRunning(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

function processesWhere(test: (pid: number) => boolean): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return isRunning(pid) && test(pid);
      } catch {
        return false; // the process ended while we looked
      }
    });
}
