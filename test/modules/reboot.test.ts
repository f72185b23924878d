// reboot's per-OS defaults as a table (Ansible's), and the command sequence against a scripted host.
// The real reboot runs (emulated inside lab hosts over real SSH) are in test/integration/reboot.test.ts.
import { describe, expect, it } from 'vitest';
import { UnreachableError, type Connection, type ExecBinaryResult } from '../../src/connection/types.js';
import reboot, { distributionFromProbe, rebootCommands, type Distribution } from '../../src/modules/reboot.js';
import { runModule } from './harness.js';

const parse = (a: Record<string, unknown> = {}) => reboot.args.parse(a);
const d = (name: string, family = name, version = ''): Distribution => ({ name, family, version });

describe('reboot: default commands per OS (Ansible\'s tables)', () => {
  it.each([
    ['debian', d('debian', 'debian', '12'), {}, 'shutdown', `-r 0 'Reboot initiated by Ansible'`, 'cat /proc/sys/kernel/random/boot_id', 'whoami'],
    ['rocky with a delay', d('rocky', 'redhat', '9'), { pre_reboot_delay: 130, msg: 'kernel update' }, 'shutdown', `-r 2 'kernel update'`, 'cat /proc/sys/kernel/random/boot_id', 'whoami'],
    ['alpine', d('alpine'), {}, 'reboot', '', 'cat /proc/sys/kernel/random/boot_id', 'whoami'],
    ['void', d('void'), { pre_reboot_delay: 60 }, 'shutdown', `-r +1 'Reboot initiated by Ansible'`, 'cat /proc/sys/kernel/random/boot_id', 'whoami'],
    ['freebsd', d('freebsd'), { pre_reboot_delay: 5 }, 'shutdown', `-r +5s 'Reboot initiated by Ansible'`, '/sbin/sysctl kern.boottime', 'whoami'],
    ['macosx', d('macosx', 'darwin'), {}, 'shutdown', `-r +0 'Reboot initiated by Ansible'`, 'who -b', 'whoami'],
    ['solaris', d('solaris'), { pre_reboot_delay: 7 }, 'shutdown', `-y -g 7 -i 6 'Reboot initiated by Ansible'`, 'who -b', 'who'],
    ['vmkernel', d('vmkernel'), { pre_reboot_delay: 3 }, 'reboot', '-d 3', 'grep booted /var/log/vmksummary.log | tail -n 1', 'who'],
    ['aix', d('aix'), {}, 'shutdown', '-Fr', 'who -b', 'whoami'],
    ['negative delay counts as 0', d('debian'), { pre_reboot_delay: -5 }, 'shutdown', `-r 0 'Reboot initiated by Ansible'`, 'cat /proc/sys/kernel/random/boot_id', 'whoami'],
    ['a message that is not one word stays one', d('debian'), { msg: `it's "time"; now` }, 'shutdown', `-r 0 'it'\\''s "time"; now'`, 'cat /proc/sys/kernel/random/boot_id', 'whoami'],
    ['the task overrides every command', d('debian'), { reboot_command: 'systemctl reboot --force', boot_time_command: 'uptime -s', test_command: 'true' }, 'systemctl', 'reboot --force', 'uptime -s', 'true'],
  ])('%s', (_label, dist, args, bin, shutdownArgs, bootTime, test) => {
    expect(rebootCommands(parse(args), dist)).toEqual({ shutdownBin: bin, shutdownArgs, bootTime, test });
  });

  it.each([
    ['Linux\ndebian\n12\n\n', d('debian', 'debian', '12')],
    ['Linux\nrocky\n9.3\nrhel centos fedora\n', d('rocky', 'rhel', '9')],
    ['Linux\nalpine\n3.19.1\n\n', d('alpine', 'alpine', '3')],
    ['Darwin\n', d('macosx')],
    ['SunOS\n', d('solaris')],
    ['FreeBSD\n', d('freebsd')],
  ])('distribution from uname/os-release %j', (out, expected) => expect(distributionFromProbe(out)).toEqual(expected));

  it('aliases and defaults', () => {
    expect(parse({ reboot_timeout_sec: 30, pre_reboot_delay_sec: 5 })).toMatchObject({ reboot_timeout: 30, pre_reboot_delay: 5, post_reboot_delay: 0, msg: 'Reboot initiated by Ansible' });
    expect(parse().reboot_timeout).toBe(600);
    expect(reboot.args.safeParse({ bogus: 1 }).success).toBe(false);
  });
});

