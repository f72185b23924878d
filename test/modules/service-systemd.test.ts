// The systemd decision as data: recorded answers of the inspection script (systemctl show,
// is-enabled, init script links) -> the unit as Ansible judges it -> the systemctl actions planned.
import { describe, expect, it } from 'vitest';
import { planSystemd, type SystemdWanted } from '../../src/modules/lib/systemd-plan.js';
import { judgeUnit, parseSystemctlShow, parseSystemdInspect, systemdInspectCommand, type SystemdRaw } from '../../src/modules/lib/systemd-state.js';
import systemd, { systemdService } from '../../src/modules/systemd.js';

const show = (props: Record<string, string>) => Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n');

const ACTIVE = show({ Id: 'nginx.service', LoadState: 'loaded', ActiveState: 'active', SubState: 'running', UnitFileState: 'enabled', MainPID: '42' });
const INACTIVE = show({ Id: 'nginx.service', LoadState: 'loaded', ActiveState: 'inactive', SubState: 'dead', UnitFileState: 'disabled', MainPID: '0' });
const NOT_FOUND = show({ Id: 'nope.service', LoadState: 'not-found', ActiveState: 'inactive', LoadError: 'org.freedesktop.systemd1.NoSuchUnit "Unit nope.service not found."' });
const MASKED = show({ Id: 'nginx.service', LoadState: 'masked', ActiveState: 'inactive', UnitFileState: 'masked', LoadError: 'org.freedesktop.systemd1.UnitMasked "Unit nginx.service is masked."' });

function raw(o: { show: string; showRc?: number; isEnabled: string; isEnabledRc?: number; long?: string; sysv?: boolean; sysvEnabled?: boolean; listRc?: number }): SystemdRaw {
  const rc = o.isEnabledRc ?? (['enabled', 'static', 'alias', 'indirect', 'enabled-runtime'].includes(o.isEnabled) ? 0 : 1);
  return {
    systemctl: true,
    show: { rc: o.showRc ?? 0, out: o.show },
    isEnabled: { rc, out: o.isEnabled },
    isEnabledLong: { rc, out: o.long ?? o.isEnabled },
    listUnitFilesRc: o.listRc ?? 1,
    sysvScript: o.sysv ?? false,
    sysvEnabled: o.sysvEnabled ?? false,
  };
}

const want = (w: Partial<SystemdWanted>): SystemdWanted => ({ name: 'nginx', scope: 'system', ...w });

interface Row {
  name: string;
  wanted: Partial<SystemdWanted>;
  raw: SystemdRaw;
  verbs: string[];
  result?: Record<string, unknown>;
  failed?: string;
}

