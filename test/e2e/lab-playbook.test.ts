// The foundation's end-to-end playbook over real SSH, against lab hosts (test/lab): one sshd per
// host in its own namespaces and overlay root, reached through the CLI as a user would.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDeployUser, labUnavailableReason, startLab, type Lab } from '../lab/lab.js';
import { outcomes, recap, ROOT, tsplay } from './cli.js';

const SUBNET = 241;
const unavailable = labUnavailableReason();
const HOSTS = ['lab1', 'lab2', 'lab3', 'lab4', 'lab5'];

let lab: Lab;
let dir: string;
let home: string;

/** the lab's connection variables for a host, in inventory-line form */
function conn(name: string, user = 'root'): string {
  const h = lab.host(name);
  return `ansible_host=${h.address} ansible_port=${h.port} ansible_user=${user} ansible_ssh_private_key_file=${lab.keyPath}`;
}

/** Runs the CLI with a private HOME, so known_hosts and ssh config are the test's own. */
function run(args: string[]) {
  return tsplay(args, { env: { HOME: home } });
}

const changedSet = (stdout: string) =>
  outcomes(stdout)
    .filter((o) => o.status === 'changed')
    .map((o) => `${o.host} | ${o.task}${o.item ? ` | ${o.item}` : ''}`)
    .sort();

