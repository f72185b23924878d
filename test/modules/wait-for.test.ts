// wait_for without a lab: argument rules, messages, the port probe's answers (including the
// /proc/net/tcp fallback) and polling a real path and a real port on this machine's loopback.
// The lab runs are in test/integration/services.test.ts (they share its hosts on 127.0.54.x).
import { createServer, type Server } from 'node:net';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import waitFor, { activeConnections, argumentProblem, parsePortProbe, procConnections, timeoutMessage } from '../../src/modules/wait-for.js';
import { runModule, tempDir } from './harness.js';

const parse = (a: Record<string, unknown>) => waitFor.args.parse(a);

describe('wait_for: arguments and messages (pure)', () => {
  it.each([
    [{ port: 1, path: '/x' }, 'port and path parameter can not both be passed to wait_for'],
    [{ path: '/x', state: 'stopped' }, 'state=stopped should only be used for checking a port in the wait_for module'],
    [{ path: '/x', state: 'drained' }, 'state=drained should only be used for checking a port in the wait_for module'],
    [{ port: 1, exclude_hosts: ['10.0.0.1'] }, 'exclude_hosts should only be with state=drained'],
    [{ port: 1, state: 'drained', active_connection_states: ['BOGUS'] }, 'unknown active_connection_state (BOGUS) defined'],
    [{ port: 1 }, undefined],
  ])('%j -> %s', (a, msg) => expect(argumentProblem(parse(a))).toBe(msg));

  it.each([
    [{ port: 80 }, 'Timeout when waiting for 127.0.0.1:80'],
    [{ port: 80, host: 'h', search_regex: 'OK' }, 'Timeout when waiting for search string OK in h:80'],
    [{ port: 80, state: 'stopped' }, 'Timeout when waiting for 127.0.0.1:80 to stop.'],
    [{ path: '/p' }, 'Timeout when waiting for file /p'],
    [{ path: '/p', state: 'present', search_regex: 'x' }, 'Timeout when waiting for search string x in /p'],
    [{ path: '/p', state: 'absent' }, 'Timeout when waiting for /p to be absent.'],
    [{ port: 80, state: 'drained' }, 'Timeout when waiting for 127.0.0.1:80 to drain'],
    [{ path: '/p', msg: 'custom' }, 'custom'],
  ])('timeout message %j', (a, msg) => expect(timeoutMessage(parse(a))).toBe(msg));

  it('Ansible defaults', () => {
    expect(parse({})).toMatchObject({ host: '127.0.0.1', timeout: 300, connect_timeout: 5, delay: 0, sleep: 1, state: 'started' });
    expect(waitFor.args.safeParse({ port: 1, bogus: 1 }).success).toBe(false);
  });
});

describe('wait_for: probe answers (pure)', () => {
  const PROC = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0136007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1',
    '   1: 0136007F:1F90 0236007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 2 1',
    '   2: 0136007F:1F90 0336007F:C351 06 00000000:00000000 00:00000000 00000000     0        0 3 1',
    '   3: 0136007F:0016 0236007F:C352 01 00000000:00000000 00:00000000 00000000     0        0 4 1',
    '  sl  local_address                         remote_address                        st',
    '   0: 0000000000000000FFFF00000100007F:1F91 0000000000000000FFFF00000200007F:C353 01 0',
  ].join('\n');

  it('reads /proc/net/tcp and tcp6 lines (IPv4-mapped addresses as IPv4)', () => {
    expect(procConnections(PROC)).toEqual([
      { localPort: 8080, remoteAddress: '0.0.0.0', state: '0A' },
      { localPort: 8080, remoteAddress: '127.0.54.2', state: '01' },
      { localPort: 8080, remoteAddress: '127.0.54.3', state: '06' },
      { localPort: 22, remoteAddress: '127.0.54.2', state: '01' },
      { localPort: 8081, remoteAddress: '127.0.0.2', state: '01' },
    ]);
  });

  it('drained counts active connections on the port, minus excluded hosts', () => {
    const states = ['ESTABLISHED', 'TIME_WAIT'];
    expect(activeConnections(PROC, 8080, states)).toBe(2);
    expect(activeConnections(PROC, 8080, states, ['127.0.54.3'])).toBe(1);
    expect(activeConnections(PROC, 8080, ['ESTABLISHED'], ['127.0.54.2'])).toBe(0);
    expect(activeConnections(PROC, 8081, states)).toBe(1);
  });

  it.each([
    ['open\n@@tsplay-probe:tcp:0\n', 22, { open: true, data: '' }],
    ['@@tsplay-probe:tcp:1\n', 22, { open: false, data: '' }],
    ['open\nSSH-2.0-OpenSSH_9.2\r\n@@tsplay-probe:tcp:124\n', 22, { open: true, data: 'SSH-2.0-OpenSSH_9.2\r\n' }],
    ['@@tsplay-probe:nc:1\n', 22, { open: false, data: '' }],
    [`@@tsplay-probe:proc:0\n${PROC}`, 8080, { open: true, data: '' }],
    [`@@tsplay-probe:proc:0\n${PROC}`, 22, { open: false, data: '' }],
  ])('probe %j (port %d)', (out, port, expected) => expect(parsePortProbe(out, port)).toEqual(expected));
});

