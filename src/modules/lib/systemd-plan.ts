// The systemd decision, pure: desired arguments + the unit as judged -> the systemctl actions, in
// Ansible's order (mask, enable, state) and with Ansible's results and failure messages.
import type { Plan } from '../types.js';
import type { SystemdScope, SystemdUnitState } from './systemd-state.js';

export type SystemdState = 'started' | 'stopped' | 'restarted' | 'reloaded';

export interface SystemdWanted {
  name?: string;
  state?: SystemdState;
  enabled?: boolean;
  masked?: boolean;
  scope: SystemdScope;
}

/** One systemctl subcommand to run on the unit, and how to fail when it does not work. */
export interface SystemdAction {
  verb: 'mask' | 'unmask' | 'enable' | 'disable' | 'start' | 'stop' | 'restart' | 'reload';
  /** what a non-zero exit means (Ansible treats each kind differently) */
  onError: 'missing-if-not-found' | 'unable-out-err' | 'unable-err';
}

export interface SystemdPlanData {
  actions: SystemdAction[];
  found: boolean;
}

export function missingMessage(name: string): string {
  return `Could not find the requested service ${name}: host`;
}

const isRunning = (s: Record<string, string>) => s.ActiveState === 'active' || s.ActiveState === 'activating';

/** Ansible's systemd_service main(), after its daemon-reload, as a pure function. */
export function planSystemd(w: SystemdWanted, unit: SystemdUnitState | undefined): Plan<SystemdPlanData> {
  const result: Record<string, unknown> = { name: w.name ?? null, status: unit?.status ?? {} };
  const fail = (msg: string): Plan<SystemdPlanData> => ({ changed: false, failed: true, msg, result });
  if (!w.name || !unit) return { changed: false, result, data: { actions: [], found: false } };
  if (unit.loadError !== undefined) return fail(`Error loading unit file '${w.name}': ${unit.loadError}`);
  const actions: SystemdAction[] = [];

  if (w.masked !== undefined && unit.masked !== w.masked) {
    // masking works before a unit is installed; a failure only counts for a unit nobody knows
    actions.push({ verb: w.masked ? 'mask' : 'unmask', onError: 'missing-if-not-found' });
  }

  if (w.enabled !== undefined) {
    if (!unit.found) return fail(missingMessage(w.name));
    result.enabled = unit.enabled;
    if (unit.enabled !== w.enabled) {
      actions.push({ verb: w.enabled ? 'enable' : 'disable', onError: 'unable-out-err' });
      result.enabled = w.enabled;
    }
  }

  if (w.state !== undefined) {
    if (!unit.found) return fail(missingMessage(w.name));
    result.state = w.state;
    if (!('ActiveState' in unit.status)) return { ...fail('Service is in unknown state'), result: { ...result, status: unit.status } };
    const running = isRunning(unit.status);
    let verb: SystemdAction['verb'] | undefined;
    if (w.state === 'started') {
      if (!running) verb = 'start';
    } else if (w.state === 'stopped') {
      if (running || unit.status.ActiveState === 'deactivating') verb = 'stop';
    } else {
      // restarted and reloaded always act: a stopped unit is started instead
      verb = running ? (w.state === 'restarted' ? 'restart' : 'reload') : 'start';
      result.state = 'started';
    }
    if (verb) actions.push({ verb, onError: 'unable-err' });
  }

  return { changed: actions.length > 0, result, data: { actions, found: unit.found } };
}