const rows: Row[] = [
  { name: 'start a stopped unit', wanted: { state: 'started' }, raw: raw({ show: INACTIVE, isEnabled: 'disabled' }), verbs: ['start'], result: { state: 'started' } },
  { name: 'started is ok when active', wanted: { state: 'started' }, raw: raw({ show: ACTIVE, isEnabled: 'enabled' }), verbs: [] },
  { name: 'activating counts as running', wanted: { state: 'started' }, raw: raw({ show: show({ LoadState: 'loaded', ActiveState: 'activating' }), isEnabled: 'enabled' }), verbs: [] },
  { name: 'stop an active unit', wanted: { state: 'stopped' }, raw: raw({ show: ACTIVE, isEnabled: 'enabled' }), verbs: ['stop'], result: { state: 'stopped' } },
  { name: 'stop a deactivating unit', wanted: { state: 'stopped' }, raw: raw({ show: show({ LoadState: 'loaded', ActiveState: 'deactivating' }), isEnabled: 'enabled' }), verbs: ['stop'] },
  { name: 'stopped is ok when inactive', wanted: { state: 'stopped' }, raw: raw({ show: INACTIVE, isEnabled: 'disabled' }), verbs: [] },
  { name: 'restarted always acts', wanted: { state: 'restarted' }, raw: raw({ show: ACTIVE, isEnabled: 'enabled' }), verbs: ['restart'], result: { state: 'started' } },
  { name: 'restarted starts a stopped unit', wanted: { state: 'restarted' }, raw: raw({ show: INACTIVE, isEnabled: 'disabled' }), verbs: ['start'], result: { state: 'started' } },
  { name: 'reloaded always acts', wanted: { state: 'reloaded' }, raw: raw({ show: ACTIVE, isEnabled: 'enabled' }), verbs: ['reload'], result: { state: 'started' } },
  { name: 'reloaded starts a stopped unit', wanted: { state: 'reloaded' }, raw: raw({ show: INACTIVE, isEnabled: 'disabled' }), verbs: ['start'] },
  { name: 'enable a disabled unit', wanted: { enabled: true }, raw: raw({ show: INACTIVE, isEnabled: 'disabled' }), verbs: ['enable'], result: { enabled: true } },
  { name: 'enabled is ok when enabled', wanted: { enabled: true }, raw: raw({ show: ACTIVE, isEnabled: 'enabled', long: 'enabled\n  /etc/systemd/system/x.service' }), verbs: [], result: { enabled: true } },
  { name: 'static counts as enabled', wanted: { enabled: true }, raw: raw({ show: ACTIVE, isEnabled: 'static' }), verbs: [], result: { enabled: true } },
  { name: 'indirect alone counts as disabled', wanted: { enabled: true }, raw: raw({ show: ACTIVE, isEnabled: 'indirect' }), verbs: ['enable'] },
  { name: 'alias alone counts as disabled', wanted: { enabled: false }, raw: raw({ show: ACTIVE, isEnabled: 'alias' }), verbs: [], result: { enabled: false } },
  { name: 'disable an enabled unit', wanted: { enabled: false }, raw: raw({ show: ACTIVE, isEnabled: 'enabled' }), verbs: ['disable'], result: { enabled: false } },
  {
    name: 'an init-script-only service: rc?.d links say enabled', wanted: { enabled: true },
    raw: raw({ show: show({ LoadState: 'loaded', ActiveState: 'active' }), isEnabled: 'generated', isEnabledRc: 1, sysv: true, sysvEnabled: true }), verbs: [], result: { enabled: true },
  },
  { name: 'mask', wanted: { masked: true }, raw: raw({ show: INACTIVE, isEnabled: 'disabled' }), verbs: ['mask'] },
  { name: 'masked is ok when masked', wanted: { masked: true }, raw: raw({ show: MASKED, isEnabled: 'masked' }), verbs: [] },
  { name: 'unmask', wanted: { masked: false }, raw: raw({ show: MASKED, isEnabled: 'masked' }), verbs: ['unmask'] },
  { name: 'masking an unknown unit is allowed', wanted: { name: 'nope', masked: true }, raw: raw({ show: NOT_FOUND, isEnabled: '' }), verbs: ['mask'] },
  { name: 'order: mask, enable, state', wanted: { masked: false, enabled: true, state: 'started' }, raw: raw({ show: MASKED, isEnabled: 'masked' }), verbs: ['unmask', 'enable', 'start'] },
  { name: 'unknown unit: state fails', wanted: { name: 'nope', state: 'started' }, raw: raw({ show: NOT_FOUND, isEnabled: '' }), verbs: [], failed: 'Could not find the requested service nope: host' },
  { name: 'unknown unit: enabled fails', wanted: { name: 'nope', enabled: false }, raw: raw({ show: NOT_FOUND, isEnabled: '' }), verbs: [], failed: 'Could not find the requested service nope: host' },
  { name: 'an init script makes it found', wanted: { name: 'legacy', state: 'stopped' }, raw: raw({ show: show({ LoadState: 'not-found', ActiveState: 'inactive' }), isEnabled: '', sysv: true }), verbs: [] },
  {
    name: 'a unit that fails to load', wanted: { state: 'started' },
    raw: raw({ show: show({ LoadState: 'bad-setting', ActiveState: 'inactive', LoadError: 'org.freedesktop.systemd1.BadSetting "bad"' }), isEnabled: 'disabled' }), verbs: [],
    failed: `Error loading unit file 'nginx': org.freedesktop.systemd1.BadSetting "bad"`,
  },
  { name: 'show refused (chroot): is-enabled decides found', wanted: { enabled: true }, raw: raw({ show: 'Running in chroot, ignoring request.', isEnabled: 'disabled' }), verbs: ['enable'] },
  { name: 'show refused and no state to act on', wanted: { state: 'started' }, raw: raw({ show: 'Running in chroot, ignoring request.', isEnabled: 'enabled' }), verbs: [], failed: 'Service is in unknown state' },
];

