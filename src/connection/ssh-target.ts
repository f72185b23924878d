import { join } from 'node:path';
import type { Vars } from '../vars/types.js';
import { sshArgsToItems } from './ssh-args.js';
import { SshOptions, type SshConfigItem } from './ssh-config.js';
import { parseJumpSpecs, parsePort, type JumpSpec } from './ssh-jump-spec.js';
import { DEFAULT_TIMEOUT_SEC, localUserName, resolvePaths, type ConnectionSettings, type HostKeyChecking } from './ssh-settings.js';

/** A private key file to try, and whether someone asked for it (a missing default is not news). */
export interface IdentityFile {
  path: string;
  explicit: boolean;
}

/** Where one hop connects and as whom. */
export interface SshEndpoint {
  /** the name ssh config was matched against */
  alias: string;
  hostname: string;
  port: number;
  user: string;
  identityFiles: IdentityFile[];
  /** ssh-agent socket, unless IdentitiesOnly or IdentityAgent none */
  agentSocket?: string;
  password?: string;
  /** the name in known_hosts: `host`, `[host]:port`, or HostKeyAlias */
  hostKeyName: string;
}

export interface KnownHostsFiles {
  /** new keys are appended to the first */
  userFiles: string[];
  globalFiles: string[];
  /** write new entries hashed (HashKnownHosts yes) */
  hashNew: boolean;
}

/** Everything needed to open the connection to one inventory host. */
export interface SshTarget extends SshEndpoint {
  /** jump hosts, first hop first */
  jumps: SshEndpoint[];
  timeoutSec: number;
  hostKeyChecking: HostKeyChecking;
  knownHosts: KnownHostsFiles;
  keepaliveIntervalSec: number;
  keepaliveCountMax: number;
}

/** The inventory variables the ssh transport reads, captured once (vars are lazy templates). */
export interface SshHostVars {
  host?: string;
  port?: unknown;
  user?: string;
  privateKeyFile?: string;
  password?: string;
  timeout?: unknown;
  hostKeyChecking?: unknown;
  commonArgs?: string;
  extraArgs?: string;
}

export function sshHostVars(vars: Vars): SshHostVars {
  const pick = (...names: string[]): unknown => {
    for (const n of names) if (vars[n] !== undefined && vars[n] !== null) return vars[n];
    return undefined;
  };
  const str = (...names: string[]) => {
    const v = pick(...names);
    return v === undefined ? undefined : String(v);
  };
  const out: SshHostVars = {
    host: str('ansible_host', 'ansible_ssh_host'),
    port: pick('ansible_port', 'ansible_ssh_port'),
    user: str('ansible_user', 'ansible_ssh_user'),
    privateKeyFile: str('ansible_ssh_private_key_file', 'ansible_private_key_file'),
    password: str('ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password'),
    timeout: pick('ansible_ssh_timeout', 'ansible_timeout'),
    hostKeyChecking: pick('ansible_host_key_checking', 'ansible_ssh_host_key_checking'),
    commonArgs: str('ansible_ssh_common_args'),
    extraArgs: str('ansible_ssh_extra_args'),
  };
  for (const k of Object.keys(out) as (keyof SshHostVars)[]) if (out[k] === undefined) delete out[k];
  return out;
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];
const KEEPALIVE_INTERVAL_SEC = 15;
const KEEPALIVE_COUNT_MAX = 3;

/**
 * Decides how to reach one inventory host. Precedence, highest first: inventory variables
 * (ansible_host, ansible_port, ansible_user, ansible_ssh_private_key_file ...), the play's
 * remote_user, the command line (-u, --private-key, --timeout), ssh options given in
 * ansible_ssh_common_args / --ssh-common-args, ~/.ssh/config, defaults. As with Ansible, ssh config
 * is matched against ansible_host when it is set (that is the name Ansible hands to ssh).
 */
