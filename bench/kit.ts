// What the benchmarks share: a lab of N hosts with a private HOME that trusts their host keys, and
// the same playbook run by tsplay and by ansible-playbook, each a few times, timed from outside.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { BIN } from '../test/e2e/cli.js';
import { startLab, type Lab } from '../test/lab/lab.js';

export const hasAnsible = spawnSync('ansible-playbook', ['--version'], { stdio: 'ignore' }).status === 0;

export interface BenchLab {
  lab: Lab;
  dir: string;
  /** Runs the playbook `runs` times with tsplay, then with ansible-playbook; prints the figures. */
  compare(title: string, playbook: string, runs: number): void;
  down(): Promise<void>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const secs = (xs: number[]) => xs.map((s) => s.toFixed(2)).join(', ');

export async function startBenchLab(hosts: number, subnet: number): Promise<BenchLab> {
  const lab = await startLab(hosts, { subnet, init: 'plain' });
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-bench-'));
  const home = join(dir, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  cpSync(lab.knownHostsPath, join(home, '.ssh', 'known_hosts'));
  const env = { ...process.env, HOME: home, NO_COLOR: '1', ANSIBLE_NOCOLOR: '1', ANSIBLE_HOST_KEY_CHECKING: 'True' };

  const timed = (cmd: string, args: string[]): number => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 28 });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const out = r.stdout + r.stderr;
    expect(r.status, out.slice(-4000)).toBe(0);
    expect(out).toContain(`lab${hosts} `);
    return seconds;
  };

  return {
    lab,
    dir,
    compare(title, playbook, runs) {
      writeFileSync(join(dir, 'site.yml'), playbook);
      const inventory = lab.inventoryPath;
      const ours = Array.from({ length: runs }, () => timed(process.execPath, [BIN, 'run', 'site.yml', '-i', inventory]));
      const lines = [`${title}: ${hosts} hosts, ${runs} runs each (median)`, `  tsplay:           ${median(ours).toFixed(2)} s  (${secs(ours)})`];
      if (hasAnsible) {
        // OpenSSH reads known_hosts from the passwd home, not $HOME: name the lab's file; the rest
        // are Ansible's default ssh arguments (connection reuse on), so it runs as users run it
        const sshArgs = `-C -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${join(home, '.ssh/known_hosts')}`;
        const theirs = Array.from({ length: runs }, () => timed('ansible-playbook', ['site.yml', '-i', inventory, '-f', String(hosts), `--ssh-common-args=${sshArgs}`]));
        lines.push(`  ansible-playbook: ${median(theirs).toFixed(2)} s  (${secs(theirs)})`);
        lines.push(`  ratio: tsplay takes ${(median(ours) / median(theirs)).toFixed(3)} of ansible-playbook's time (${(median(theirs) / median(ours)).toFixed(1)}x faster)`);
      } else {
        lines.push('  ansible-playbook: not installed, no ratio');
      }
      console.log(`\n${lines.join('\n')}\n`);
    },
    async down() {
      await lab.down();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
