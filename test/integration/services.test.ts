// systemd and service against real systemd (and wait_for on the same hosts: this file owns the
// lab on 127.0.54.x): every lab host here boots systemd as its own PID 1
// (where the machine allows it), so start/stop/enable/mask happen for real and are checked with
// systemctl inside the host, not through the module under test.
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import service from '../../src/modules/service.js';
import systemd from '../../src/modules/systemd.js';
import waitFor, { parsePortProbe, portProbeCommand } from '../../src/modules/wait-for.js';
import { labUnavailableReason } from '../lab/lab.js';
import { applyTwice, startModuleLab, type ModuleLab } from '../lab/module-kit.js';

const UNIT = 'tsplay-echo';
const UNIT_FILE = `/usr/lib/systemd/system/${UNIT}.service`;
const RELOADS = '/run/tsplay-echo.reloads';
// a tiny long-lived program every host has; reload leaves a trace so the test can see it ran
const unitText = (description: string) => `[Unit]
Description=${description}

[Service]
ExecStart=/bin/sleep infinity
ExecReload=/bin/sh -c 'echo reload >> ${RELOADS}'

[Install]
WantedBy=multi-user.target
`;

const unavailable = labUnavailableReason();
let kit: ModuleLab;
let noSystemd: string | undefined;

/** Skips a test, saying why, on a machine where the lab hosts could not boot systemd. */
function needSystemd(t: TestContext) {
  if (!noSystemd) return;
  console.warn(`skipped: ${noSystemd}`);
  t.skip(noSystemd);
}

const sh = (host: string, cmd: string) => kit.sh(host, cmd);
const isActive = async (host: string) => (await kit.lab.exec(host, `systemctl is-active ${UNIT}`)).stdout.trim();
const isEnabled = async (host: string) => (await kit.lab.exec(host, `systemctl is-enabled ${UNIT}`)).stdout.trim();
const mainPid = async (host: string) => Number((await sh(host, `systemctl show -p MainPID --value ${UNIT}`)).trim());

