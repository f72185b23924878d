// What a systemd unit looks like on the host, read in one round trip and judged the way Ansible's
// systemd_service module judges it (same commands, same precedence), so plans match Ansible's.
import { argv, quote } from '../../connection/quote.js';
import { endSection, splitStatusSections } from './status-sections.js';

export type SystemdScope = 'system' | 'user' | 'global';

/** Raw answers of the inspection script: each section's output and exit status. */
export interface SystemdRaw {
  /** false when the host has no systemctl at all */
  systemctl: boolean;
  show: { rc: number; out: string };
  /** `systemctl is-enabled NAME` (Ansible's masked test) */
  isEnabled: { rc: number; out: string };
  /** `systemctl is-enabled -l NAME` (Ansible's enabled test) */
  isEnabledLong: { rc: number; out: string };
  /** `systemctl list-unit-files NAME` exit status (Ansible's fallback when show is refused) */
  listUnitFilesRc: number;
  /** /etc/init.d/NAME exists */
  sysvScript: boolean;
  /** /etc/rc?.d/S??NAME exists */
  sysvEnabled: boolean;
}

/** The unit as Ansible sees it. */
export interface SystemdUnitState {
  status: Record<string, string>;
  /** known to systemd (a unit file or a loaded unit) */
  isSystemd: boolean;
  /** an init script /etc/init.d/NAME exists */
  isInitd: boolean;
  found: boolean;
  masked: boolean;
  /** enabled at boot, by Ansible's rules (indirect and alias count as disabled) */
  enabled: boolean;
  /** a unit that failed to load (not masked): Ansible stops with this */
  loadError?: string;
}

/** `systemctl [--user|--global] [--no-block] [--force]`: the words every command starts with. */
export function systemctlWords(o: { scope: SystemdScope; no_block?: boolean; force?: boolean }): string[] {
  const w = ['systemctl'];
  if (o.scope !== 'system') w.push(`--${o.scope}`);
  if (o.no_block) w.push('--no-block');
  if (o.force) w.push('--force');
  return w;
}

/** Ansible sets it for user units when the login session did not. */
export const XDG_RUNTIME_DEFAULT = 'XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/run/user/$(id -u)}"; export XDG_RUNTIME_DIR';

const MARK = '@@tsplay-systemd:';

/** One read-only shell script that prints every answer the plan needs, section by section. */
export function systemdInspectCommand(name: string, scope: SystemdScope): string {
  const sc = argv(systemctlWords({ scope }));
  const n = quote(name);
  const section = (label: string) => endSection(MARK, label);
  return [
    XDG_RUNTIME_DEFAULT,
    `command -v systemctl >/dev/null 2>&1 || { printf '${MARK}no-systemctl:1\\n'; exit 0; }`,
    // stderr joins stdout: Ansible's "ignoring request" test looks at both
    `${sc} show -- ${n} 2>&1; ${section('show')}`,
    `${sc} is-enabled -- ${n} 2>/dev/null; ${section('is-enabled')}`,
    `${sc} is-enabled -l -- ${n} 2>/dev/null; ${section('is-enabled-l')}`,
    `${sc} list-unit-files -- ${n} >/dev/null 2>&1; ${section('list-unit-files')}`,
    `test -e /etc/init.d/${n}; ${section('sysv-script')}`,
    `ls /etc/rc?.d/S??${n} >/dev/null 2>&1; ${section('sysv-enabled')}`,
  ].join('\n');
}

/** Splits the script's output into its sections. */
export function parseSystemdInspect(stdout: string): SystemdRaw {
  const sections = splitStatusSections(stdout, MARK);
  const get = (k: string) => sections.get(k) ?? { rc: 1, out: '' };
  return {
    systemctl: !sections.has('no-systemctl'),
    show: get('show'),
    isEnabled: get('is-enabled'),
    isEnabledLong: get('is-enabled-l'),
    listUnitFilesRc: get('list-unit-files').rc,
    sysvScript: get('sysv-script').rc === 0,
    sysvEnabled: get('sysv-enabled').rc === 0,
  };
}

/**
 * `systemctl show` output as a dictionary. Only Exec* values may span lines (inside `{ ... }`),
 * exactly as Ansible parses it: a Description starting with `{` stays one line.
 */
export function parseSystemctlShow(out: string): Record<string, string> {
  const parsed: Record<string, string> = {};
  let key: string | undefined;
  let multi: string[] = [];
  for (const line of out.split('\n')) {
    if (key === undefined) {
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const k = line.slice(0, eq);
      const v = line.slice(eq + 1);
      if (k.startsWith('Exec') && v.trimStart().startsWith('{') && !v.trimEnd().endsWith('}')) {
        key = k;
        multi = [v];
        continue;
      }
      parsed[k] = v.trim();
    } else {
      multi.push(line);
      if (line.trimEnd().endsWith('}')) {
        parsed[key] = multi.join('\n').trim();
        key = undefined;
        multi = [];
      }
    }
  }
  return parsed;
}

function requestWasIgnored(out: string): boolean {
  return !out.includes('=') && (out.includes('ignoring request') || out.includes('ignoring command'));
}

/** Unit file states `is-enabled` prints for a unit systemd knows (systemctl(1), systemd 244). */
const KNOWN_ENABLED_STATES = new Set([
  'enabled', 'enabled-runtime', 'linked', 'linked-runtime', 'masked', 'masked-runtime',
  'static', 'indirect', 'disabled', 'generated', 'transient',
]);

/** Ansible's reading of the raw answers: found, masked, enabled, status. */
export function judgeUnit(raw: SystemdRaw, scope: SystemdScope): SystemdUnitState {
  let status: Record<string, string> = {};
  let isSystemd = false;
  let loadError: string | undefined;
  if (raw.show.rc === 0 && !requestWasIgnored(raw.show.out)) {
    status = parseSystemctlShow(raw.show.out);
    isSystemd = 'LoadState' in status && status.LoadState !== 'not-found';
    const isMasked = status.LoadState === 'masked';
    if (isSystemd && !isMasked && 'LoadError' in status) loadError = status.LoadError;
  } else if (KNOWN_ENABLED_STATES.has(raw.isEnabled.out.trim())) {
    isSystemd = true;
  } else if (raw.listUnitFilesRc === 0) {
    // show does not answer in some chroots; list-unit-files still does
    isSystemd = true;
  }
  const isInitd = raw.sysvScript;
  let enabled = false;
  if (raw.isEnabledLong.rc === 0) {
    const lines = raw.isEnabledLong.out.replace(/\n+$/, '').split('\n');
    enabled = !(lines.length === 1 && (lines[0] === 'indirect' || lines[0] === 'alias'));
  } else if (raw.isEnabledLong.rc === 1) {
    // a unit that systemd only knows through its init script: the rc?.d links decide
    enabled = scope === 'system' && isInitd && !raw.isEnabledLong.out.trim().endsWith('disabled') && raw.sysvEnabled;
  }
  return {
    status,
    isSystemd,
    isInitd,
    found: isSystemd || isInitd,
    masked: raw.isEnabled.out.trim() === 'masked',
    enabled,
    ...(loadError !== undefined ? { loadError } : {}),
  };
}
