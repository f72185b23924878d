// The service module on SysV init hosts, table-driven: given the tools a host has and recorded
// `status` answers, the exact commands the module sends. chkconfig (RHEL) cannot run on this
// machine's Debian lab hosts, so it is covered here only; service + update-rc.d also run for real
// on a plain-init lab host in test/integration/services.test.ts.
import { describe, expect, it } from 'vitest';
import type { Connection, ExecBinaryResult, ExecOptions } from '../../src/connection/types.js';
import { parseSysvInspect, planSysv, psRunning, sysvInspectCommand, sysvRunning, type SysvRaw, type SysvWanted } from '../../src/modules/lib/service-sysv.js';
import service from '../../src/modules/service.js';
import { runModule } from './harness.js';

const DEBIAN: SysvRaw['tools'] = { service: '/usr/sbin/service', updateRcd: '/usr/sbin/update-rc.d' };
const RHEL: SysvRaw['tools'] = { service: '/sbin/service', chkconfig: '/sbin/chkconfig' };
const CHK_OFF = 'ntpd           \t0:off\t1:off\t2:off\t3:off\t4:off\t5:off\t6:off';
const CHK_ON = 'ntpd           \t0:off\t1:off\t2:on\t3:on\t4:on\t5:on\t6:off';

const host = (o: Partial<SysvRaw>): SysvRaw => ({ tools: DEBIAN, initscript: true, startLinks: false, killLinks: false, ...o });
const want = (o: Partial<SysvWanted>): SysvWanted => ({ name: 'ntpd', arguments: [], ...o });

interface Row {
  name: string;
  wanted: Partial<SysvWanted>;
  host: SysvRaw;
  commands: (string[] | number)[];
  result?: Record<string, unknown>;
  failed?: string;
}

const running = { rc: 0, out: 'ntpd is running.\n' };
const stopped = { rc: 3, out: 'ntpd is not running ... failed!\n' };

