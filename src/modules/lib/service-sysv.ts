// The service module on hosts without systemd: SysV init scripts run through `service NAME ACTION`,
// boot links managed by update-rc.d (Debian) or chkconfig (RHEL). Ansible's LinuxService logic:
// one read-only script gathers the tools and the status, a pure plan turns them into commands.
import { argv, quote } from '../../connection/quote.js';
import type { Plan } from '../types.js';
import { missingMessage } from './systemd-plan.js';
import { endSection, splitStatusSections } from './status-sections.js';

export type ServiceState = 'started' | 'stopped' | 'restarted' | 'reloaded';

export interface SysvWanted {
  name: string;
  state?: ServiceState;
  enabled?: boolean;
  pattern?: string;
  sleep?: number;
  /** extra words for the init script (Ansible's `arguments`, already split) */
  arguments: string[];
}

/** Raw answers of the inspection script. */
export interface SysvRaw {
  /** absolute paths of the tools the host has */
  tools: { service?: string; chkconfig?: string; updateRcd?: string };
  initscript: boolean;
  /** /etc/rc?.d/S??NAME exist (update-rc.d's "enabled") */
  startLinks: boolean;
  /** /etc/rc?.d/K??NAME exist (the script was installed with defaults before) */
  killLinks: boolean;
  /** `chkconfig --list NAME`, stdout and stderr together */
  chkconfigList?: string;
  /** `service NAME status`, when a state was asked for and no pattern given */
  status?: { rc: number; out: string };
  /** `ps auxww`, when a pattern was given */
  ps?: string;
}

/** A command the plan runs, or a pause (restart's `sleep` between stop and start). */
export type SysvStep =
  | { argv: string[]; onError: 'fail-err-or-out' | 'ignore' | 'chkconfig' }
  | { sleep: number };

export interface SysvPlanData {
  steps: SysvStep[];
}

const MARK = '@@tsplay-sysv:';
// Ansible looks for these tools in the PATH and in the sbin directories
const SEARCH_PATH = 'PATH="$PATH:/sbin:/usr/sbin:/bin:/usr/bin"; export PATH';

export function sysvInitScript(name: string): string {
  return `/etc/init.d/${name}`;
}

/** One read-only script: which tools exist, the init script and its links, and the status. */
export function sysvInspectCommand(w: SysvWanted): string {
  const n = quote(w.name);
  const section = (label: string) => endSection(MARK, label);
  const lines = [
    SEARCH_PATH,
    `command -v service; ${section('tool-service')}`,
    `command -v chkconfig; ${section('tool-chkconfig')}`,
    `command -v update-rc.d; ${section('tool-update-rc.d')}`,
    `test -f ${quote(sysvInitScript(w.name))}; ${section('initscript')}`,
    `ls -d /etc/rc?.d/S??${n} >/dev/null 2>&1; ${section('start-links')}`,
    `ls -d /etc/rc?.d/K??${n} >/dev/null 2>&1; ${section('kill-links')}`,
  ];
  if (w.enabled !== undefined) lines.push(`if command -v chkconfig >/dev/null; then chkconfig --list ${n} 2>&1; fi; ${section('chkconfig-list')}`);
  if (w.state !== undefined && w.pattern !== undefined) lines.push(`ps auxww 2>/dev/null; ${section('ps')}`);
  if (w.state !== undefined && w.pattern === undefined) {
    const status = argv(['service', w.name, 'status', ...w.arguments]);
    const script = argv([sysvInitScript(w.name), 'status', ...w.arguments]);
    lines.push(`if command -v service >/dev/null; then ${status}; else ${script}; fi 2>/dev/null </dev/null; ${section('status')}`);
  }
  return lines.join('\n');
}

export function parseSysvInspect(stdout: string): SysvRaw {
  const sections = splitStatusSections(stdout, MARK);
  const tool = (k: string) => {
    const s = sections.get(k);
    return s && s.rc === 0 && s.out.trim() ? s.out.trim() : undefined;
  };
  const ok = (k: string) => sections.get(k)?.rc === 0;
  const status = sections.get('status');
  return {
    tools: { service: tool('tool-service'), chkconfig: tool('tool-chkconfig'), updateRcd: tool('tool-update-rc.d') },
    initscript: ok('initscript'),
    startLinks: ok('start-links'),
    killLinks: ok('kill-links'),
    ...(sections.has('chkconfig-list') ? { chkconfigList: sections.get('chkconfig-list')!.out } : {}),
    ...(status ? { status: { rc: status.rc, out: status.out ? `${status.out}\n` : '' } } : {}),
    ...(sections.has('ps') ? { ps: sections.get('ps')!.out } : {}),
  };
}

