import { z } from 'zod';
import { quote } from '../connection/quote.js';
import { UnreachableError } from '../connection/types.js';
import { withAliases } from './lib/arg-types.js';
import { defineModule, type ModuleContext, type ModuleResult } from './types.js';

const seconds = z.coerce.number().int();

const args = withAliases(
  {
    pre_reboot_delay_sec: 'pre_reboot_delay',
    post_reboot_delay_sec: 'post_reboot_delay',
    reboot_timeout_sec: 'reboot_timeout',
    connect_timeout_sec: 'connect_timeout',
  },
  z
    .object({
      pre_reboot_delay: seconds.default(0),
      post_reboot_delay: seconds.default(0),
      reboot_timeout: seconds.positive().default(600),
      connect_timeout: seconds.positive().optional(),
      test_command: z.string().min(1).optional(),
      boot_time_command: z.string().min(1).optional(),
      reboot_command: z.string().min(1).optional(),
      msg: z.string().default('Reboot initiated by Ansible'),
      search_paths: z.union([z.string(), z.array(z.string())]).default(['/sbin', '/bin', '/usr/sbin', '/usr/bin', '/usr/local/sbin']),
    })
    .strict(),
);

export type RebootArgs = z.infer<typeof args>;

/** Ansible's distribution triple, lower case: what its per-OS command tables are keyed by. */
export interface Distribution {
  name: string;
  version: string;
  family: string;
}

// Ansible's tables (plugins/action/reboot.py): most specific key wins (name+version, name, family)
const BOOT_TIME_COMMANDS: Record<string, string> = {
  freebsd: '/sbin/sysctl kern.boottime',
  openbsd: '/sbin/sysctl kern.boottime',
  macosx: 'who -b',
  solaris: 'who -b',
  sunos: 'who -b',
  vmkernel: 'grep booted /var/log/vmksummary.log | tail -n 1',
  aix: 'who -b',
};
const SHUTDOWN_COMMANDS: Record<string, string> = { alpine: 'reboot', vmkernel: 'reboot' };
const DEFAULT_SHUTDOWN_ARGS = '-r {delay_min} "{message}"';
const SHUTDOWN_COMMAND_ARGS: Record<string, string> = {
  alpine: '',
  void: '-r +{delay_min} "{message}"',
  freebsd: '-r +{delay_sec}s "{message}"',
  linux: DEFAULT_SHUTDOWN_ARGS,
  macosx: '-r +{delay_min} "{message}"',
  openbsd: '-r +{delay_min} "{message}"',
  solaris: '-y -g {delay_sec} -i 6 "{message}"',
  sunos: '-y -g {delay_sec} -i 6 "{message}"',
  vmkernel: '-d {delay_sec}',
  aix: '-Fr',
};
const TEST_COMMANDS: Record<string, string> = { solaris: 'who', vmkernel: 'who' };

function byDistribution(table: Record<string, string>, d: Distribution, fallback: string): string {
  return table[d.name + d.version] ?? table[d.name] ?? table[d.family] ?? fallback;
}

/** The commands the reboot will use on this OS: Ansible's defaults unless the task overrides them. */
export interface RebootCommands {
  /** program that reboots, a bare name searched in search_paths unless absolute */
  shutdownBin: string;
  /** its arguments as shell text */
  shutdownArgs: string;
  bootTime: string;
  test: string;
}

export function rebootCommands(a: RebootArgs, d: Distribution): RebootCommands {
  let shutdownBin: string;
  let shutdownArgs: string;
  if (a.reboot_command !== undefined) {
    // the user's command is shell text, split like Ansible: the program, then the rest verbatim
    const sp = a.reboot_command.indexOf(' ');
    shutdownBin = sp < 0 ? a.reboot_command : a.reboot_command.slice(0, sp);
    shutdownArgs = sp < 0 ? '' : a.reboot_command.slice(sp + 1);
  } else {
    shutdownBin = byDistribution(SHUTDOWN_COMMANDS, d, 'shutdown');
    const delay = Math.max(0, a.pre_reboot_delay);
    // Ansible writes the message between double quotes; single-quote it so it stays one word
    shutdownArgs = byDistribution(SHUTDOWN_COMMAND_ARGS, d, DEFAULT_SHUTDOWN_ARGS)
      .replace('{delay_min}', String(Math.floor(delay / 60)))
      .replace('{delay_sec}', String(delay))
      .replace('"{message}"', quote(a.msg));
  }
  return {
    shutdownBin,
    shutdownArgs,
    bootTime: a.boot_time_command ?? byDistribution(BOOT_TIME_COMMANDS, d, 'cat /proc/sys/kernel/random/boot_id'),
    test: a.test_command ?? byDistribution(TEST_COMMANDS, d, 'whoami'),
  };
}