describe('systemd: plan from recorded systemctl answers (pure)', () => {
  it.each(rows)('$name', (row) => {
    const w = want(row.wanted);
    const plan = planSystemd(w, judgeUnit(row.raw, 'system'));
    if (row.failed) {
      expect(plan).toMatchObject({ failed: true, msg: row.failed, changed: false });
      return;
    }
    expect(plan.failed).toBeFalsy();
    expect(plan.data!.actions.map((a) => a.verb)).toEqual(row.verbs);
    expect(plan.changed).toBe(row.verbs.length > 0);
    expect(plan.result).toMatchObject({ name: w.name, ...row.result });
  });

  it('without a name (daemon_reload only) nothing is planned', () => {
    expect(planSystemd({ scope: 'system' }, undefined)).toEqual({ changed: false, result: { name: null, status: {} }, data: { actions: [], found: false } });
  });

  it('the status is the parsed show output', () => {
    const plan = planSystemd(want({ state: 'started' }), judgeUnit(raw({ show: ACTIVE, isEnabled: 'enabled' }), 'system'));
    expect(plan.result!.status).toEqual({ Id: 'nginx.service', LoadState: 'loaded', ActiveState: 'active', SubState: 'running', UnitFileState: 'enabled', MainPID: '42' });
  });
});

describe('systemd: parsing', () => {
  it('show: only Exec* values span lines; a Description starting with { stays one line', () => {
    const out = ['Description={weird', 'ExecStart={ path=/bin/sleep ; argv[]=/bin/sleep', 'infinity ; ignore_errors=no }', 'ExecReload={ path=/bin/true ; argv[]=/bin/true }', 'After=a b', ''].join('\n');
    expect(parseSystemctlShow(out)).toEqual({
      Description: '{weird',
      ExecStart: '{ path=/bin/sleep ; argv[]=/bin/sleep\ninfinity ; ignore_errors=no }',
      ExecReload: '{ path=/bin/true ; argv[]=/bin/true }',
      After: 'a b',
    });
  });

  it('the inspection output splits into its sections', () => {
    const out = [
      'LoadState=loaded', 'ActiveState=active', '', '@@tsplay-systemd:show:0',
      'enabled', '', '@@tsplay-systemd:is-enabled:0',
      'enabled', '  /etc/systemd/system/a.service', '', '@@tsplay-systemd:is-enabled-l:0',
      '', '@@tsplay-systemd:list-unit-files:0',
      '', '@@tsplay-systemd:sysv-script:1',
      '', '@@tsplay-systemd:sysv-enabled:2', '',
    ].join('\n');
    expect(parseSystemdInspect(out)).toEqual({
      systemctl: true,
      show: { rc: 0, out: 'LoadState=loaded\nActiveState=active' },
      isEnabled: { rc: 0, out: 'enabled' },
      isEnabledLong: { rc: 0, out: 'enabled\n  /etc/systemd/system/a.service' },
      listUnitFilesRc: 0,
      sysvScript: false,
      sysvEnabled: false,
    });
    expect(parseSystemdInspect('@@tsplay-systemd:no-systemctl:1\n').systemctl).toBe(false);
  });

  it('the inspection script quotes the unit name and honours the scope', () => {
    const cmd = systemdInspectCommand("a b'; rm -rf /", 'user');
    expect(cmd).toContain(`systemctl --user show -- 'a b'\\''; rm -rf /'`);
    expect(cmd).toContain(`/etc/rc?.d/S??'a b'\\''; rm -rf /'`);
    expect(systemdInspectCommand('nginx', 'system')).toContain('systemctl show -- nginx 2>&1');
  });
});

describe('systemd: arguments as Ansible takes them', () => {
  it('aliases and defaults', () => {
    expect(systemd.args.parse({ unit: 'a', 'daemon-reload': 'yes', state: 'started' })).toMatchObject({ name: 'a', daemon_reload: true, daemon_reexec: false, scope: 'system', no_block: false });
    expect(systemd.args.parse({ service: 'b', enabled: 'no' })).toMatchObject({ name: 'b', enabled: false });
    expect(systemdService.name).toBe('systemd_service');
  });
  it('needs something to do, and a name for state/enabled/masked', () => {
    expect(systemd.args.safeParse({ name: 'a' }).success).toBe(false);
    expect(systemd.args.safeParse({ state: 'started' }).success).toBe(false);
    expect(systemd.args.safeParse({ daemon_reexec: true }).success).toBe(true);
    expect(systemd.args.safeParse({ name: 'a', state: 'running' }).success).toBe(false);
    expect(systemd.args.safeParse({ name: 'a', state: 'started', bogus: 1 }).success).toBe(false);
  });
});