export function resolveSshTarget(inventoryName: string, hv: SshHostVars, settings: ConnectionSettings, config: readonly SshConfigItem[]): SshTarget {
  const paths = resolvePaths(settings);
  const env = settings.env ?? process.env;
  const localUser = localUserName(settings);
  const alias = hv.host ?? inventoryName;
  const argItems = [
    ...sshArgsToItems(hv.commonArgs ?? settings.sshCommonArgs, hv.commonArgs !== undefined ? 'ansible_ssh_common_args' : '--ssh-common-args'),
    ...sshArgsToItems(hv.extraArgs ?? settings.sshExtraArgs, hv.extraArgs !== undefined ? 'ansible_ssh_extra_args' : '--ssh-extra-args'),
  ];
  const o = new SshOptions([...argItems, ...config], alias);

  const hostname = expandTokens(o.value('hostname') ?? alias, { h: alias, n: alias, d: paths.home, u: localUser });
  const port = hv.port !== undefined ? parsePort(hv.port, `ansible_port of ${inventoryName}`) : o.value('port') !== undefined ? parsePort(o.value('port'), 'ssh config Port') : 22;
  const user = hv.user ?? settings.remoteUser ?? settings.user ?? o.value('user') ?? localUser;
  const tokens = { h: hostname, n: alias, p: String(port), r: user, u: localUser, d: paths.home };

  const explicitKeys = [hv.privateKeyFile ?? settings.privateKeyFile, ...o.all('identityfile')]
    .filter((p): p is string => p !== undefined && p.toLowerCase() !== 'none')
    .map((p) => expandPath(p, tokens, paths.home));

  const proxyCommand = o.value('proxycommand');
  const jumpValue = o.value('proxyjump');
  if (proxyCommand !== undefined && proxyCommand.toLowerCase() !== 'none' && jumpValue === undefined) {
    throw new Error(`ssh option ProxyCommand for ${alias} is not supported by tsplay; use ProxyJump (or ansible_ssh_common_args='-J bastion')`);
  }
  const jumps = parseJumpSpecs(jumpValue).map((spec) => resolveJump(spec, settings, config, localUser, paths.home, env));

  return {
    alias,
    hostname,
    port,
    user,
    identityFiles: withDefaultKeys(dedupe(explicitKeys), paths.home),
    ...agentFor(o, env, paths.home),
    ...optional('password', hv.password ?? settings.password),
    hostKeyName: hostKeyName(o.value('hostkeyalias'), hostname, port),
    jumps,
    timeoutSec: timeoutSeconds(hv.timeout ?? settings.timeout ?? o.value('connecttimeout')),
    hostKeyChecking: hostKeyChecking(hv.hostKeyChecking, settings.hostKeyChecking, env.ANSIBLE_HOST_KEY_CHECKING, o.value('stricthostkeychecking')),
    knownHosts: {
      userFiles: paths.userKnownHostsFiles ?? (o.words('userknownhostsfile') ?? ['~/.ssh/known_hosts', '~/.ssh/known_hosts2']).map((p) => expandPath(p, tokens, paths.home)),
      globalFiles: paths.globalKnownHostsFiles ?? (o.words('globalknownhostsfile') ?? ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']).map((p) => expandPath(p, tokens, paths.home)),
      hashNew: o.flag('hashknownhosts') ?? false,
    },
    keepaliveIntervalSec: positiveOr(o.number('serveraliveinterval'), KEEPALIVE_INTERVAL_SEC),
    keepaliveCountMax: positiveOr(o.number('serveralivecountmax'), KEEPALIVE_COUNT_MAX),
  };
}

/** A jump host gets its own ssh config block; the target's password is never sent to it. */
function resolveJump(spec: JumpSpec, settings: ConnectionSettings, config: readonly SshConfigItem[], localUser: string, home: string, env: Record<string, string | undefined>): SshEndpoint {
  const o = new SshOptions(config, spec.host);
  const hostname = expandTokens(o.value('hostname') ?? spec.host, { h: spec.host, n: spec.host, d: home, u: localUser });
  const port = spec.port ?? (o.value('port') !== undefined ? parsePort(o.value('port'), `ssh config Port of ${spec.host}`) : 22);
  const user = spec.user ?? o.value('user') ?? localUser;
  const tokens = { h: hostname, n: spec.host, p: String(port), r: user, u: localUser, d: home };
  const keys = [...o.all('identityfile'), settings.privateKeyFile]
    .filter((p): p is string => p !== undefined && p.toLowerCase() !== 'none')
    .map((p) => expandPath(p, tokens, home));
  return {
    alias: spec.host,
    hostname,
    port,
    user,
    identityFiles: withDefaultKeys(dedupe(keys), home),
    ...agentFor(o, env, home),
    hostKeyName: hostKeyName(o.value('hostkeyalias'), hostname, port),
  };
}

function withDefaultKeys(explicit: string[], home: string): IdentityFile[] {
  // as OpenSSH: the default key files are tried only when no identity was named
  if (explicit.length) return explicit.map((path) => ({ path, explicit: true }));
  return DEFAULT_KEYS.map((k) => ({ path: join(home, '.ssh', k), explicit: false }));
}

function agentFor(o: SshOptions, env: Record<string, string | undefined>, home: string): { agentSocket?: string } {
  // IdentitiesOnly: the agent would offer all its keys, which is what the user wants to avoid
  if (o.flag('identitiesonly')) return {};
  const configured = o.value('identityagent');
  const sock = configured === undefined || configured === 'SSH_AUTH_SOCK' ? env.SSH_AUTH_SOCK : configured.toLowerCase() === 'none' ? undefined : expandPath(configured, { d: home }, home);
  return sock ? { agentSocket: sock } : {};
}

/** The name known_hosts uses: `host` on port 22, `[host]:port` otherwise; HostKeyAlias replaces both. */
export function hostKeyName(alias: string | undefined, hostname: string, port: number): string {
  if (alias) return alias;
  return port === 22 ? hostname : `[${hostname}]:${port}`;
}

export function hostKeyChecking(varValue: unknown, forced: HostKeyChecking | undefined, envValue: string | undefined, configValue: string | undefined): HostKeyChecking {
  const fromVar = parseChecking(varValue);
  if (fromVar) return fromVar;
  if (forced) return forced;
  // ANSIBLE_HOST_KEY_CHECKING=True leaves the decision to ssh config, as in Ansible
  if (envValue !== undefined && parseChecking(envValue) === 'off') return 'off';
  if (configValue !== undefined) {
    const v = configValue.toLowerCase();
    if (v === 'yes' || v === 'ask') return 'strict';
    if (v === 'accept-new') return 'accept-new';
    if (v === 'no' || v === 'off') return 'off';
  }
  return 'accept-new';
}

function parseChecking(v: unknown): HostKeyChecking | undefined {
  if (v === undefined || v === null) return undefined;
  if (v === false) return 'off';
  if (v === true) return undefined;
  const s = String(v).trim().toLowerCase();
  if (['false', 'no', 'off', '0', 'n'].includes(s)) return 'off';
  if (s === 'strict') return 'strict';
  if (s === 'accept-new') return 'accept-new';
  return undefined;
}

function timeoutSeconds(v: unknown): number {
  if (v === undefined) return DEFAULT_TIMEOUT_SEC;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`invalid ssh connect timeout '${String(v)}' (seconds, more than 0)`);
  return n;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function positiveOr(n: number | undefined, fallback: number): number {
  return n !== undefined && n > 0 ? n : fallback;
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}

/** ssh_config tokens: %h host, %p port, %r remote user, %u local user, %d home, %n alias, %% percent. */
export function expandTokens(s: string, tokens: Record<string, string>): string {
  return s.replace(/%(.)/g, (whole, t: string) => (t === '%' ? '%' : (tokens[t] ?? whole)));
}

function expandPath(p: string, tokens: Record<string, string>, home: string): string {
  const expanded = expandTokens(p, tokens);
  if (expanded === '~') return home;
  return expanded.startsWith('~/') ? join(home, expanded.slice(2)) : expanded;
}