/** The distribution from the gathered facts, or from the host when facts were not gathered. */
async function distribution(ctx: ModuleContext): Promise<Distribution> {
  const v = ctx.vars;
  if (typeof v.ansible_distribution === 'string' && typeof v.ansible_os_family === 'string') {
    return {
      name: v.ansible_distribution.toLowerCase(),
      version: String(v.ansible_distribution_version ?? v.ansible_distribution_major_version ?? '').split('.')[0],
      family: v.ansible_os_family.toLowerCase(),
    };
  }
  const r = await ctx.run('uname -s; if [ -r /etc/os-release ]; then . /etc/os-release; printf "%s\\n%s\\n%s\\n" "$ID" "$VERSION_ID" "$ID_LIKE"; fi');
  return distributionFromProbe(r.stdout);
}

/** `uname -s` and os-release's ID, VERSION_ID, ID_LIKE -> Ansible's keys (macosx, solaris, alpine ...). */
export function distributionFromProbe(stdout: string): Distribution {
  const [kernel = '', id = '', version = '', like = ''] = stdout.split('\n').map((l) => l.trim());
  const system: Record<string, string> = { darwin: 'macosx', sunos: 'solaris', vmkernel: 'vmkernel', freebsd: 'freebsd', openbsd: 'openbsd', aix: 'aix' };
  const k = kernel.toLowerCase();
  if (system[k]) return { name: system[k], version: '', family: system[k] };
  const name = id.toLowerCase() || k;
  return { name, version: version.split('.')[0], family: like.split(/\s+/)[0]?.toLowerCase() || name };
}

class RebootTimeout extends Error {}
/** The host answered, but not yet what we wait for: keep the connection, try again. */
class NotYet extends Error {}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Rejects after `ms`: a host that accepts TCP but never answers must not hold the loop. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UnreachableError(`${what}: no answer within ${Math.round(ms / 1000)} s`)), Math.max(1, ms));
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/**
 * Ansible's do_until_success_or_timeout: retries with exponential backoff (1, 2, 4 ... 12 s plus up
 * to 1 s) until `attempt` succeeds or `timeoutSec` passes. After anything but a NotYet (a lost or
 * hung connection) the connection is reopened before the next try; no try and no pause runs past
 * the deadline.
 */
async function untilSuccess(ctx: ModuleContext, desc: string, timeoutSec: number, connectTimeoutSec: number | undefined, attempt: () => Promise<void>, state: { reconnect: boolean }): Promise<void> {
  const end = Date.now() + timeoutSec * 1000;
  let failures = 0;
  while (Date.now() < end) {
    const limit = Math.min(end - Date.now(), (connectTimeoutSec ?? Infinity) * 1000);
    try {
      await within(
        (async () => {
          if (state.reconnect) {
            await ctx.reconnect();
            state.reconnect = false;
          }
          await attempt();
        })(),
        limit,
        ctx.host,
      );
      return;
    } catch (e) {
      // anything but a plain "not yet" may come from a connection that died with the old boot
      if (!(e instanceof NotYet)) state.reconnect = true;
      const jitter = Math.random();
      const pause = Math.min(2 ** failures, 12) + jitter;
      failures++;
      await sleep(Math.min(pause * 1000, end - Date.now()));
    }
  }
  throw new RebootTimeout(`Timed out waiting for ${desc} (timeout=${timeoutSec})`);
}