/**
 * Whether an init script's `status` says the service runs: LSB exit codes first, then the keywords
 * of a one-line answer, then exit 0 — Ansible's order. undefined: cannot tell.
 */
export function sysvRunning(name: string, rc: number, out: string): boolean | undefined {
  if ([1, 2, 3, 4, 69].includes(rc)) return false;
  if (out.split('\n').length - 1 <= 1) {
    const clean = out.toLowerCase().split(name.toLowerCase()).join('');
    if (clean.includes('stop')) return false;
    if (clean.includes('run')) return !clean.includes('not ');
    if (clean.includes('start') && !clean.includes('not ')) return true;
    for (const dead of ['could not access pid file', 'is dead and pid file exists', 'dead but subsys locked', 'dead but pid file exists']) {
      if (clean.includes(dead)) return false;
    }
  }
  if (rc === 0) return true;
  return undefined;
}

/** Ansible's check_ps: a line of `ps auxww` that holds the pattern (and is not Ansible's own). */
export function psRunning(ps: string, pattern: string): boolean {
  return ps.split('\n').some((line) => line.includes(pattern) && !line.includes('pattern='));
}

export function planSysv(w: SysvWanted, raw: SysvRaw): Plan<SysvPlanData> {
  const result: Record<string, unknown> = { name: w.name };
  const fail = (msg: string): Plan<SysvPlanData> => ({ changed: false, failed: true, msg, result });
  const enableCmd = raw.initscript ? (raw.tools.updateRcd ? 'update-rc.d' : raw.tools.chkconfig ? 'chkconfig' : undefined) : undefined;
  if (!enableCmd) return fail(missingMessage(w.name));
  const control = (action: string) => (raw.tools.service ? [raw.tools.service, w.name, action, ...w.arguments] : [sysvInitScript(w.name), action, ...w.arguments]);
  const steps: SysvStep[] = [];
  let enableChanged = false;

  if (w.enabled !== undefined) {
    if (enableCmd === 'update-rc.d') {
      const tool = raw.tools.updateRcd!;
      if (raw.startLinks !== w.enabled) {
        enableChanged = true;
        if (w.enabled && !raw.killLinks) steps.push({ argv: [tool, w.name, 'defaults'], onError: 'fail-err-or-out' });
        steps.push({ argv: [tool, w.name, w.enabled ? 'enable' : 'disable'], onError: 'fail-err-or-out' });
      }
    } else {
      const tool = raw.tools.chkconfig!;
      const action = w.enabled ? 'on' : 'off';
      const list = raw.chkconfigList ?? '';
      const needsAdd = list.includes(`chkconfig --add ${w.name}`);
      if (!needsAdd && !list.includes(w.name)) return fail(`service ${w.name} does not support chkconfig`);
      if (needsAdd || !(list.includes(`3:${action}`) && list.includes(`5:${action}`))) {
        enableChanged = true;
        if (needsAdd) steps.push({ argv: [tool, '--add', w.name], onError: 'ignore' });
        steps.push({ argv: [tool, w.name, action], onError: 'chkconfig' });
      }
    }
    result.enabled = w.enabled;
  }

  let stateChanged = false;
  if (w.state !== undefined) {
    const running = w.pattern !== undefined ? psRunning(raw.ps ?? '', w.pattern) : raw.status ? sysvRunning(w.name, raw.status.rc, raw.status.out) : undefined;
    if (running === undefined) return fail('failed determining service state, possible typo of service name?');
    if (!running && (w.state === 'started' || w.state === 'reloaded')) stateChanged = true;
    else if (running && (w.state === 'stopped' || w.state === 'reloaded')) stateChanged = true;
    else if (w.state === 'restarted') stateChanged = true;
    if (stateChanged) {
      if (w.state === 'started' || (w.state === 'reloaded' && !running)) steps.push({ argv: control('start'), onError: 'fail-err-or-out' });
      else if (w.state === 'stopped') steps.push({ argv: control('stop'), onError: 'fail-err-or-out' });
      else if (w.state === 'reloaded') steps.push({ argv: control('reload'), onError: 'fail-err-or-out' });
      else {
        // not every init script has restart: stop, pause, start; only the start has to work
        steps.push({ argv: control('stop'), onError: 'ignore' });
        if (w.sleep) steps.push({ sleep: w.sleep });
        steps.push({ argv: control('start'), onError: 'fail-err-or-out' });
      }
    }
    result.state = w.state === 'stopped' ? 'stopped' : 'started';
  }

  return { changed: enableChanged || stateChanged, result, data: { steps } };
}