describe.skipIf(unavailable)(`the e2e playbook over real SSH on 5 lab hosts${unavailable ? ` (${unavailable})` : ''}`, () => {
  beforeAll(async () => {
    lab = await startLab(HOSTS.length, { subnet: SUBNET, init: 'plain' });
    dir = mkdtempSync(join(tmpdir(), 'tsplay-labpb-'));
    home = join(dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    cpSync(join(ROOT, 'test/fixtures/e2e'), join(dir, 'pb'), { recursive: true });
    // lab2 gets a host variable that beats group_vars/web.yml
    const lines = HOSTS.map((h) => `${h} ${conn(h)}${h === 'lab2' ? ' color=green' : ''}`);
    writeFileSync(join(dir, 'pb', 'inventory.ini'), `[web]\n${lines.join('\n')}\n`);
  }, 60_000);
  afterAll(async () => {
    await lab?.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const pb = (...extra: string[]) => ['run', join(dir, 'pb', 'site.yml'), '-i', join(dir, 'pb', 'inventory.ini'), '-e', 'root=/srv/e2e', ...extra];

  it('--check predicts the real changed set, writes nothing; the real run changes; the second run changes nothing', async () => {
    const check = run(pb('--check'));
    expect(check.code, check.stdout + check.stderr).toBe(0);
    for (const h of HOSTS) expect((await lab.exec(h, 'test -e /srv/e2e && echo yes || echo no')).stdout.trim()).toBe('no');

    const first = run(pb('--diff'));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    for (const h of HOSTS) expect(recap(first.stdout)[h].changed).toBeGreaterThan(10);
    expect(changedSet(check.stdout)).toEqual(changedSet(first.stdout));
    expect(first.stdout).toMatch(/--- before: \/srv\/e2e\/lab1\/app\.conf/);

    const second = run(pb());
    expect(second.code).toBe(0);
    for (const h of HOSTS) expect(recap(second.stdout)[h].changed).toBe(0);
  }, 180_000);

  it('group and host variables reach the right hosts, and files are the hosts\' own', async () => {
    expect((await lab.exec('lab1', 'cat /srv/e2e/lab1/app.conf')).stdout).toContain('color blue');
    expect((await lab.exec('lab2', 'cat /srv/e2e/lab2/app.conf')).stdout).toContain('color green');
    expect((await lab.exec('lab1', 'cat /srv/e2e/lab1/static.txt')).stdout).toBe('a static file\n');
    // each host has its own root: lab1's files are not on lab2, nor on this machine
    expect((await lab.exec('lab2', 'test -e /srv/e2e/lab1 && echo yes || echo no')).stdout.trim()).toBe('no');
  });

  it('a stopped host is UNREACHABLE, the others finish, exit 4', async () => {
    await lab.stop('lab5');
    try {
      const r = run(pb());
      expect(r.code, r.stdout + r.stderr).toBe(4);
      const rc = recap(r.stdout);
      expect(rc.lab5.unreachable).toBe(1);
      for (const h of HOSTS.slice(0, 4)) expect(rc[h]).toMatchObject({ unreachable: 0, failed: 0 });
      expect(r.stdout).toMatch(/fatal: \[lab5\]: UNREACHABLE!/);
      expect(rc.lab1.ok).toBeGreaterThan(10);
    } finally {
      await lab.start('lab5');
    }
  });

  it('a host whose key changed is refused, with both fingerprints and the command to fix it', () => {
    const kh = readFileSync(lab.knownHostsPath, 'utf8').split('\n').filter(Boolean);
    const lab1 = lab.host('lab1').address;
    const lab4Key = kh.find((l) => l.startsWith(lab.host('lab4').address + ' '))!.split(' ').slice(1).join(' ');
    // known_hosts says lab1 has lab4's key: lab1's real key looks changed
    writeFileSync(join(home, '.ssh', 'known_hosts'), `${lab1} ${lab4Key}\n`, { mode: 0o600 });
    try {
      const r = run(['run', join(dir, 'pb', 'site.yml'), '-i', join(dir, 'pb', 'inventory.ini'), '-e', 'root=/srv/e2e', '--limit', 'lab1']);
      expect(r.code).toBe(4);
      const text = r.stdout + r.stderr;
      expect(text).toMatch(/CHANGED|changed/);
      expect(text.match(/SHA256:[A-Za-z0-9+/]+/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
      expect(text).toContain('ssh-keygen');
    } finally {
      rmSync(join(home, '.ssh', 'known_hosts'), { force: true });
    }
  });

  it('become as a non-root user with a sudo password: works, and the password is nowhere in output or the process list', async () => {
    writeFileSync(join(dir, 'become.ini'), `lab3 ${conn('lab3', labDeployUser.name)} ansible_become_password=${labDeployUser.password}\n`);
    writeFileSync(
      join(dir, 'become.yml'),
      `- hosts: all
  gather_facts: false
  become: true
  tasks:
    - name: who am I
      command: id -un
      register: who
    - name: a while under sudo
      shell: sleep 3; id -u > /root/become-proof
    - name: show
      debug:
        var: who.stdout
`,
    );
    const seen: string[] = [];
    let stop = false;
    const poll = (async () => {
      while (!stop) {
        seen.push((await lab.exec('lab3', 'ps -eo args; cat /proc/[0-9]*/environ 2>/dev/null | tr "\\\\0" "\\\\n"')).stdout);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const r = run(['run', join(dir, 'become.yml'), '-i', join(dir, 'become.ini'), '-vvv']);
    stop = true;
    await poll;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('"who.stdout": "root"');
    expect((await lab.exec('lab3', 'cat /root/become-proof')).stdout.trim()).toBe('0');
    expect(seen.some((s) => s.includes('sleep 3'))).toBe(true); // the poll really saw the task run
    expect(r.stdout + r.stderr).not.toContain(labDeployUser.password);
    for (const s of seen) expect(s).not.toContain(labDeployUser.password);
  }, 60_000);

  it('become without a needed password fails fast with a clear message', () => {
    writeFileSync(join(dir, 'nopass.ini'), `lab3 ${conn('lab3', labDeployUser.name)}\n`);
    writeFileSync(join(dir, 'nopass.yml'), '- hosts: all\n  gather_facts: false\n  become: true\n  tasks:\n    - command: id -u\n');
    const t0 = Date.now();
    const r = run(['run', join(dir, 'nopass.yml'), '-i', join(dir, 'nopass.ini')]);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/password is required|become password/i);
  });
});