/** Ansible's reboot action: reboot, wait for a new boot id, then for the test command. */
export default defineModule<RebootArgs, never, never>({
  name: 'reboot',
  args,
  checkMode: 'run',
  async run(ctx, a): Promise<ModuleResult> {
    if (isLocalConnection(ctx)) {
      return { changed: false, elapsed: 0, rebooted: false, failed: true, msg: 'Running reboot with local connection would reboot the control node.' };
    }
    if (ctx.check) return { changed: true, elapsed: 0, rebooted: true };
    const cmds = rebootCommands(a, await distribution(ctx));

    const before = await ctx.run(cmds.bootTime);
    if (before.rc !== 0) {
      return { changed: false, failed: true, rebooted: false, msg: `reboot: failed to get host boot time info, rc: ${before.rc}, stdout: ${before.stdout}, stderr: ${before.stderr}` };
    }
    const previousBootId = before.stdout.trim();

    const bin = await findProgram(ctx, cmds.shutdownBin, typeof a.search_paths === 'string' ? [a.search_paths] : a.search_paths);
    if ('error' in bin) return { changed: false, failed: true, rebooted: false, msg: bin.error };

    let rc = 0;
    let stdout = '';
    let stderr = '';
    try {
      ({ rc, stdout, stderr } = await ctx.run(`${quote(bin.path)}${cmds.shutdownArgs ? ` ${cmds.shutdownArgs}` : ''}`));
    } catch (e) {
      // the host going down under the command is the expected way for it to end
      if (!(e instanceof UnreachableError)) throw e;
    }
    const start = Date.now();
    const elapsed = () => Math.floor((Date.now() - start) / 1000);
    if (rc !== 0) {
      return { changed: false, failed: true, rebooted: false, elapsed: elapsed(), msg: `Reboot command failed. Error was: '${stdout.trim()}, ${stderr.trim()}'` };
    }
    if (a.post_reboot_delay > 0) await sleep(a.post_reboot_delay * 1000);

    // after the reboot every command may meet a dead connection: reopen it before the next try
    const conn = { reconnect: false };
    try {
      await untilSuccess(ctx, 'last boot time check', a.reboot_timeout, a.connect_timeout, async () => {
        const r = await ctx.run(cmds.bootTime);
        if (r.rc !== 0) throw new NotYet(`reboot: failed to get host boot time info, rc: ${r.rc}`);
        const now = r.stdout.trim();
        // an empty answer comes just before some systems go down: not a new boot yet
        if (now === '' || now === previousBootId) throw new NotYet('boot time has not changed');
      }, conn);
      await untilSuccess(ctx, 'post-reboot test command', a.reboot_timeout, a.connect_timeout, async () => {
        const r = await ctx.run(cmds.test);
        if (r.rc !== 0) throw new NotYet(`Test command failed: ${r.stderr} ${r.stdout}`);
      }, conn);
    } catch (e) {
      if (e instanceof RebootTimeout) return { changed: false, failed: true, rebooted: true, elapsed: elapsed(), msg: e.message };
      throw e;
    }
    return { changed: true, rebooted: true, elapsed: elapsed() };
  },
});

/** The transport choice of connection/factory.ts: never reboot the controller. */
function isLocalConnection(ctx: ModuleContext): boolean {
  const name = ctx.vars.inventory_hostname ?? ctx.host;
  return String(ctx.vars.ansible_connection ?? (name === 'localhost' ? 'local' : 'ssh')) === 'local';
}

/** Ansible looks the program up with its find module in search_paths; this asks the shell once. */
async function findProgram(ctx: ModuleContext, program: string, searchPaths: string[]): Promise<{ path: string } | { error: string }> {
  if (program.startsWith('/')) return { path: program };
  const dirs = searchPaths.map(quote).join(' ');
  const r = await ctx.run(`for d in ${dirs}; do if [ -e "$d"/${quote(program)} ]; then printf '%s\\n' "$d"/${quote(program)}; exit 0; fi; done; exit 1`);
  const found = r.stdout.trim();
  if (r.rc !== 0 || !found) return { error: `Unable to find command "${program}" in search paths: [${searchPaths.map((p) => `'${p}'`).join(', ')}]` };
  return { path: found };
}
