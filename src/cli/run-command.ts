import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage, TsplayError, UsageError } from '../errors.js';
import { runPlaybook } from '../exec/run-playbook.js';
import type { RunOptions } from '../exec/options.js';
import type { ConnectionSettings } from '../connection/ssh-settings.js';
import { limitHosts, loadInventory, splitPatterns, type Inventory } from '../inventory/index.js';
import { splitTagArgs } from '../plan/tags.js';
import { listPlaybook } from '../plan/listings.js';
import { loadPlaybook } from '../playbook/index.js';
import { PlainReporter } from '../report/plain.js';
import '../modules/index.js';
import { EXIT } from './exit-codes.js';
import { parseExtraVars } from './extra-vars.js';
import { askSecret } from './prompt.js';

export interface RunCliOptions {
  inventory?: string[];
  limit?: string;
  tags?: string[];
  skipTags?: string[];
  extraVars?: string[];
  check?: boolean;
  diff?: boolean;
  forks: string;
  user?: string;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: 'sudo' | 'su';
  askBecomePass?: boolean;
  privateKey?: string;
  keyFile?: string;
  askPass?: boolean;
  timeout?: string;
  sshCommonArgs?: string;
  sshExtraArgs?: string;
  forceHandlers?: boolean;
  startAtTask?: string;
  listHosts?: boolean;
  listTasks?: boolean;
  listTags?: boolean;
  syntaxCheck?: boolean;
  verbose: number;
}

/** `tsplay run`: validate everything first (exit 3, nothing touched), then run. */
export async function runCommand(playbookPath: string, o: RunCliOptions): Promise<number> {
  const out = (s: string) => process.stdout.write(s);
  try {
    const forks = Number(o.forks);
    if (!Number.isInteger(forks) || forks < 1) throw new UsageError(`--forks must be a positive whole number, got '${o.forks}'`);
    const extraVars = parseExtraVars(o.extraVars ?? []);
    const playbook = await loadPlaybook(resolve(playbookPath), { extraRolesPaths: rolesPaths() });
    const inventory = await loadInventory(o.inventory?.length ? o.inventory : defaultInventory(), { playbookDir: playbook.dir });
    if (o.limit !== undefined) checkLimit(inventory, o.limit);
    const opts: RunOptions = {
      check: !!o.check,
      diff: !!o.diff,
      forks,
      limit: o.limit,
      tags: { only: splitTagArgs(o.tags), skip: splitTagArgs(o.skipTags) },
      extraVars,
      startAtTask: o.startAtTask,
      user: o.user,
      become: o.become ? true : undefined,
      becomeUser: o.becomeUser,
      becomeMethod: o.becomeMethod,
      forceHandlers: !!o.forceHandlers,
      verbosity: o.verbose ?? 0,
      connection: connectionSettings(o),
    };
    if (o.syntaxCheck) {
      out(`\nplaybook: ${playbookPath}\n`);
      return EXIT.OK;
    }
    if (o.listHosts || o.listTasks || o.listTags) {
      out(listPlaybook(playbook, inventory, opts, { hosts: o.listHosts, tasks: o.listTasks, tags: o.listTags }, playbookPath));
      return EXIT.OK;
    }
    if (o.askPass) opts.connection!.password = await askSecret('SSH password: ');
    if (o.askBecomePass) opts.becomePassword = await askSecret('BECOME password: ');
    const reporter = new PlainReporter({ write: out, color: useColor(), diff: opts.diff, verbosity: opts.verbosity });
    const ac = new AbortController();
    const onSignal = () => {
      if (ac.signal.aborted) process.exit(EXIT.INTERRUPTED);
      ac.abort();
      process.stderr.write('\n[tsplay] interrupted: finishing the running tasks (press again to stop now)\n');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const summary = await runPlaybook(playbook, inventory, opts, reporter, ac.signal);
      return summary.exitCode;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  } catch (e) {
    process.stderr.write(`ERROR! ${errorMessage(e)}\n`);
    return e instanceof TsplayError ? e.exitCode : EXIT.ERROR;
  }
}

/**
 * Where roles are found after the playbook's own roles/: ANSIBLE_ROLES_PATH / TSPLAY_ROLES_PATH,
 * ./roles of the working directory, then the roles shipped with tsplay.
 */
function rolesPaths(): string[] {
  const fromEnv = [process.env.TSPLAY_ROLES_PATH, process.env.ANSIBLE_ROLES_PATH].flatMap((v) => (v ? v.split(':') : []));
  const shipped = fileURLToPath(new URL('../../roles', import.meta.url));
  return [...new Set([...fromEnv.map((p) => resolve(p)), resolve('roles'), shipped])];
}

/** The ssh transport's options from the command line; a key's passphrase is asked only on a terminal. */
function connectionSettings(o: RunCliOptions): ConnectionSettings {
  const settings: ConnectionSettings = {};
  const key = o.privateKey ?? o.keyFile;
  if (key !== undefined) settings.privateKeyFile = resolve(key);
  if (o.timeout !== undefined) {
    const t = Number(o.timeout);
    if (!Number.isFinite(t) || t <= 0) throw new UsageError(`--timeout must be a number of seconds above 0, got '${o.timeout}'`);
    settings.timeout = t;
  }
  if (o.sshCommonArgs !== undefined) settings.sshCommonArgs = o.sshCommonArgs;
  if (o.sshExtraArgs !== undefined) settings.sshExtraArgs = o.sshExtraArgs;
  if (process.stdin.isTTY) settings.prompt = (message) => askSecret(message);
  return settings;
}

function defaultInventory(): string[] {
  // Ansible falls back to /etc/ansible/hosts; we use the implicit localhost only
  return ['localhost,'];
}

function useColor(): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR) return true;
  return !!process.stdout.isTTY;
}

/**
 * As Ansible, a --limit that leaves no host of the inventory is an error, not a run that does
 * nothing and exits 0 (a mistyped limit used to "succeed"). The implicit localhost counts.
 */
function checkLimit(inv: Inventory, limit: string): void {
  if (limitHosts(inv, [...inv.hosts.keys()], limit).length > 0) return;
  if (splitPatterns(limit).includes('localhost')) return;
  throw new UsageError(`--limit '${limit}' leaves no host to target`, { hint: 'check the host or group names against the inventory (--list-hosts shows them)' });
}