describe('wait_for: real polling on this machine', () => {
  let t: { dir: string; cleanup: () => void };
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    t = tempDir('tsplay-waitfor-');
    server = createServer((s) => {
      // probes hang up without reading: a reset is normal here
      s.on('error', () => {});
      s.end('HELLO tsplay v42\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    t.cleanup();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a path that appears later, with a search_regex and its groups', async () => {
    const p = join(t.dir, 'ready');
    setTimeout(() => writeFileSync(p, 'starting\nlistening on port=8042 (pid 7)\n'), 600);
    const t0 = Date.now();
    const r = await runModule(waitFor, { path: p, search_regex: 'port=(?P<port>\\d+) \\(pid (\\d+)\\)', timeout: 10 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
    expect(r).toMatchObject({ changed: false, state: 'started', path: p, port: null, match_groups: ['8042', '7'], match_groupdict: { port: '8042' } });
    expect(r.failed).toBeFalsy();
  });

  it('a path that goes away', async () => {
    const p = join(t.dir, 'lock');
    writeFileSync(p, '');
    setTimeout(() => rmSync(p), 600);
    const r = await runModule(waitFor, { path: p, state: 'absent', timeout: 10 });
    expect(r).toMatchObject({ changed: false, state: 'absent' });
    expect(r.failed).toBeFalsy();
  });

  it('a listening port, its banner, and a port that is closed', async () => {
    const open = await runModule(waitFor, { port, timeout: 5 });
    expect(open).toMatchObject({ state: 'started', port, elapsed: 0 });
    const banner = await runModule(waitFor, { port, search_regex: 'v(\\d+)', timeout: 5 });
    expect(banner).toMatchObject({ match_groups: ['42'] });
    const closed = await runModule(waitFor, { port: 1, host: '127.0.0.1', state: 'stopped', timeout: 5 });
    expect(closed).toMatchObject({ state: 'stopped', elapsed: 0 });
    expect(closed.failed).toBeFalsy();
  });

  it('times out with the message, and check mode skips like Ansible', async () => {
    const t0 = Date.now();
    const r = await runModule(waitFor, { port, state: 'stopped', timeout: 1, sleep: 1 });
    expect(r).toMatchObject({ failed: true, msg: `Timeout when waiting for 127.0.0.1:${port} to stop.`, elapsed: 1 });
    expect(Date.now() - t0).toBeLessThan(10_000); // gave up at the timeout, not hanging
    const c = await runModule(waitFor, { path: join(t.dir, 'never') }, { check: true });
    expect(c).toMatchObject({ changed: false, skipped: true });
    const bad = await runModule(waitFor, { path: '/x', search_regex: '(' });
    expect(bad.failed).toBe(true);
    expect(bad.msg).toMatch(/^Invalid regular expression/);
  });
});