describe.skipIf(unavailable)(`systemd and service on lab hosts that run systemd${unavailable ? ` (${unavailable})` : ''}`, () => {
  beforeAll(async () => {
    kit = await startModuleLab(2, { subnet: 54, init: 'auto' });
    if (kit.lab.init !== 'systemd') noSystemd = `the lab hosts could not boot systemd here (init: ${kit.lab.init})`;
    else for (const h of ['lab1', 'lab2']) await sh(h, `cat > ${UNIT_FILE} << 'EOF'\n${unitText('tsplay test unit')}EOF\nsystemctl daemon-reload`);
  }, 60_000);
  afterAll(async () => {
    await kit?.down();
  });

  it('started: check mode starts nothing, then changed, then ok', async (t) => {
    needSystemd(t);
    const check = await kit.run('lab1', systemd, { name: UNIT, state: 'started' }, { check: true });
    expect(check).toMatchObject({ changed: true, name: UNIT, state: 'started' });
    expect(await isActive('lab1')).toBe('inactive');
    const r = await applyTwice(kit, 'lab1', systemd, { name: UNIT, state: 'started' });
    expect(r.writtenByCheck).toEqual([]);
    expect([r.check.changed, r.first.changed, r.second.changed, r.checkAfter.changed]).toEqual([true, true, false, false]);
    expect(await isActive('lab1')).toBe('active');
    // status is what systemctl show said before the task acted, as in Ansible
    expect((r.first.status as Record<string, string>).ActiveState).toBe('inactive');
    expect((r.second.status as Record<string, string>)).toMatchObject({ ActiveState: 'active', SubState: 'running', LoadState: 'loaded' });
  });

  it('daemon_reload (on a running, so loaded, unit): picks up a changed unit file, is never a change, and check mode does not run it', async (t) => {
    needSystemd(t);
    await sh('lab1', `cat > ${UNIT_FILE} << 'EOF'\n${unitText('tsplay test unit, edited')}EOF`);
    const needs = async () => (await sh('lab1', `systemctl show -p NeedDaemonReload --value ${UNIT}`)).trim();
    expect(await needs()).toBe('yes');
    const check = await kit.run('lab1', systemd, { daemon_reload: true }, { check: true });
    expect(check).toMatchObject({ changed: false, name: null });
    expect(check.failed).toBeFalsy();
    expect(await needs()).toBe('yes');
    const r = await kit.run('lab1', systemd, { 'daemon-reload': true, name: UNIT, state: 'started' });
    expect(r.failed).toBeFalsy();
    expect(r.changed).toBe(false);
    expect(await needs()).toBe('no');
    expect((r.status as Record<string, string>).Description).toBe('tsplay test unit, edited');
  });

  it('enabled: the wants symlink appears once; check mode writes none', async (t) => {
    needSystemd(t);
    const link = `/etc/systemd/system/multi-user.target.wants/${UNIT}.service`;
    const r = await applyTwice(kit, 'lab1', systemd, { name: UNIT, enabled: true });
    expect(r.writtenByCheck).toEqual([]);
    expect([r.check.changed, r.first.changed, r.second.changed, r.checkAfter.changed]).toEqual([true, true, false, false]);
    expect([r.check.enabled, r.first.enabled, r.second.enabled]).toEqual([true, true, true]);
    // merged /usr: systemd finds the file through /lib first
    expect((await sh('lab1', `readlink -f ${link}`)).trim()).toBe(UNIT_FILE);
    expect(await isEnabled('lab1')).toBe('enabled');
    const off = await applyTwice(kit, 'lab1', systemd, { name: UNIT, enabled: 'no' });
    expect(off.writtenByCheck).toEqual([]);
    expect([off.first.changed, off.second.changed, off.second.enabled]).toEqual([true, false, false]);
    expect(await isEnabled('lab1')).toBe('disabled');
  });

  it('restarted changes every time and the main PID changes; reloaded runs ExecReload', async (t) => {
    needSystemd(t);
    const pid0 = await mainPid('lab1');
    expect(pid0).toBeGreaterThan(0);
    const check = await kit.run('lab1', systemd, { name: UNIT, state: 'restarted' }, { check: true });
    expect(check.changed).toBe(true);
    expect(await mainPid('lab1')).toBe(pid0);
    const r1 = await kit.run('lab1', systemd, { name: UNIT, state: 'restarted' });
    const pid1 = await mainPid('lab1');
    const r2 = await kit.run('lab1', systemd, { name: UNIT, state: 'restarted' });
    const pid2 = await mainPid('lab1');
    expect([r1.changed, r2.changed, r1.state]).toEqual([true, true, 'started']);
    expect(new Set([pid0, pid1, pid2]).size).toBe(3);
    const reloads = async () => (await kit.lab.exec('lab1', `cat ${RELOADS}`)).stdout.split('\n').filter(Boolean).length;
    const before = await reloads();
    const rl = await kit.run('lab1', systemd, { name: UNIT, state: 'reloaded' });
    expect([rl.changed, rl.failed ?? false]).toEqual([true, false]);
    expect(await reloads()).toBe(before + 1);
    expect(await mainPid('lab1')).toBe(pid2);
  });

  it('stopped: check mode stops nothing, then changed, then ok', async (t) => {
    needSystemd(t);
    const r = await applyTwice(kit, 'lab1', systemd, { name: UNIT, state: 'stopped' });
    expect(r.writtenByCheck).toEqual([]);
    expect([r.check.changed, r.first.changed, r.second.changed, r.checkAfter.changed]).toEqual([true, true, false, false]);
    expect(await isActive('lab1')).toBe('inactive');
  });

  it('masked links the unit to /dev/null and unmasked removes the link', async (t) => {
    needSystemd(t);
    const maskLink = `/etc/systemd/system/${UNIT}.service`;
    const r = await applyTwice(kit, 'lab1', systemd, { unit: UNIT, masked: true });
    expect(r.writtenByCheck).toEqual([]);
    expect([r.check.changed, r.first.changed, r.second.changed, r.checkAfter.changed]).toEqual([true, true, false, false]);
    expect((await sh('lab1', `readlink ${maskLink}`)).trim()).toBe('/dev/null');
    expect(await isEnabled('lab1')).toBe('masked');
    const start = await kit.run('lab1', systemd, { name: UNIT, state: 'started' });
    expect(start.failed).toBe(true);
    expect(start.msg).toMatch(/^Unable to start service tsplay-echo: .*masked/);
    const u = await applyTwice(kit, 'lab1', systemd, { name: UNIT, masked: false });
    expect(u.writtenByCheck).toEqual([]);
    expect([u.first.changed, u.second.changed]).toEqual([true, false]);
    expect((await kit.lab.exec('lab1', `test -e ${maskLink} || test -L ${maskLink}`)).code).not.toBe(0);
  });

  it('a unit nobody knows fails clearly, in check mode too', async (t) => {
    needSystemd(t);
    for (const check of [false, true]) {
      const r = await kit.run('lab1', systemd, { name: 'tsplay-nosuch', state: 'started' }, { check });
      expect(r).toMatchObject({ failed: true, changed: false, msg: 'Could not find the requested service tsplay-nosuch: host' });
    }
    const e = await kit.run('lab1', systemd, { name: 'tsplay-nosuch.service', enabled: true });
    expect(e.msg).toBe('Could not find the requested service tsplay-nosuch.service: host');
    const glob = await kit.run('lab1', systemd, { name: 'tsplay-*', state: 'started' });
    expect(glob.msg).toMatch(/glob patterns, found '\*'/);
  });

  it('service on a systemd host (no facts: it detects systemd) uses the systemd logic', async (t) => {
    needSystemd(t);
    const args = { name: UNIT, state: 'started', enabled: true };
    const r = await applyTwice(kit, 'lab2', service, args);
    expect(r.writtenByCheck).toEqual([]);
    expect([r.check.changed, r.first.changed, r.second.changed, r.checkAfter.changed]).toEqual([true, true, false, false]);
    expect(await isActive('lab2')).toBe('active');
    expect(await isEnabled('lab2')).toBe('enabled');
    expect(r.second).toMatchObject({ name: UNIT, state: 'started', enabled: true });
    expect((r.second.status as Record<string, string>).ActiveState).toBe('active');

    // the fact, when gathered, is used as is; service-only arguments are dropped with a warning
    const stop = await applyTwice(kit, 'lab2', service, { name: UNIT, state: 'stopped', enabled: false, pattern: 'sleep' }, { vars: { ansible_service_mgr: 'systemd' } });
    expect(stop.writtenByCheck).toEqual([]);
    expect([stop.first.changed, stop.second.changed]).toEqual([true, false]);
    expect(stop.first.warnings).toEqual(['Ignoring "pattern" as it is not used in "systemd"']);
    expect(await isActive('lab2')).toBe('inactive');
    expect(await isEnabled('lab2')).toBe('disabled');

    const restarted = await kit.run('lab2', service, { name: UNIT, state: 'restarted' });
    expect([restarted.changed, await isActive('lab2')]).toEqual([true, 'active']);
    const missing = await kit.run('lab2', service, { name: 'tsplay-nosuch', state: 'stopped' });
    expect(missing).toMatchObject({ failed: true, msg: 'Could not find the requested service tsplay-nosuch: host' });
  });

  describe('wait_for on a lab host (its own view: paths and ports as the host sees them)', () => {
    const ADDR = '127.0.54.1';
    const PORT = 18054;
    /** starts `cmd` in the host in the background after `delay` s; its PID lands in `pidFile` */
    const later = (delay: number, cmd: string) => sh('lab1', `(sleep ${delay}; ${cmd}) >/dev/null 2>&1 </dev/null &`);

    it('a path that appears after 1 s, then one that goes away', async () => {
      await sh('lab1', 'rm -f /tmp/tsplay-wf-ready');
      await later(1, 'echo "ready on port=8042" > /tmp/tsplay-wf-ready');
      const t0 = Date.now();
      const r = await kit.run('lab1', waitFor, { path: '/tmp/tsplay-wf-ready', search_regex: 'port=(\\d+)', timeout: 20 });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
      expect(r).toMatchObject({ changed: false, state: 'started', path: '/tmp/tsplay-wf-ready', match_groups: ['8042'] });
      expect(r.failed).toBeFalsy();
      // the path is on the host, not on this machine
      expect((await kit.run('lab1', waitFor, { path: '/tmp/tsplay-wf-ready', timeout: 1 })).failed).toBeFalsy();

      await later(1, 'rm /tmp/tsplay-wf-ready');
      const gone = await kit.run('lab1', waitFor, { path: '/tmp/tsplay-wf-ready', state: 'absent', timeout: 20 });
      expect(gone).toMatchObject({ changed: false, state: 'absent' });
      expect(gone.failed).toBeFalsy();
      expect((await kit.lab.exec('lab1', 'test -e /tmp/tsplay-wf-ready')).code).not.toBe(0);
    });

    it("a port on the host's address that starts listening after 1 s, then stops", async () => {
      await later(1, `exec python3 -m http.server --bind ${ADDR} ${PORT} & echo $! > /tmp/tsplay-wf-http.pid; wait`);
      const t0 = Date.now();
      const r = await kit.run('lab1', waitFor, { host: ADDR, port: PORT, timeout: 30 });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
      expect(r).toMatchObject({ changed: false, state: 'started', port: PORT });
      expect(r.failed).toBeFalsy();
      const pid = (await sh('lab1', 'cat /tmp/tsplay-wf-http.pid')).trim();
      await later(1, `kill ${pid}`);
      const stopped = await kit.run('lab1', waitFor, { host: ADDR, port: PORT, state: 'stopped', timeout: 20 });
      expect(stopped).toMatchObject({ state: 'stopped' });
      expect(stopped.failed).toBeFalsy();
      expect((await kit.lab.exec('lab1', `kill -0 ${pid}`)).code).not.toBe(0);
    });

    it("a closed port is stopped at once; the host's sshd banner matches a search_regex", async () => {
      const closed = await kit.run('lab1', waitFor, { host: ADDR, port: PORT + 1, state: 'stopped', timeout: 5 });
      expect(closed).toMatchObject({ state: 'stopped', elapsed: 0 });
      const banner = await kit.run('lab1', waitFor, { host: ADDR, port: kit.lab.host('lab1').port, search_regex: 'SSH-2\\.0-(\\S+)', connect_timeout: 1, timeout: 10 });
      expect((banner.match_groups as string[])[0]).toMatch(/^OpenSSH/);
    });

    it('without bash or nc the probe reads the listening sockets of /proc/net/tcp', async () => {
      // a PATH with nothing but cat: the probe's last resort, run for real in the host
      await sh('lab1', 'mkdir -p /tmp/tsplay-wf-bin && ln -sf "$(command -v cat)" /tmp/tsplay-wf-bin/cat');
      const probe = (port: number) => sh('lab1', `PATH=/tmp/tsplay-wf-bin; ${portProbeCommand(ADDR, port, 1, false)}`);
      const ssh = await probe(kit.lab.host('lab1').port);
      expect(ssh).toMatch(/^@@tsplay-probe:proc:0\n/);
      expect(parsePortProbe(ssh, kit.lab.host('lab1').port).open).toBe(true);
      expect(parsePortProbe(await probe(PORT + 1), PORT + 1).open).toBe(false);
    });

    it('runs out of time with its msg after about `timeout` seconds', async () => {
      const t0 = Date.now();
      const r = await kit.run('lab1', waitFor, { path: '/tmp/tsplay-wf-never', timeout: 2, msg: 'no file for tsplay' });
      const wall = Date.now() - t0;
      expect(r).toMatchObject({ failed: true, msg: 'no file for tsplay', elapsed: 2 });
      expect(wall).toBeGreaterThanOrEqual(2000);
      // it gives up at the timeout instead of hanging (a wide margin: shared machines are slow at times)
      expect(wall).toBeLessThan(2000 + 8000);
    });
  });
});

