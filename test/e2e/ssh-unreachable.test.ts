// Hosts that cannot be reached, on loopback only: nothing listening, and a server that accepts the
// TCP connection but never speaks SSH. Neither needs an sshd.
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection } from '../../src/connection/factory.js';
import { SshConnection } from '../../src/connection/ssh.js';
import type { ConnectionSettings } from '../../src/connection/ssh-settings.js';
import { UnreachableError } from '../../src/connection/types.js';

let home: string;
let silent: net.Server;
let silentPort: number;
let freePort: number;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'tsplay-unreach-'));
  silent = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentPort = (silent.address() as net.AddressInfo).port;
  // a port that was free a moment ago: nothing listens there
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  freePort = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
  await rm(home, { recursive: true, force: true });
});

const settings = (over: ConnectionSettings = {}): ConnectionSettings => ({
  paths: { home, configFiles: [], userKnownHostsFiles: [join(home, 'known_hosts')], globalKnownHostsFiles: [] },
  env: {},
  localUser: 'nobody-here',
  ...over,
});

async function failure(p: Promise<unknown>): Promise<{ err: Error; ms: number }> {
  const t0 = Date.now();
  const err = await p.then(() => new Error('connected?!'), (e: Error) => e);
  return { err, ms: Date.now() - t0 };
}

describe('unreachable hosts', () => {
  it('nothing listening: UnreachableError at once, with the reason', async () => {
    const conn = openConnection('dead', { ansible_host: '127.0.0.1', ansible_port: freePort }, settings());
    expect(conn).toBeInstanceOf(SshConnection);
    const { err, ms } = await failure(conn.connect());
    expect(err).toBeInstanceOf(UnreachableError);
    expect(err.message).toBe(`nobody-here@127.0.0.1:${freePort}: connect ECONNREFUSED 127.0.0.1:${freePort}`);
    expect(ms).toBeLessThan(2000);
    // every later call reports the same, without trying again
    await expect(conn.exec('true')).rejects.toBe(err);
  });

  it('a server that never answers: timed out after the connect timeout', async () => {
    const conn = openConnection('mute', { ansible_host: '127.0.0.1', ansible_port: silentPort, ansible_ssh_timeout: 1 }, settings());
    const { err, ms } = await failure(conn.connect());
    expect(err).toBeInstanceOf(UnreachableError);
    expect(err.message).toBe(`nobody-here@127.0.0.1:${silentPort}: timed out after 1 s`);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(3000);
  });

  it('--timeout applies when the inventory says nothing', async () => {
    const conn = openConnection('mute', { ansible_host: '127.0.0.1', ansible_port: silentPort }, settings({ timeout: 0.5 }));
    const { err, ms } = await failure(conn.connect());
    expect(err.message).toMatch(/timed out after 0.5 s$/);
    expect(ms).toBeLessThan(2000);
  });

  it('a jump host that cannot be reached names the jump host', async () => {
    const conn = openConnection('behind', { ansible_host: '127.0.0.1', ansible_port: 22, ansible_ssh_common_args: `-J jumper@127.0.0.1:${freePort}` }, settings());
    const { err } = await failure(conn.connect());
    expect(err).toBeInstanceOf(UnreachableError);
    expect(err.message).toBe(`jump host jumper@127.0.0.1:${freePort}: connect ECONNREFUSED 127.0.0.1:${freePort}`);
  });

  it('a configuration error is reported as unreachable, with the host', async () => {
    const conn = openConnection('badport', { ansible_port: 'x' }, settings());
    await expect(conn.connect()).rejects.toThrow(/^badport: ansible_port of badport: invalid port 'x'$/);
  });
});
