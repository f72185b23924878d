// The lab for tests: N real OpenSSH hosts on this machine, brought up by test/lab/lab.sh (which does
// the work, so the command line and the tests share one implementation). See test/lab/README.md.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const labScript = fileURLToPath(new URL('./lab.sh', import.meta.url));

/** auto boots systemd in every host where the machine allows it, else the hosts run plain. */
export type LabInitRequest = 'auto' | 'systemd' | 'plain';
export type LabInit = 'systemd' | 'plain';

export interface LabHost {
  /** lab1..labN: inventory name and the host's own hostname. */
  readonly name: string;
  /** 127.0.<subnet>.<i>: its sshd listens on this address only. */
  readonly address: string;
  readonly port: number;
  /** Machine PID of the host's PID-namespace init; killing it ends the host. */
  readonly initPid: number;
  /** Machine PID of the `unshare` that started the host (it ends with the host). */
  readonly unsharePid: number;
}

export interface LabOptions {
  /** State dir, absent or empty; the lab owns it and removes it at down. Default: a new temp dir. */
  readonly dir?: string;
  /** Third octet of the hosts' addresses. Labs that run at the same time need different subnets. */
  readonly subnet?: number;
  /** sshd port on every host. Default 22 (or TSPLAY_LAB_PORT); needs another where the machine's
   * own sshd listens on all addresses, which takes the port on every loopback address. */
  readonly port?: number;
  readonly init?: LabInitRequest;
  /** How long `up` waits for every sshd to answer. */
  readonly timeoutSeconds?: number;
}

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Lab {
  readonly dir: string;
  readonly init: LabInit;
  /** The cgroup v2 directory of a systemd lab ('' for plain): removed at down. */
  readonly cgroup: string;
  readonly hosts: readonly LabHost[];
  /** INI inventory: group `lab`, one line per host with ansible_host/user/private key. */
  readonly inventoryPath: string;
  /** Private ed25519 key authorized for root and for `deploy` on every host. */
  readonly keyPath: string;
  /** known_hosts with every host's own ed25519 host key, for strict host key checking. */
  readonly knownHostsPath: string;
  host(name: string): LabHost;
  /** Stops the host's sshd (new connections are refused); the host itself keeps running. */
  stop(name: string): Promise<void>;
  start(name: string): Promise<void>;
  /** Runs `sh -c cmd` as root inside the host (nsenter), not over SSH: for assertions. */
  exec(name: string, cmd: string): Promise<ExecResult>;
  /** Kills what `up` started and removes the lab dir. Safe to call twice. */
  down(): Promise<void>;
}

/** The user every host has besides root: same authorized key, sudo with this password. */
export const labDeployUser = { name: 'deploy', password: 'labpass' } as const;

/** Why the lab cannot run on this machine, or undefined when it can. */
export function labUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'the lab needs root (namespaces and mounts)';
  const missing = ['/usr/sbin/sshd', '/usr/bin/ssh', '/usr/bin/unshare', '/usr/bin/nsenter'].filter(
    (file) => !existsSync(file),
  );
  if (missing.length > 0) return `missing ${missing.join(', ')} (run test/setup/install-deps.sh)`;
  if (!/\toverlay$/m.test(readFileSync('/proc/filesystems', 'utf8'))) return 'the kernel has no overlayfs';
  return undefined;
}

export async function startLab(n: number, options: LabOptions = {}): Promise<Lab> {
  const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), 'tsplay-lab-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TSPLAY_LAB_DIR: dir,
    TSPLAY_LAB_SUBNET: String(options.subnet ?? 10),
    TSPLAY_LAB_INIT: options.init ?? 'auto',
    ...(options.port === undefined ? {} : { TSPLAY_LAB_PORT: String(options.port) }),
    ...(options.timeoutSeconds === undefined ? {} : { TSPLAY_LAB_TIMEOUT: String(options.timeoutSeconds) }),
  };
  const up = await runLabScript(['up', String(n)], env);
  if (up.code !== 0) {
    // lab.sh removes what it started; a temp dir we made is ours to remove when it stayed empty.
    if (options.dir === undefined && existsSync(dir) && readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
    throw new Error(`lab up ${n} failed (exit ${up.code}):\n${up.stderr}${up.stdout}`);
  }
  return makeLab(JSON.parse(readFileSync(path.join(dir, 'lab.json'), 'utf8')) as LabState, env);
}

interface LabState {
  dir: string;
  init: LabInit;
  cgroup: string;
  keyPath: string;
  inventoryPath: string;
  knownHostsPath: string;
  hosts: LabHost[];
}

function makeLab(state: LabState, env: NodeJS.ProcessEnv): Lab {
  const host = (name: string): LabHost => {
    const found = state.hosts.find((h) => h.name === name);
    if (!found) throw new Error(`no host ${name} in the lab (${state.hosts.map((h) => h.name).join(', ')})`);
    return found;
  };
  const mustSucceed = async (args: string[]): Promise<void> => {
    const result = await runLabScript(args, env);
    if (result.code !== 0) throw new Error(`lab ${args.join(' ')} failed (exit ${result.code}):\n${result.stderr}`);
  };
  return {
    ...state,
    host,
    stop: (name) => mustSucceed(['stop', host(name).name]),
    start: (name) => mustSucceed(['start', host(name).name]),
    exec: (name, cmd) => runLabScript(['exec', host(name).name, 'sh', '-c', cmd], env),
    down: () => mustSucceed(['down']),
  };
}

function runLabScript(args: string[], env: NodeJS.ProcessEnv): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    execFile('bash', [labScript, ...args], { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(error);
        return;
      }
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
    });
  });
}