const rows: Row[] = [
  // update-rc.d (Debian)
  { name: 'update-rc.d: enable a never-installed script', wanted: { enabled: true }, host: host({}), commands: [['/usr/sbin/update-rc.d', 'ntpd', 'defaults'], ['/usr/sbin/update-rc.d', 'ntpd', 'enable']], result: { enabled: true } },
  { name: 'update-rc.d: enable a disabled script (K links exist)', wanted: { enabled: true }, host: host({ killLinks: true }), commands: [['/usr/sbin/update-rc.d', 'ntpd', 'enable']] },
  { name: 'update-rc.d: enabled already', wanted: { enabled: true }, host: host({ startLinks: true, killLinks: true }), commands: [] },
  { name: 'update-rc.d: disable', wanted: { enabled: false }, host: host({ startLinks: true, killLinks: true }), commands: [['/usr/sbin/update-rc.d', 'ntpd', 'disable']], result: { enabled: false } },
  { name: 'update-rc.d: disabled already', wanted: { enabled: false }, host: host({ killLinks: true }), commands: [] },
  // chkconfig (RHEL)
  { name: 'chkconfig: enable', wanted: { enabled: true }, host: host({ tools: RHEL, chkconfigList: CHK_OFF }), commands: [['/sbin/chkconfig', 'ntpd', 'on']] },
  { name: 'chkconfig: enabled already', wanted: { enabled: true }, host: host({ tools: RHEL, chkconfigList: CHK_ON }), commands: [] },
  { name: 'chkconfig: disable', wanted: { enabled: false }, host: host({ tools: RHEL, chkconfigList: CHK_ON }), commands: [['/sbin/chkconfig', 'ntpd', 'off']] },
  {
    name: 'chkconfig: a script not added yet is added first', wanted: { enabled: true },
    host: host({ tools: RHEL, chkconfigList: "service ntpd supports chkconfig, but is not referenced in any runlevel (run 'chkconfig --add ntpd')" }),
    commands: [['/sbin/chkconfig', '--add', 'ntpd'], ['/sbin/chkconfig', 'ntpd', 'on']],
  },
  { name: 'chkconfig: a script without chkconfig headers', wanted: { enabled: true }, host: host({ tools: RHEL, chkconfigList: 'error reading information on service foo' }), commands: [], failed: 'service ntpd does not support chkconfig' },
  // state through `service NAME ACTION`
  { name: 'start a stopped service', wanted: { state: 'started' }, host: host({ status: stopped }), commands: [['/usr/sbin/service', 'ntpd', 'start']], result: { state: 'started' } },
  { name: 'started already', wanted: { state: 'started' }, host: host({ status: running }), commands: [], result: { state: 'started' } },
  { name: 'stop a running service', wanted: { state: 'stopped' }, host: host({ status: running }), commands: [['/usr/sbin/service', 'ntpd', 'stop']], result: { state: 'stopped' } },
  { name: 'stopped already', wanted: { state: 'stopped' }, host: host({ status: stopped }), commands: [] },
  { name: 'reload a running service', wanted: { state: 'reloaded' }, host: host({ status: running }), commands: [['/usr/sbin/service', 'ntpd', 'reload']], result: { state: 'started' } },
  { name: 'reloaded starts a stopped service', wanted: { state: 'reloaded' }, host: host({ status: stopped }), commands: [['/usr/sbin/service', 'ntpd', 'start']] },
  { name: 'restart is stop, sleep, start', wanted: { state: 'restarted', sleep: 2 }, host: host({ status: running }), commands: [['/usr/sbin/service', 'ntpd', 'stop'], 2, ['/usr/sbin/service', 'ntpd', 'start']] },
  { name: 'arguments go to every action', wanted: { state: 'restarted', arguments: ['--force', 'a b'] }, host: host({ status: running }), commands: [['/usr/sbin/service', 'ntpd', 'stop', '--force', 'a b'], ['/usr/sbin/service', 'ntpd', 'start', '--force', 'a b']] },
  { name: 'no service binary: the init script itself', wanted: { state: 'started' }, host: host({ tools: { updateRcd: '/usr/sbin/update-rc.d' }, status: stopped }), commands: [['/etc/init.d/ntpd', 'start']] },
  { name: 'pattern: ps decides', wanted: { state: 'stopped', pattern: '/usr/sbin/ntpd' }, host: host({ ps: 'root 1 0 init\nntp 77 1 /usr/sbin/ntpd -g\n' }), commands: [['/usr/sbin/service', 'ntpd', 'stop']] },
  { name: 'pattern not running', wanted: { state: 'stopped', pattern: '/usr/sbin/ntpd' }, host: host({ ps: 'root 1 0 init\n' }), commands: [] },
  { name: 'enable and start together', wanted: { state: 'started', enabled: true }, host: host({ status: stopped, killLinks: true }), commands: [['/usr/sbin/update-rc.d', 'ntpd', 'enable'], ['/usr/sbin/service', 'ntpd', 'start']], result: { enabled: true, state: 'started' } },
  // failures
  { name: 'no init script', wanted: { state: 'started' }, host: host({ initscript: false, status: stopped }), commands: [], failed: 'Could not find the requested service ntpd: host' },
  { name: 'no update-rc.d and no chkconfig', wanted: { state: 'started' }, host: host({ tools: { service: '/usr/sbin/service' }, status: stopped }), commands: [], failed: 'Could not find the requested service ntpd: host' },
  { name: 'status cannot tell', wanted: { state: 'started' }, host: host({ status: { rc: 5, out: 'hello\nworld\n' } }), commands: [], failed: 'failed determining service state, possible typo of service name?' },
];

describe('service on SysV init: commands from recorded answers (pure)', () => {
  it.each(rows)('$name', (row) => {
    const plan = planSysv(want(row.wanted), row.host);
    if (row.failed) {
      expect(plan).toMatchObject({ failed: true, msg: row.failed });
      return;
    }
    expect(plan.failed).toBeFalsy();
    expect(plan.data!.steps.map((s) => ('sleep' in s ? s.sleep : s.argv))).toEqual(row.commands);
    expect(plan.changed).toBe(row.commands.length > 0);
    expect(plan.result).toMatchObject({ name: 'ntpd', ...row.result });
  });
});

describe('service on SysV init: reading `status` like Ansible', () => {
  it.each([
    [0, 'ntpd is running.\n', true],
    [3, 'whatever\n', false],
    [4, '', false],
    [0, 'ntpd stop/waiting\n', false],
    [0, 'ntpd is not running\n', false],
    [5, 'ntpd start/running, process 7\n', true],
    [5, 'ntpd dead but pid file exists\n', false],
    [0, 'line one\nline two running\n', true],
    [5, 'line one\nline two\n', undefined],
  ])('rc %d, %j -> %s', (rc, out, expected) => expect(sysvRunning('ntpd', rc, out)).toBe(expected));

  it('ps matches a pattern but not the module invocation itself', () => {
    expect(psRunning('a\nb /usr/sbin/ntpd\n', 'ntpd')).toBe(true);
    expect(psRunning('python ... pattern=ntpd\n', 'ntpd')).toBe(false);
  });

  it('the inspection output splits into its sections', () => {
    const out = [
      '/usr/sbin/service', '', '@@tsplay-sysv:tool-service:0',
      '', '@@tsplay-sysv:tool-chkconfig:1',
      '/usr/sbin/update-rc.d', '', '@@tsplay-sysv:tool-update-rc.d:0',
      '', '@@tsplay-sysv:initscript:0',
      '', '@@tsplay-sysv:start-links:2',
      '', '@@tsplay-sysv:kill-links:0',
      ' * ntpd is running', '', '@@tsplay-sysv:status:0', '',
    ].join('\n');
    expect(parseSysvInspect(out)).toEqual({ tools: { service: '/usr/sbin/service', updateRcd: '/usr/sbin/update-rc.d' }, initscript: true, startLinks: false, killLinks: true, status: { rc: 0, out: ' * ntpd is running\n' } });
  });
});

