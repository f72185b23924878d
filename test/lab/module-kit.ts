// Runs modules against lab hosts over real SSH, the way the executor runs one task on one host, and
// proves the two promises every module makes: check mode writes nothing, and a second apply is "ok".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionSettings } from '../../src/connection/ssh-settings.js';
import { SshConnection } from '../../src/connection/ssh.js';
import { CheckOverlay } from '../../src/modules/lib/check-overlay.js';
import type { ModuleDef, ModuleResult } from '../../src/modules/types.js';
import type { Vars } from '../../src/vars/types.js';
import { runModule, type RunModuleOptions } from '../modules/harness.js';
import { startLab, type Lab, type LabInitRequest } from './lab.js';

export interface ModuleLab {
  readonly lab: Lab;
  /** The host's SSH connection as root (opened once, reused, closed by `down`). */
  conn(host: string): Promise<SshConnection>;
  /** The inventory variables the executor would give the host (ansible_host, port, user, key). */
  hostVars(host: string): Vars;
  /** Runs one module on a lab host over SSH, like one task of a playbook. */
  run<A>(host: string, def: ModuleDef<A>, args: unknown, o?: Omit<RunModuleOptions, 'conn'>): Promise<ModuleResult>;
  /** `sh -c cmd` as root inside the host (not over SSH); throws unless it exits 0. Returns stdout. */
  sh(host: string, cmd: string): Promise<string>;
  /** Paths on the host's own root filesystem created or changed since `since` (see `mark`). */
  changedSince(host: string, since: string): Promise<string[]>;
  /** Leaves a marker for `changedSince`; returns its path. */
  mark(host: string): Promise<string>;
  down(): Promise<void>;
}

export interface ModuleLabOptions {
  /** Third octet of the addresses: every test file that runs at the same time needs its own. */
  subnet: number;
  init?: LabInitRequest;
}

/**
 * Noise a host makes by itself: SSH logins write wtmp/lastlog, systemd its journal and state.
 * Anything else that changes during a check-mode run was written by the module.
 */
const HOST_NOISE = [/^\/var\/log\//, /^\/var\/lib\/systemd\//, /^\/var\/lib\/sudo\//, /^\/root\/\.ansible\b/, /^\/var\/lib\/private\/systemd\//];

/** Where host-init.sh shows a lab host its own overlay upper layer (read-only). */
const UPPER = '/run/tsplay-lab/upper';

export async function startModuleLab(n: number, o: ModuleLabOptions): Promise<ModuleLab> {
  const lab = await startLab(n, { subnet: o.subnet, init: o.init ?? 'plain' });
  const home = mkdtempSync(join(tmpdir(), 'tsplay-modlab-'));
  const settings: ConnectionSettings = {
    paths: { home, configFiles: [], userKnownHostsFiles: [lab.knownHostsPath], globalKnownHostsFiles: [] },
    env: {},
    localUser: 'root',
    hostKeyChecking: 'strict',
  };
  const conns = new Map<string, Promise<SshConnection>>();
  const hostVars = (name: string): Vars => {
    const h = lab.host(name);
    return { ansible_host: h.address, ansible_port: h.port, ansible_user: 'root', ansible_ssh_private_key_file: lab.keyPath };
  };
  const conn = (name: string): Promise<SshConnection> => {
    let p = conns.get(name);
    if (!p) {
      const c = new SshConnection(name, hostVars(name), settings);
      p = c.connect().then(() => c);
      conns.set(name, p);
    }
    return p;
  };
  const sh = async (name: string, cmd: string): Promise<string> => {
    const r = await lab.exec(name, cmd);
    if (r.code !== 0) throw new Error(`${name}: \`${cmd}\` exited ${r.code}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  let marks = 0;
  return {
    lab,
    conn,
    hostVars,
    async run(host, def, args, opts = {}) {
      return runModule(def, args, { ...opts, vars: { inventory_hostname: host, ...hostVars(host), ...opts.vars }, conn: await conn(host) });
    },
    sh,
    async mark(host) {
      const path = `/tmp/tsplay-kit-mark-${++marks}`;
      // a sleep first: a file written in the same clock tick as the marker would not count as newer
      await sh(host, `sleep 0.02; touch ${path}`);
      return path;
    },
    async changedSince(host, since) {
      // The overlay's upper layer holds every path the host wrote since it started (host-init.sh).
      // Whiteouts (char devices marking deletions) share one inode whose ctime moves whenever any
      // file is deleted, so they count by mtime only; a new deletion shows as its directory's change.
      const changed = `\\( -newer ${since} -o -cnewer ${since} \\)`;
      const out = await sh(host, `cd ${UPPER} && find . \\( \\( -type c -newer ${since} \\) -o \\( ! -type c ${changed} \\) \\) -print`);
      const paths = out
        .split('\n')
        .filter((p) => p !== '')
        .map((p) => (p === '.' ? '/' : p.slice(1)));
      const noise = paths.filter((p) => HOST_NOISE.some((re) => re.test(p)));
      const kept = paths.filter((p) => !noise.includes(p));
      const under = (dir: string, p: string) => p.startsWith(dir === '/' ? '/' : `${dir}/`) && p !== dir;
      // a directory changes when an entry in it does: keep it only for a change that is not noise
      return kept.filter((p) => !noise.some((n) => under(p, n)) || kept.some((k) => under(p, k))).sort();
    },
    async down() {
      const all = [...conns.values()];
      conns.clear();
      await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => undefined)));
      await lab.down();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export interface TwiceOutcome {
  check: ModuleResult;
  /** paths the check-mode run changed on the host (must be empty) */
  writtenByCheck: string[];
  first: ModuleResult;
  second: ModuleResult;
  /** check mode after the first apply: must predict "ok" */
  checkAfter: ModuleResult;
}

/**
 * The module contract on one host: check mode (with diff) writes nothing and predicts a change, the
 * first apply changes, the second is ok, and check mode then predicts ok. Assertions on the results
 * and on the host's real state stay in the test.
 */
export async function applyTwice<A>(
  kit: ModuleLab,
  host: string,
  def: ModuleDef<A>,
  args: unknown,
  o: Omit<RunModuleOptions, 'conn' | 'check' | 'overlay'> = {},
): Promise<TwiceOutcome> {
  const marker = await kit.mark(host);
  const check = await kit.run(host, def, args, { ...o, check: true, diff: true, overlay: new CheckOverlay() });
  const writtenByCheck = await kit.changedSince(host, marker);
  const first = await kit.run(host, def, args, { ...o, diff: true });
  const second = await kit.run(host, def, args, { ...o, diff: true });
  const checkAfter = await kit.run(host, def, args, { ...o, check: true, overlay: new CheckOverlay() });
  return { check, writtenByCheck, first, second, checkAfter };
}