/**
 * A test double for a host that reboots when told (this machine must not): it answers the boot id
 * command, drops the "connection" for `downCalls` commands after the reboot command, and records
 * what was sent and how often the module reconnected.
 */
class ScriptedRebootingHost implements Connection {
  readonly host = 'node1';
  readonly sent: string[] = [];
  reconnects = 0;
  private bootId = 'boot-1';
  private down = 0;
  constructor(private readonly downCalls: number) {}
  async connect() {}
  async close() {}
  async put() {}
  async get(): Promise<Buffer> {
    return Buffer.alloc(0);
  }
  async reconnect(): Promise<void> {
    this.reconnects++;
    if (this.down > 0) {
      this.down--;
      throw new UnreachableError('node1: connect ECONNREFUSED');
    }
  }
  async exec(command: string): Promise<ExecBinaryResult> {
    this.sent.push(command);
    const reply = (stdout: string, rc = 0) => ({ rc, stdout, stderr: '', stdoutBytes: Buffer.from(stdout) });
    if (this.down > 0) throw new UnreachableError('node1: connection lost');
    if (command.startsWith('for d in')) return reply('/sbin/shutdown\n');
    if (command.startsWith('/sbin/shutdown')) {
      this.bootId = 'boot-2';
      this.down = this.downCalls;
      throw new UnreachableError('node1: connection lost');
    }
    if (command === 'cat /proc/sys/kernel/random/boot_id') return reply(`${this.bootId}\n`);
    if (command === 'whoami') return reply('root\n');
    return reply('', 127);
  }
}

describe('reboot: the sequence against a scripted host', () => {
  it('boot id, shutdown found in search_paths, drop, reconnect, new boot id, test command', async () => {
    const conn = new ScriptedRebootingHost(1);
    const vars = { inventory_hostname: 'node1', ansible_distribution: 'Debian', ansible_os_family: 'Debian', ansible_distribution_version: '12.5' };
    const r = await runModule(reboot, {}, { conn, vars });
    expect(r).toMatchObject({ changed: true, rebooted: true });
    expect(r.failed).toBeFalsy();
    expect(conn.sent[0]).toBe('cat /proc/sys/kernel/random/boot_id');
    expect(conn.sent[1]).toMatch(/^for d in \/sbin \/bin \/usr\/sbin \/usr\/bin \/usr\/local\/sbin; do if \[ -e "\$d"\/shutdown \]/);
    expect(conn.sent[2]).toBe(`/sbin/shutdown -r 0 'Reboot initiated by Ansible'`);
    expect(conn.sent.slice(-2)).toEqual(['cat /proc/sys/kernel/random/boot_id', 'whoami']);
    expect(conn.reconnects).toBeGreaterThanOrEqual(1);
  }, 20_000);

  it('refuses a local connection and sends nothing; check mode sends nothing', async () => {
    const conn = new ScriptedRebootingHost(0);
    // no inventory_hostname: the harness's host is localhost, which the executor would run locally
    expect(await runModule(reboot, {}, { conn })).toMatchObject({ failed: true, rebooted: false, msg: 'Running reboot with local connection would reboot the control node.' });
    expect(await runModule(reboot, {}, { conn, vars: { inventory_hostname: 'node1', ansible_connection: 'local' } })).toMatchObject({ failed: true });
    expect(await runModule(reboot, {}, { conn, check: true, vars: { inventory_hostname: 'node1' } })).toEqual({ changed: true, elapsed: 0, rebooted: true });
    expect(conn.sent).toEqual([]);
  });
});
