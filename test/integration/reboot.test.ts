// reboot against real SSH hosts whose sshd really goes away and comes back.
//
// The reboot is EMULATED: a lab host cannot reboot for real, because its PID 1 ending ends the host
// for good (and a real `shutdown -r` would aim at this machine's kernel). So the tests hand the
// module a reboot_command that, detached inside the host, kills the host's sshd and every session
// (which drops the module's own connection, as a reboot does), writes a new "boot id", waits and
// starts sshd again; and a boot_time_command that reads that id. Everything else — the drop, the
// retries, reconnecting the same connection object, the boot id and test command checks, the
// timeout — is the module's real logic over real SSH.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { quote } from '../../src/connection/quote.js';
import command from '../../src/modules/command.js';
import reboot from '../../src/modules/reboot.js';
import { labUnavailableReason } from '../lab/lab.js';
import { startModuleLab, type ModuleLab } from '../lab/module-kit.js';

const BOOT_ID = '/run/tsplay-boot-id';
const OUTAGE_SEC = 2;

/**
 * Shell text for reboot_command: `/bin/sh -c '...'` whose script starts, detached from the session
 * (a subshell that exits at once, so init adopts it), a "reboot": kill sshd's whole process tree,
 * a new boot id, then (unless `comesBack` is false) sshd again after OUTAGE_SEC seconds.
 */
function emulatedReboot(comesBack: boolean): string {
  const inner = [
    // give the module's reboot command time to return, as shutdown does
    'sleep 0.3',
    'tree() { for c in $(ps -o pid= --ppid "$1"); do tree "$c"; done; echo "$1"; }',
    `kill $(tree "$(cat /run/sshd.pid)" | grep -vx "$$")`,
    `cat /proc/sys/kernel/random/uuid > ${BOOT_ID}`,
    ...(comesBack ? [`sleep ${OUTAGE_SEC}`, '/usr/sbin/sshd -E /var/log/tsplay-lab-sshd.log'] : []),
  ].join('\n');
  const outer = `( setsid sh -c ${quote(inner)} >/dev/null 2>&1 </dev/null & )`;
  return `/bin/sh -c ${quote(outer)}`;
}

const unavailable = labUnavailableReason();
let kit: ModuleLab;
describe.skipIf(unavailable)(`reboot on lab hosts (emulated reboot, real SSH)${unavailable ? ` (${unavailable})` : ''}`, () => {
  beforeAll(async () => {
    kit = await startModuleLab(2, { subnet: 58, init: 'plain' });
    for (const h of ['lab1', 'lab2']) await kit.sh(h, `cat /proc/sys/kernel/random/uuid > ${BOOT_ID}`);
  }, 60_000);
  afterAll(async () => {
    await kit?.down();
  });

  const args = (comesBack: boolean, extra: Record<string, unknown> = {}) => ({
    reboot_command: emulatedReboot(comesBack),
    boot_time_command: `cat ${BOOT_ID}`,
    ...extra,
  });

  it('check mode reports a reboot and does nothing', async () => {
    const id = await kit.sh('lab1', `cat ${BOOT_ID}`);
    const sshd = await kit.sh('lab1', 'cat /run/sshd.pid');
    const r = await kit.run('lab1', reboot, args(true), { check: true });
    expect(r).toEqual({ changed: true, elapsed: 0, rebooted: true });
    expect(await kit.sh('lab1', `cat ${BOOT_ID}`)).toBe(id);
    expect(await kit.sh('lab1', 'cat /run/sshd.pid')).toBe(sshd);
  });

  it('waits for the host to come back with a new boot id, then the same connection works on', async () => {
    const conn = await kit.conn('lab1');
    const id = await kit.sh('lab1', `cat ${BOOT_ID}`);
    const sshd = await kit.sh('lab1', 'cat /run/sshd.pid');
    const reconnects = vi.spyOn(conn, 'reconnect');
    const t0 = Date.now();
    const r = await kit.run('lab1', reboot, args(true, { test_command: 'test -s /run/sshd.pid && whoami' }));
    const wall = (Date.now() - t0) / 1000;
    expect(r).toMatchObject({ changed: true, rebooted: true });
    expect(r.failed).toBeFalsy();
    expect(r.elapsed).toBeGreaterThanOrEqual(OUTAGE_SEC);
    expect(wall).toBeGreaterThanOrEqual(OUTAGE_SEC);
    expect(await kit.sh('lab1', `cat ${BOOT_ID}`)).not.toBe(id);
    // sshd really went away: a new daemon with a new PID answers now
    expect(await kit.sh('lab1', 'cat /run/sshd.pid')).not.toBe(sshd);

    // the old connection died with the old sshd: the module had to reopen it
    expect(reconnects).toHaveBeenCalled();
    reconnects.mockRestore();
    // the next task on this host reuses the very same connection object
    expect(await kit.conn('lab1')).toBe(conn);
    const next = await kit.run('lab1', command, { cmd: 'hostname' });
    expect(next).toMatchObject({ rc: 0, stdout: 'lab1' });
    expect((await conn.exec('cat /proc/sys/kernel/random/boot_id')).rc).toBe(0);
  }, 60_000);

  it('a failing reboot command fails without waiting', async () => {
    const r = await kit.run('lab1', reboot, { reboot_command: '/bin/false', boot_time_command: `cat ${BOOT_ID}` });
    expect(r).toMatchObject({ failed: true, rebooted: false, msg: "Reboot command failed. Error was: ', '" });
    const missing = await kit.run('lab1', reboot, { reboot_command: 'tsplay-no-such-shutdown -r now', boot_time_command: `cat ${BOOT_ID}`, search_paths: ['/sbin', '/usr/sbin'] });
    expect(missing).toMatchObject({ failed: true, msg: `Unable to find command "tsplay-no-such-shutdown" in search paths: ['/sbin', '/usr/sbin']` });
    const noBootId = await kit.run('lab1', reboot, { reboot_command: '/bin/true', boot_time_command: 'cat /tsplay/none' });
    expect(noBootId).toMatchObject({ failed: true, rebooted: false });
    expect(noBootId.msg).toMatch(/^reboot: failed to get host boot time info, rc: 1/);
  });

  it('a host that never comes back fails with a clear message after reboot_timeout', async () => {
    const t0 = Date.now();
    const r = await kit.run('lab2', reboot, args(false, { reboot_timeout: 4 }));
    const wall = (Date.now() - t0) / 1000;
    expect(r).toMatchObject({ failed: true, rebooted: true, msg: 'Timed out waiting for last boot time check (timeout=4)' });
    expect(wall).toBeGreaterThanOrEqual(4);
    // it gives up at the timeout instead of hanging (a wide margin: shared machines are slow at times)
    expect(wall).toBeLessThan(4 + 15);
  }, 30_000);
});
