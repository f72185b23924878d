// gather_facts through the CLI, as a user runs it against lab hosts over real SSH: the
// "Gathering Facts" row and its recap count, conditions on facts, other hosts' facts through
// hostvars, gather_facts: false, gather_subset: [min], --check, and an unreachable host.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDeployUser, labUnavailableReason, startLab, type Lab } from '../lab/lab.js';
import { outcomes, recap, ROOT, tsplay } from './cli.js';

const SUBNET = 57;
const HOSTS = ['lab1', 'lab2'];
const unavailable = labUnavailableReason();

let lab: Lab;
let dir: string;
let home: string;

const run = (playbook: string, ...extra: string[]) =>
  tsplay(['run', join(dir, 'pb', playbook), '-i', join(dir, 'inventory.ini'), ...extra], { env: { HOME: home } });

const rows = (stdout: string, task: string) => outcomes(stdout).filter((o) => o.task === task).map((o) => `${o.host}:${o.status}`).sort();

describe.skipIf(unavailable)(`gather_facts through the CLI on lab hosts${unavailable ? ` (${unavailable})` : ''}`, () => {
  beforeAll(async () => {
    lab = await startLab(HOSTS.length, { subnet: SUBNET, init: 'plain' });
    dir = mkdtempSync(join(tmpdir(), 'tsplay-factspb-'));
    home = join(dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    cpSync(join(ROOT, 'test/fixtures/facts/playbooks'), join(dir, 'pb'), { recursive: true });
    const lines = HOSTS.map((n) => {
      const h = lab.host(n);
      return `${n} ansible_host=${h.address} ansible_port=${h.port} ansible_user=root ansible_ssh_private_key_file=${lab.keyPath}`;
    });
    writeFileSync(join(dir, 'inventory.ini'), `[lab]\n${lines.join('\n')}\n`);
    // strict host key checking against the lab's own keys
    cpSync(lab.knownHostsPath, join(home, '.ssh', 'known_hosts'));
  }, 60_000);
  afterAll(async () => {
    await lab?.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gathers first ("Gathering Facts", counted as ok), then conditions and hostvars see the facts', async () => {
    const r = run('facts.yml');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.indexOf('TASK [Gathering Facts]')).toBeGreaterThan(-1);
    expect(r.stdout.indexOf('TASK [Gathering Facts]')).toBeLessThan(r.stdout.indexOf('TASK [only on Debian-family hosts]'));
    expect(rows(r.stdout, 'Gathering Facts')).toEqual(['lab1:ok', 'lab2:ok']);
    expect(rows(r.stdout, 'only on Debian-family hosts')).toEqual(['lab1:ok', 'lab2:ok']);
    expect(rows(r.stdout, 'never on RedHat-family hosts')).toEqual(['lab1:skipping', 'lab2:skipping']);
    const codename = (await lab.exec('lab1', '. /etc/os-release; echo "$VERSION_CODENAME"')).stdout.trim();
    expect(r.stdout).toContain(`(${codename}) on lab1"`);
    // lab1 reads lab2's facts
    expect(r.stdout).toMatch(/ok: \[lab1\] => \{\n\s+"hostvars\['lab2'\]\.ansible_hostname": "lab2"\n\}/);
    expect(r.stdout).toMatch(/ok: \[lab1\] => \{\n\s+"hostvars\['lab2'\]\.ansible_facts\.hostname": "lab2"\n\}/);
    expect(rows(r.stdout, 'facts keep their types')).toEqual(['lab1:ok', 'lab2:ok']);
    // gathering + 4 ok tasks, as Ansible counts: the skipped one is not ok
    for (const h of HOSTS) expect(recap(r.stdout)[h]).toMatchObject({ ok: 5, changed: 0, skipped: 1, failed: 0 });
  });

  it('gather_facts: false gathers nothing and leaves facts undefined', () => {
    const r = run('no-facts.yml');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toContain('Gathering Facts');
    expect(r.stdout).toContain('"ansible_os_family": "VARIABLE IS NOT DEFINED!"');
    expect(rows(r.stdout, 'skipped without facts')).toEqual(['lab1:skipping', 'lab2:skipping']);
    for (const h of HOSTS) expect(recap(r.stdout)[h]).toMatchObject({ ok: 1, skipped: 1 });
  });

  it('gather_subset: [min] gathers the basics, no hardware facts', () => {
    const r = run('min-facts.yml');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(rows(r.stdout, 'Gathering Facts')).toEqual(['lab1:ok', 'lab2:ok']);
    expect(r.stdout).toContain('"ansible_os_family": "Debian"');
    expect(r.stdout).toContain('"ansible_memtotal_mb": "VARIABLE IS NOT DEFINED!"');
  });

  it('--check gathers facts too, so conditions on them are decided', () => {
    const r = run('facts.yml', '--check');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(rows(r.stdout, 'Gathering Facts')).toEqual(['lab1:ok', 'lab2:ok']);
    expect(rows(r.stdout, 'only on Debian-family hosts')).toEqual(['lab1:ok', 'lab2:ok']);
    expect(rows(r.stdout, 'never on RedHat-family hosts')).toEqual(['lab1:skipping', 'lab2:skipping']);
  });

  it('the play\'s become applies to gathering: as deploy, facts say deploy; with become, root', () => {
    const h = lab.host('lab1');
    writeFileSync(join(dir, 'deploy.ini'), `lab1 ansible_host=${h.address} ansible_port=${h.port} ansible_user=${labDeployUser.name} ansible_ssh_private_key_file=${lab.keyPath} ansible_become_password=${labDeployUser.password}\n`);
    const who = (become: boolean) => {
      writeFileSync(join(dir, 'who.yml'), `- hosts: all\n  become: ${become}\n  tasks:\n    - debug:\n        var: ansible_user_id\n`);
      const r = tsplay(['run', join(dir, 'who.yml'), '-i', join(dir, 'deploy.ini')], { env: { HOME: home } });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      return r.stdout;
    };
    expect(who(false)).toContain('"ansible_user_id": "deploy"');
    expect(who(true)).toContain('"ansible_user_id": "root"');
  });

  it('a module that reports facts (hostname) updates them for later tasks, in both spellings', () => {
    writeFileSync(
      join(dir, 'rename.yml'),
      `- hosts: lab2
  tasks:
    - hostname: { name: renamed.lab.test }
    - debug: { msg: "{{ ansible_hostname }} {{ ansible_facts.hostname }} {{ ansible_facts.fqdn }} {{ hostvars.lab2.ansible_facts.domain }}" }
    - hostname: { name: lab2 }
`,
    );
    const r = tsplay(['run', join(dir, 'rename.yml'), '-i', join(dir, 'inventory.ini')], { env: { HOME: home } });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('"msg": "renamed renamed renamed.lab.test lab.test"');
    expect(recap(r.stdout).lab2).toMatchObject({ ok: 4, changed: 2 });
  });

  it('an unreachable host is UNREACHABLE at Gathering Facts and drops out; the other goes on', async () => {
    await lab.stop('lab2');
    try {
      const r = run('min-facts.yml');
      expect(r.code, r.stdout + r.stderr).toBe(4);
      expect(r.stdout).toMatch(/TASK \[Gathering Facts\] \*+\n(.*\n)*?fatal: \[lab2\]: UNREACHABLE!/);
      expect(rows(r.stdout, 'the basics are there')).toEqual(['lab1:ok']);
      expect(recap(r.stdout).lab2).toMatchObject({ ok: 0, unreachable: 1 });
      expect(recap(r.stdout).lab1).toMatchObject({ ok: 3, unreachable: 0 });
    } finally {
      await lab.start('lab2');
    }
  });
});
