// The ssh transport against real OpenSSH servers: the lab's hosts (test/lab), one sshd each on
// 127.0.<subnet>.N (port 22 unless TSPLAY_LAB_PORT), with root and `deploy` (sudo with a password) reachable by the lab's key.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/connection/known-hosts.js';
import { BecomeError } from '../../src/connection/ssh-become.js';
import { HostKeyError } from '../../src/connection/ssh-host-key.js';
import type { ConnectionSettings, HostKeyChecking } from '../../src/connection/ssh-settings.js';
import { MAX_CHANNELS, SshConnection } from '../../src/connection/ssh.js';
import { UnreachableError } from '../../src/connection/types.js';
import type { Vars } from '../../src/vars/types.js';
import { labDeployUser, labUnavailableReason, startLab, type Lab, type LabHost } from '../lab/lab.js';

const SUBNET = 231;
const unavailable = labUnavailableReason();

let lab: Lab;
let dir: string;
const open: SshConnection[] = [];

/** Settings isolated from the machine: a temp home, no ssh config, our own known_hosts. */
function settings(over: ConnectionSettings & { knownHosts?: string; checking?: HostKeyChecking } = {}): ConnectionSettings {
  const { knownHosts, checking, ...rest } = over;
  return {
    paths: { home: join(dir, 'home'), configFiles: [], userKnownHostsFiles: [knownHosts ?? lab.knownHostsPath], globalKnownHostsFiles: [] },
    env: {},
    localUser: 'root',
    hostKeyChecking: checking ?? 'strict',
    ...rest,
  };
}

function hostVars(h: LabHost, extra: Vars = {}): Vars {
  return { ansible_host: h.address, ansible_port: h.port, ansible_user: 'root', ansible_ssh_private_key_file: lab.keyPath, ...extra };
}

function connection(name: string, vars: Vars = {}, s: ConnectionSettings = settings()): SshConnection {
  const c = new SshConnection(name, { ...hostVars(lab.host(name)), ...vars }, s);
  open.push(c);
  return c;
}

/** `address:port` of a lab host, as the transport names it in messages. */
function at(name: string): string {
  const h = lab.host(name);
  return `${h.address}:${h.port}`;
}

/** The host's name in known_hosts: the address, or `[address]:port` off port 22. */
function khName(name: string): string {
  const h = lab.host(name);
  return h.port === 22 ? h.address : `[${h.address}]:${h.port}`;
}

/** Prints the pid of the sshd process serving this connection (first sshd above our shell). */
const SSHD_PID = 'p=$PPID; while [ "$(cat /proc/$p/comm)" != sshd ]; do p=$(cut -d" " -f4 /proc/$p/stat); done; echo $p';