// After the systemd lab is down, the same subnet hosts one plain-init host: no systemd, a real
// SysV init script run by Debian's `service`, boot links by update-rc.d.
const SYSV = 'tsplay-sysv';
const SYSV_SCRIPT = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          ${SYSV}
# Required-Start:    $local_fs
# Required-Stop:     $local_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: tsplay test service
### END INIT INFO
PIDFILE=/run/${SYSV}.pid
case "$1" in
  start) start-stop-daemon --start --quiet --oknodo --background --make-pidfile --pidfile $PIDFILE --exec /bin/sleep -- infinity ;;
  stop) start-stop-daemon --stop --quiet --oknodo --pidfile $PIDFILE --remove-pidfile ;;
  reload) echo reload >> /run/${SYSV}.reloads ;;
  status) if start-stop-daemon --status --pidfile $PIDFILE; then echo "${SYSV} is running"; else echo "${SYSV} is not running"; exit 3; fi ;;
  *) echo "Usage: $0 {start|stop|reload|status}" >&2; exit 1 ;;
esac
`;

let sysvKit: ModuleLab;
describe.skipIf(unavailable)(`service on a SysV-init lab host (service + update-rc.d)${unavailable ? ` (${unavailable})` : ''}`, () => {
  beforeAll(async () => {
    sysvKit = await startModuleLab(1, { subnet: 54, init: 'plain' });
    await sysvKit.sh('lab1', `cat > /etc/init.d/${SYSV} << 'EOF'\n${SYSV_SCRIPT}EOF\nchmod 755 /etc/init.d/${SYSV}`);
  }, 60_000);
  afterAll(async () => {
    await sysvKit?.down();
  });
  const status = async () => (await sysvKit.lab.exec('lab1', `/etc/init.d/${SYSV} status`)).code;
  const pid = async () => (await sysvKit.lab.exec('lab1', `cat /run/${SYSV}.pid`)).stdout.trim();

  it('enabled + started: update-rc.d links and a running daemon; then ok; check mode writes nothing', async () => {
    const r = await applyTwice(sysvKit, 'lab1', service, { name: SYSV, state: 'started', enabled: true });
    expect(r.writtenByCheck).toEqual([]);
    expect([r.check.changed, r.first.changed, r.second.changed, r.checkAfter.changed]).toEqual([true, true, false, false]);
    expect(r.first).toMatchObject({ name: SYSV, state: 'started', enabled: true });
    expect(r.first.failed).toBeFalsy();
    expect(await status()).toBe(0);
    expect((await sysvKit.sh('lab1', `ls /etc/rc2.d/ | grep ${SYSV}`)).trim()).toMatch(new RegExp(`^S\\d\\d${SYSV}$`));
    expect((await sysvKit.sh('lab1', `ls /etc/rc0.d/ | grep ${SYSV}`)).trim()).toMatch(new RegExp(`^K\\d\\d${SYSV}$`));
  });

  it('restarted (new PID), reloaded, then stopped and disabled', async () => {
    const before = await pid();
    const re = await sysvKit.run('lab1', service, { name: SYSV, state: 'restarted', sleep: 1 });
    expect([re.changed, re.failed ?? false]).toEqual([true, false]);
    expect(await pid()).not.toBe(before);
    const rl = await sysvKit.run('lab1', service, { name: SYSV, state: 'reloaded' });
    expect(rl.changed).toBe(true);
    expect(await sysvKit.sh('lab1', `cat /run/${SYSV}.reloads`)).toBe('reload\n');
    const off = await applyTwice(sysvKit, 'lab1', service, { name: SYSV, state: 'stopped', enabled: false });
    expect(off.writtenByCheck).toEqual([]);
    expect([off.first.changed, off.second.changed]).toEqual([true, false]);
    expect(await status()).toBe(3);
    expect((await sysvKit.sh('lab1', `ls /etc/rc2.d/ | grep ${SYSV}`)).trim()).toMatch(new RegExp(`^K\\d\\d${SYSV}$`));
  });

  it('a service without an init script fails clearly', async () => {
    const r = await sysvKit.run('lab1', service, { name: 'tsplay-nosuch', state: 'started' });
    expect(r).toMatchObject({ failed: true, msg: 'Could not find the requested service tsplay-nosuch: host' });
  });
});
