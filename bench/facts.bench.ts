// Fact gathering on N lab hosts: tsplay and ansible-playbook run the same playbook (gather facts,
// then one task that reads them) against the same hosts, in one run; prints wall times and ratio.
//   npm run bench                      (BENCH_HOSTS=20 by default, BENCH_RUNS=3)
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { labUnavailableReason, startLab, type Lab } from '../test/lab/lab.js';
import { BIN } from '../test/e2e/cli.js';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SUBNET = 70;
const unavailable = labUnavailableReason();

const PLAYBOOK = `- hosts: all
  gather_facts: true
  tasks:
    - debug:
        msg: "{{ ansible_distribution }} {{ ansible_distribution_version }} {{ ansible_memtotal_mb }}"
`;

let lab: Lab;
let dir: string;

interface Timed {
  seconds: number;
  code: number;
  out: string;
}

function timed(cmd: string, args: string[], env: Record<string, string>): Timed {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 26 });
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, code: r.status ?? -1, out: r.stdout + r.stderr };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const hasAnsible = spawnSync('ansible-playbook', ['--version'], { stdio: 'ignore' }).status === 0;

beforeAll(async () => {
  if (unavailable) return;
  lab = await startLab(HOSTS, { subnet: SUBNET, init: 'plain' });
  dir = mkdtempSync(join(tmpdir(), 'tsplay-bench-'));
  mkdirSync(join(dir, 'home/.ssh'), { recursive: true, mode: 0o700 });
  cpSync(lab.knownHostsPath, join(dir, 'home/.ssh/known_hosts'));
  writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
});

afterAll(async () => {
  await lab?.down();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it.skipIf(unavailable)(`gather facts on ${HOSTS} lab hosts: tsplay vs ansible-playbook`, () => {
  const env = { HOME: join(dir, 'home'), NO_COLOR: '1', ANSIBLE_NOCOLOR: '1', ANSIBLE_HOST_KEY_CHECKING: 'True' };
  const inventory = lab.inventoryPath;
  const runs = (cmd: string, args: string[]) =>
    Array.from({ length: RUNS }, () => {
      const r = timed(cmd, args, env);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toContain(`lab${HOSTS} `);
      return r.seconds;
    });
  const ours = runs(process.execPath, [BIN, 'run', 'site.yml', '-i', inventory]);
  const lines = [`hosts: ${HOSTS}, runs: ${RUNS} each (median)`, `tsplay:           ${median(ours).toFixed(2)} s  (${ours.map((s) => s.toFixed(2)).join(', ')})`];
  if (hasAnsible) {
    // OpenSSH reads known_hosts from the passwd home, not $HOME: name the lab's file; the rest are
    // Ansible's default ssh arguments (connection reuse on), so it runs as users run it
    const sshArgs = `-C -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${join(dir, 'home/.ssh/known_hosts')}`;
    const theirs = runs('ansible-playbook', ['site.yml', '-i', inventory, '-f', String(HOSTS), `--ssh-common-args=${sshArgs}`]);
    lines.push(`ansible-playbook: ${median(theirs).toFixed(2)} s  (${theirs.map((s) => s.toFixed(2)).join(', ')})`);
    lines.push(`ratio: tsplay takes ${(median(ours) / median(theirs)).toFixed(3)} of ansible-playbook's time (${(median(theirs) / median(ours)).toFixed(1)}x faster)`);
  } else {
    lines.push('ansible-playbook: not installed, no ratio');
  }
  console.log(`\n${lines.join('\n')}\n`);
});