const re = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The lab's known_hosts line for a host, as [name, type, base64]. */
function labKey(h: LabHost): [string, string, string] {
  const name = khName(h.name);
  const line = readFileSync(lab.knownHostsPath, 'utf8').split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no lab known_hosts line for ${h.address}`);
  return line.split(' ') as [string, string, string];
}

if (unavailable) {
  describe('ssh transport on the lab', () => {
    it.skip(`skipped: ${unavailable}`, () => {});
  });
} else {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-ssh-lab-'));
    lab = await startLab(3, { init: 'plain', subnet: SUBNET });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await lab?.down();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  describe('commands', () => {
    it('runs commands with stdin, exit codes, signals and a POSIX shell', async () => {
      const c = connection('lab1');
      await c.connect();
      const cases: Array<[string, string | undefined, number, string, string]> = [
        ['hostname', undefined, 0, 'lab1\n', ''],
        ['echo out; echo err >&2; exit 3', undefined, 3, 'out\n', 'err\n'],
        ['tr a-z A-Z', 'from stdin\n', 0, 'FROM STDIN\n', ''],
        ['kill -TERM $$', undefined, 143, '', ''],
        ['echo "$0"; x=1; [ "$x" = 1 ] && echo posix', undefined, 0, '/bin/sh\nposix\n', ''],
        ['printf %s "$LC_ALL"', undefined, 0, 'C', ''],
      ];
      const results = await Promise.all(cases.map(([cmd, stdin]) => c.exec(cmd, stdin === undefined ? {} : { stdin })));
      expect(results.map((r) => [r.rc, r.stdout, r.stderr])).toEqual(cases.map(([, , rc, out, err]) => [rc, out, err]));
    });

    it('keeps environment values and arguments as single words', async () => {
      const c = connection('lab1');
      const r = await c.exec('printf "[%s]" "$V"', { env: { V: 'a b; rm -rf / $(id)' } });
      expect(r.stdout).toBe('[a b; rm -rf / $(id)]');
    });

    it('puts and gets binary files through the command channel', async () => {
      const c = connection('lab2');
      const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
      await c.put(bytes, '/tmp/tsplay binary');
      expect((await c.get('/tmp/tsplay binary')).equals(bytes)).toBe(true);
      const onHost = await lab.exec('lab2', "sha256sum '/tmp/tsplay binary'");
      expect(onHost.stdout.split(' ')[0]).toBe(execFileSync('sha256sum', { input: bytes }).toString().split(' ')[0]);
      await expect(c.get('/nonexistent')).rejects.toThrow(/cannot read \/nonexistent on lab2: cat: \/nonexistent: No such file/);
    });

    it(`runs many commands over one connection, at most ${MAX_CHANNELS} channels at a time`, async () => {
      const c = connection('lab3');
      // each command holds a slot for a moment and reports how many slots were taken
      const slot = 'd=/tmp/tsplay-slots; mkdir -p $d; touch $d/$$; sleep 0.3; n=$(ls $d | wc -l); rm $d/$$; echo "$n ${SSH_CLIENT%% *} $(echo $SSH_CLIENT | cut -d" " -f2)"';
      const results = await Promise.all(Array.from({ length: 12 }, () => c.exec(slot)));
      expect(results.map((r) => r.rc)).toEqual(Array(12).fill(0));
      const lines = results.map((r) => r.stdout.trim().split(' '));
      const maxAtOnce = Math.max(...lines.map((l) => Number(l[0])));
      expect(maxAtOnce).toBeLessThanOrEqual(MAX_CHANNELS);
      expect(maxAtOnce).toBeGreaterThan(1);
      // the same client address and port for all: one TCP connection
      expect(new Set(lines.map((l) => `${l[1]}:${l[2]}`)).size).toBe(1);
    });

    it('reports a dropped connection as unreachable on the next command', async () => {
      const c = connection('lab2');
      const r = await c.exec(SSHD_PID);
      const pid = Number(r.stdout.trim());
      expect(pid).toBeGreaterThan(1);
      await lab.exec('lab2', `kill -9 ${pid}`);
      const err = await waitForError(() => c.exec('true'));
      expect(err).toBeInstanceOf(UnreachableError);
      expect(err.message).toMatch(new RegExp(`^root@${re(at('lab2'))}: connection lost`));
    });
    it('fails every command started while the connection drops as unreachable, none with a transport error', async () => {
      const c = connection('lab3');
      const pid = Number((await c.exec(SSHD_PID)).stdout.trim());
      // a new command on every turn of the event loop, so some start between the socket's end and
      // its close (ssh2 refuses channels then with a bare "Not connected")
      const started: Promise<unknown>[] = [];
      let failed = false;
      const fire = () => {
        started.push(c.exec('true').catch((e: Error) => ((failed = true), e)));
        if (!failed && started.length < 20000) setImmediate(fire);
      };
      fire();
      await lab.exec('lab3', `kill -9 ${pid}`);
      await waitFor(() => failed, 'a command to fail');
      const errors = (await Promise.all(started)).filter((r): r is Error => r instanceof Error);
      expect(errors.length).toBeGreaterThan(0);
      expect([...new Set(errors.filter((e) => !(e instanceof UnreachableError)).map((e) => e.message))]).toEqual([]);
      expect(errors[0]!.message).toMatch(new RegExp(`^root@${re(at('lab3'))}: connection lost`));
    });
  });

  describe('become', () => {
    it('root becomes deploy with sudo, no password needed', async () => {
      const c = connection('lab1');
      const r = await c.exec('id -un; cat', { become: { method: 'sudo', user: labDeployUser.name }, stdin: 'in' });
      expect([r.rc, r.stdout, r.stderr]).toEqual([0, 'deploy\nin', '']);
    });

    it('deploy becomes root with its sudo password; the command still gets its own stdin', async () => {
      const c = connection('lab1', { ansible_user: labDeployUser.name });
      const r = await c.exec('id -u; cat', { become: { method: 'sudo', user: 'root', password: labDeployUser.password }, stdin: 'line one\nline two\n' });
      expect([r.rc, r.stdout, r.stderr]).toEqual([0, '0\nline one\nline two\n', '']);
    });

    it.each([
      ['without a password', undefined, /sudo on lab3 needs a password: use -K/],
      ['with a wrong password', 'wrong', /incorrect sudo password for become on lab3/],
    ])('deploy %s fails clearly, without hanging', async (_what, password, message) => {
      const c = connection('lab3', { ansible_user: labDeployUser.name });
      const t0 = Date.now();
      const err = await c.exec('id -u', { become: { method: 'sudo', user: 'root', ...(password ? { password } : {}) } }).then(() => new Error('ran?!'), (e: Error) => e);
      expect(err).toBeInstanceOf(BecomeError);
      expect(err.message).toMatch(message);
      expect(Date.now() - t0).toBeLessThan(15_000);
      // the connection is still fine
      expect((await c.exec('id -un')).stdout).toBe('deploy\n');
    });

    it('logs in with a password (ansible_password)', async () => {
      const c = connection('lab3', { ansible_user: labDeployUser.name, ansible_password: labDeployUser.password, ansible_ssh_private_key_file: join(dir, 'no-such-key') });
      expect((await c.exec('id -un')).stdout).toBe('deploy\n');
    });

    it('a wrong login password is unreachable, saying what was tried', async () => {
      const c = connection('lab3', { ansible_user: labDeployUser.name, ansible_password: 'wrong', ansible_ssh_private_key_file: join(dir, 'no-such-key') });
      const err = await c.connect().then(() => new Error('in?!'), (e: Error) => e);
      expect(err).toBeInstanceOf(UnreachableError);
      expect(err.message).toMatch(new RegExp(`^deploy@${re(at('lab3'))}: permission denied for deploy: tried password.*; no such key file`));
    }, 20_000);
  });

  describe('host keys', () => {
    it('accept-new records unknown keys, and strict then trusts them', async () => {
      const kh = join(dir, 'fresh_known_hosts');
      const s = settings({ knownHosts: kh, checking: 'accept-new' });
      await Promise.all(['lab1', 'lab2', 'lab3'].map((n) => connection(n, {}, s).connect()));
      const recorded = readFileSync(kh, 'utf8').trim().split('\n').sort();
      expect(recorded).toEqual(lab.hosts.map((h) => labKey(h).join(' ')).sort());
      await connection('lab2', {}, settings({ knownHosts: kh, checking: 'strict' })).connect();
    });

    it('strict refuses a host it does not know', async () => {
      const err = await connection('lab1', {}, settings({ knownHosts: join(dir, 'empty_known_hosts') })).connect().then(() => new Error('in?!'), (e: Error) => e);
      expect(err).toBeInstanceOf(HostKeyError);
      expect(err.message).toContain(`no host key is known for ${khName('lab1')} and host key checking is strict`);
    });

    it('refuses a CHANGED key before authenticating, with both fingerprints', async () => {
      // lab1's address recorded with lab2's key
      const [, type, lab2Key] = labKey(lab.host('lab2'));
      const kh = join(dir, 'changed_known_hosts');
      writeFileSync(kh, `${khName('lab1')} ${type} ${lab2Key}\n`);
      // an encrypted key: authentication would have to ask for its passphrase
      const locked = join(dir, 'locked_key');
      copyFileSync(lab.keyPath, locked);
      execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'secret', '-f', locked]);
      const asked: string[] = [];
      const s = settings({ knownHosts: kh, checking: 'accept-new', prompt: async (m) => (asked.push(m), 'secret') });
      const err = await connection('lab1', { ansible_ssh_private_key_file: locked }, s).connect().then(() => new Error('in?!'), (e: Error) => e);
      expect(err).toBeInstanceOf(HostKeyError);
      const presented = Buffer.from(labKey(lab.host('lab1'))[2], 'base64');
      expect(err.message).toContain(`HOST KEY CHANGED for ${khName('lab1')}`);
      expect(err.message).toContain(`known:     ssh-ed25519 ${fingerprint(Buffer.from(lab2Key, 'base64'))} (${kh}:1)`);
      expect(err.message).toContain(`presented: ssh-ed25519 ${fingerprint(presented)}`);
      expect(err.message).toContain(`ssh-keygen -f ${kh} -R ${khName('lab1').includes('[') ? `"${khName('lab1')}"` : khName('lab1')}`);
      expect(asked).toEqual([]);
      expect(readFileSync(kh, 'utf8')).toBe(`${khName('lab1')} ${type} ${lab2Key}\n`);
    });
  });

  describe('authentication sources', () => {
    it('unlocks an encrypted key once (prompt), for several hosts', async () => {
      const locked = join(dir, 'locked_key2');
      copyFileSync(lab.keyPath, locked);
      execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'pass phrase', '-f', locked]);
      const asked: string[] = [];
      const s = settings({ privateKeyFile: locked, prompt: async (m) => (asked.push(m), 'pass phrase') });
      const conns = ['lab1', 'lab2', 'lab3'].map((n) => connection(n, { ansible_ssh_private_key_file: undefined }, s));
      const names = await Promise.all(conns.map(async (c) => (await c.exec('hostname')).stdout.trim()));
      expect(names).toEqual(['lab1', 'lab2', 'lab3']);
      expect(asked).toEqual([`Enter passphrase for key '${locked}': `]);
    });

    it('without a terminal, an encrypted key is refused with advice', async () => {
      const locked = join(dir, 'locked_key3');
      copyFileSync(lab.keyPath, locked);
      execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'x', '-f', locked]);
      const err = await connection('lab1', { ansible_ssh_private_key_file: locked }).connect().then(() => new Error('in?!'), (e: Error) => e);
      expect(err).toBeInstanceOf(UnreachableError);
      expect(err.message).toContain(`key ${locked} is encrypted: run on a terminal (to be asked for its passphrase) or load it into ssh-agent`);
    });

    it('uses ssh-agent (SSH_AUTH_SOCK)', async () => {
      const sock = join(dir, 'agent.sock');
      const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
      await waitFor(() => existsSync(sock), 'the agent socket');
      try {
        execFileSync('ssh-add', [lab.keyPath], { env: { SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
        const c = connection('lab2', { ansible_ssh_private_key_file: join(dir, 'missing') }, settings({ env: { SSH_AUTH_SOCK: sock } }));
        expect((await c.exec('hostname')).stdout).toBe('lab2\n');
      } finally {
        agent.kill();
      }
    });

    it('reads ~/.ssh/config: an alias with HostName, User and IdentityFile', async () => {
      const cfg = join(dir, 'ssh_config');
      writeFileSync(cfg, `Host mylab\n  HostName ${lab.host('lab3').address}\n  Port ${lab.host('lab3').port}\n  User root\n  IdentityFile ${lab.keyPath}\n`);
      const c = new SshConnection('mylab', {}, settings({ paths: { home: join(dir, 'home'), configFiles: [cfg], userKnownHostsFiles: [lab.knownHostsPath], globalKnownHostsFiles: [] } }));
      open.push(c);
      expect((await c.exec('hostname')).stdout).toBe('lab3\n');
    });
  });

  describe('ProxyJump', () => {
    it('reaches hosts through a jump host (and through two), checking every hop', async () => {
      const kh = join(dir, 'jump_known_hosts');
      const s = settings({ knownHosts: kh, checking: 'accept-new', privateKeyFile: lab.keyPath });
      const viaOne = connection('lab2', { ansible_ssh_common_args: `-J root@${at('lab1')}` }, s);
      const viaTwo = connection('lab3', { ansible_ssh_common_args: `-o ProxyJump=root@${at('lab1')},root@${at('lab2')}` }, s);
      const before = await sessionsOn('lab1');
      const [a, b] = await Promise.all([viaOne.exec('hostname'), viaTwo.exec('hostname')]);
      expect(a.stdout).toBe('lab2\n');
      expect(b.stdout).toBe('lab3\n');
      // both targets share one connection to the jump host, closed with the last of them
      expect(await sessionsOn('lab1')).toBe(before + 1);
      await Promise.all([viaOne.close(), viaTwo.close()]);
      await waitUntil(async () => (await sessionsOn('lab1')) === before, 'the jump connection to close');
      // every hop's key was checked and recorded
      expect(readFileSync(kh, 'utf8').trim().split('\n').sort()).toEqual(lab.hosts.map((h) => labKey(h).join(' ')).sort());
    });

    it('a jump host with a changed key is refused, and named', async () => {
      const [, type, otherKey] = labKey(lab.host('lab3'));
      const kh = join(dir, 'jump_changed_known_hosts');
      writeFileSync(kh, `${khName('lab1')} ${type} ${otherKey}\n`);
      const s = settings({ knownHosts: kh, checking: 'accept-new', privateKeyFile: lab.keyPath });
      const err = await connection('lab2', { ansible_ssh_common_args: `-J root@${at('lab1')}` }, s).connect().then(() => new Error('in?!'), (e: Error) => e);
      expect(err).toBeInstanceOf(HostKeyError);
      expect(err.message).toMatch(new RegExp(`^jump host root@${re(at('lab1'))}: HOST KEY CHANGED for ${re(khName('lab1'))}`));
    });
  });

  describe('stopped host', () => {
    it('is unreachable quickly while the others answer', async () => {
      await lab.stop('lab3');
      try {
        const t0 = Date.now();
        const err = await connection('lab3').connect().then(() => new Error('in?!'), (e: Error) => e);
        expect(err).toBeInstanceOf(UnreachableError);
        expect(err.message).toBe(`root@${at('lab3')}: connect ECONNREFUSED ${at('lab3')}`);
        expect(Date.now() - t0).toBeLessThan(2000);
        expect((await connection('lab1').exec('hostname')).stdout).toBe('lab1\n');
      } finally {
        await lab.start('lab3');
      }
    });
  });
}

/**
 * Connections the host's sshd is serving: one process each, titled `sshd: user@notty` once it runs
 * commands, `sshd: user` when it only forwards (a jump connection); `[priv]` monitors not counted.
 */
async function sessionsOn(name: string): Promise<number> {
  const r = await lab.exec(name, 'for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline 2>/dev/null; echo; done');
  return r.stdout.split('\n').filter((l) => /^sshd: [a-z_][\w-]*(@notty)?\s*$/.test(l)).length;
}

async function waitUntil(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function waitForError(f: () => Promise<unknown>): Promise<Error> {
  for (let i = 0; i < 50; i++) {
    const e = await f().then(() => undefined, (err: Error) => err);
    if (e) return e;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the command kept working');
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