/**
 * A test double for a SysV host this machine cannot run (no init scripts to manage here): it
 * answers the module's detection and inspection from a table and records every other command.
 */
class ScriptedSysvHost implements Connection {
  readonly host = 'sysv1';
  readonly sent: string[] = [];
  constructor(private readonly answers: { inspect: string; rc?: Record<string, number> }) {}
  async connect() {}
  async close() {}
  async put() {}
  async get(): Promise<Buffer> {
    return Buffer.alloc(0);
  }
  async exec(command: string, _opts?: ExecOptions): Promise<ExecBinaryResult> {
    const reply = (stdout: string, rc = 0) => ({ rc, stdout, stderr: rc ? 'boom' : '', stdoutBytes: Buffer.from(stdout) });
    if (command.includes('/run/systemd/system')) return reply('sysvinit\n');
    if (command.includes('@@tsplay-sysv:')) return reply(this.answers.inspect);
    this.sent.push(command);
    return reply('', this.answers.rc?.[command] ?? 0);
  }
}

describe('service on a (scripted) SysV host: the module end to end', () => {
  const inspect = (status: string, statusRc: number) =>
    [
      '/usr/sbin/service', '@@tsplay-sysv:tool-service:0', '@@tsplay-sysv:tool-chkconfig:1', '/usr/sbin/update-rc.d', '@@tsplay-sysv:tool-update-rc.d:0',
      '@@tsplay-sysv:initscript:0', '@@tsplay-sysv:start-links:2', '@@tsplay-sysv:kill-links:2', `${status}`, `@@tsplay-sysv:status:${statusRc}`, '',
    ].join('\n');

  it('detects SysV without facts, enables and starts with quoted argv commands', async () => {
    const conn = new ScriptedSysvHost({ inspect: inspect('ntpd is not running', 3) });
    const r = await runModule(service, { name: 'ntpd', state: 'started', enabled: true, args: "-x 'a b'" }, { conn });
    expect(r).toEqual({ changed: true, name: 'ntpd', enabled: true, state: 'started' });
    expect(conn.sent).toEqual(['/usr/sbin/update-rc.d ntpd defaults', '/usr/sbin/update-rc.d ntpd enable', "/usr/sbin/service ntpd start -x 'a b'"]);
  });

  it('check mode and an ok run send nothing', async () => {
    const check = new ScriptedSysvHost({ inspect: inspect('ntpd is not running', 3) });
    expect(await runModule(service, { name: 'ntpd', state: 'started' }, { conn: check, check: true })).toEqual({ changed: true, name: 'ntpd', state: 'started' });
    expect(check.sent).toEqual([]);
    const ok = new ScriptedSysvHost({ inspect: inspect('ntpd is running', 0) });
    expect(await runModule(service, { name: 'ntpd', state: 'started' }, { conn: ok, vars: { ansible_service_mgr: 'sysvinit' } })).toEqual({ changed: false, name: 'ntpd', state: 'started' });
    expect(ok.sent).toEqual([]);
  });

  it('a failing init script fails the task with its message', async () => {
    const conn = new ScriptedSysvHost({ inspect: inspect('ntpd is not running', 3), rc: { '/usr/sbin/service ntpd start': 1 } });
    const r = await runModule(service, { name: 'ntpd', state: 'started' }, { conn });
    expect(r).toMatchObject({ failed: true, msg: 'boom' });
  });

  it('the inspection asks for status only when a state is wanted, with the arguments', () => {
    expect(sysvInspectCommand(want({ enabled: true }))).not.toContain('status');
    expect(sysvInspectCommand(want({ state: 'started', arguments: ['a b'] }))).toContain("service ntpd status 'a b'");
    expect(sysvInspectCommand(want({ state: 'started', pattern: 'x' }))).toContain('ps auxww');
  });
});
