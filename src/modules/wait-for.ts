import { z } from 'zod';
import { quote } from '../connection/quote.js';
import { compilePy, type PyRegex } from './lib/python-regex.js';
import { defineModule, type ModuleContext, type ModuleResult } from './types.js';

const TCP_STATES: Record<string, string> = {
  ESTABLISHED: '01', SYN_SENT: '02', SYN_RECV: '03', FIN_WAIT1: '04', FIN_WAIT2: '05', TIME_WAIT: '06',
  CLOSE: '07', CLOSE_WAIT: '08', LAST_ACK: '09', LISTEN: '0A', CLOSING: '0B',
};

const int = z.coerce.number().int();

const args = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    timeout: int.nonnegative().default(300),
    connect_timeout: int.positive().default(5),
    delay: int.nonnegative().default(0),
    port: int.min(1).max(65535).optional(),
    active_connection_states: z.array(z.string()).default(['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'SYN_RECV', 'SYN_SENT', 'TIME_WAIT']),
    path: z.string().min(1).optional(),
    search_regex: z.string().optional(),
    state: z.enum(['absent', 'drained', 'present', 'started', 'stopped']).default('started'),
    exclude_hosts: z.array(z.string()).optional(),
    sleep: int.nonnegative().default(1),
    msg: z.string().optional(),
  })
  .strict();

export type WaitForArgs = z.infer<typeof args>;

/** The checks that need nothing but the arguments (Ansible's, with its messages). */
export function argumentProblem(a: WaitForArgs): string | undefined {
  if (a.port !== undefined && a.path !== undefined) return 'port and path parameter can not both be passed to wait_for';
  if (a.path !== undefined && a.state === 'stopped') return 'state=stopped should only be used for checking a port in the wait_for module';
  if (a.path !== undefined && a.state === 'drained') return 'state=drained should only be used for checking a port in the wait_for module';
  if (a.exclude_hosts !== undefined && a.state !== 'drained') return 'exclude_hosts should only be with state=drained';
  const unknown = a.active_connection_states.find((s) => !(s.toUpperCase() in TCP_STATES));
  if (unknown !== undefined) return `unknown active_connection_state (${unknown}) defined`;
  return undefined;
}

/** Ansible's message when the wait runs out. */
export function timeoutMessage(a: WaitForArgs): string {
  if (a.msg) return a.msg;
  const hp = `${a.host}:${a.port}`;
  if (a.state === 'drained') return `Timeout when waiting for ${hp} to drain`;
  if (a.state === 'stopped' || a.state === 'absent') return a.port !== undefined ? `Timeout when waiting for ${hp} to stop.` : `Timeout when waiting for ${a.path} to be absent.`;
  if (a.port !== undefined) return a.search_regex !== undefined ? `Timeout when waiting for search string ${a.search_regex} in ${hp}` : `Timeout when waiting for ${hp}`;
  return a.search_regex !== undefined ? `Timeout when waiting for search string ${a.search_regex} in ${a.path}` : `Timeout when waiting for file ${a.path}`;
}

/**
 * One probe of a TCP port from the target, with what a minimal host has: bash's /dev/tcp (under
 * `timeout` when present), else `nc -z`, else the listening sockets of /proc/net/tcp{,6} (which can
 * only answer for the host's own addresses). With `read`, whatever the server sends within the
 * time limit (or until it closes) is printed after the verdict line.
 */
export function portProbeCommand(host: string, port: number, limitSec: number, read: boolean): string {
  const h = quote(host);
  const bashBody = read ? 'exec 3<>"/dev/tcp/$1/$2" || exit 97; echo open; cat <&3' : 'exec 3<>"/dev/tcp/$1/$2" && echo open';
  const ncRead = `echo open; nc -w ${limitSec} ${h} ${port} </dev/null`;
  return [
    `if command -v bash >/dev/null 2>&1; then`,
    `  if command -v timeout >/dev/null 2>&1; then timeout ${limitSec} bash -c ${quote(bashBody)} _ ${h} ${port}; else bash -c ${quote(bashBody)} _ ${h} ${port}; fi 2>/dev/null; echo "@@tsplay-probe:tcp:$?"`,
    `elif command -v nc >/dev/null 2>&1; then`,
    `  if nc -z -w ${limitSec} ${h} ${port} 2>/dev/null; then ${read ? ncRead : 'echo open'}; fi; echo "@@tsplay-probe:nc:$?"`,
    `else`,
    `  echo "@@tsplay-probe:proc:0"; cat /proc/net/tcp /proc/net/tcp6 2>/dev/null`,
    `fi`,
  ].join('\n');
}

export interface PortProbe {
  open: boolean;
  /** bytes the server sent (search_regex) */
  data: string;
}

/** Reads a probe's answer. The /proc fallback counts a LISTEN socket on the port as open. */
export function parsePortProbe(stdout: string, port: number): PortProbe {
  const marker = /@@tsplay-probe:(tcp|nc|proc):\d+\n?/.exec(stdout);
  if (marker && marker[1] === 'proc') {
    const listening = procConnections(stdout.slice(marker.index + marker[0].length)).some((c) => c.localPort === port && c.state === TCP_STATES.LISTEN);
    return { open: listening, data: '' };
  }
  const body = marker ? stdout.slice(0, marker.index) : stdout;
  const open = body.startsWith('open\n');
  return { open, data: open ? body.slice('open\n'.length) : '' };
}

export interface ProcConnection {
  localPort: number;
  remoteAddress: string;
  state: string;
}

/** Lines of /proc/net/tcp and tcp6: local and remote address:port in hex, state code. */
export function procConnections(text: string): ProcConnection[] {
  const out: ProcConnection[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || !/^\d+:$/.test(f[0])) continue;
    const [, localPortHex] = f[1].split(':');
    const [remoteHex] = f[2].split(':');
    out.push({ localPort: parseInt(localPortHex, 16), remoteAddress: hexAddress(remoteHex), state: f[3].toUpperCase() });
  }
  return out;
}

/** /proc/net/tcp addresses: IPv4 as one little-endian word; IPv6 as four of them. */
function hexAddress(hex: string): string {
  const bytes = (word: string) => [6, 4, 2, 0].map((i) => parseInt(word.slice(i, i + 2), 16));
  if (hex.length === 8) return bytes(hex).join('.');
  const words = [0, 8, 16, 24].map((i) => bytes(hex.slice(i, i + 8)));
  const all = words.flat();
  // IPv4-mapped addresses read as plain IPv4 so exclude_hosts can name them
  if (all.slice(0, 10).every((b) => b === 0) && all[10] === 0xff && all[11] === 0xff) return all.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((all[i] << 8) | all[i + 1]).toString(16));
  return groups.join(':');
}

/** Ansible's drained test: connections on the port in an active state, not from excluded hosts. */
export function activeConnections(text: string, port: number, states: string[], exclude: string[] = []): number {
  const codes = new Set(states.map((s) => TCP_STATES[s.toUpperCase()]));
  return procConnections(text).filter((c) => c.localPort === port && codes.has(c.state) && !exclude.includes(c.remoteAddress)).length;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** What one poll found: done, and the regex groups when a search matched. */
interface PollOutcome {
  done: boolean;
  groups?: (string | null)[];
  groupdict?: Record<string, string | null>;
}

function matchOf(re: PyRegex, text: string): PollOutcome {
  const m = re.search(text);
  if (!m) return { done: false };
  const groups: (string | null)[] = [];
  for (let i = 1; i <= re.groupCount; i++) groups.push(m.group(i) ?? null);
  const groupdict: Record<string, string | null> = {};
  for (const [name, i] of re.groupNames) groupdict[name] = m.group(i) ?? null;
  return { done: true, groups, groupdict };
}

/**
 * ansible.builtin.wait_for. The checks run on the target, as in Ansible (127.0.0.1 is the target's
 * own loopback); the poll loop runs here, one small command per poll, so timing and timeouts are
 * measured in one place. Check mode skips it, as Ansible does (the module has no check mode).
 */
export default defineModule<WaitForArgs, never, never>({
  name: 'wait_for',
  args,
  checkMode: 'run',
  async run(ctx, a): Promise<ModuleResult> {
    const problem = argumentProblem(a);
    if (problem) return { changed: false, failed: true, msg: problem, elapsed: 0 };
    let re: PyRegex | undefined;
    if (a.search_regex !== undefined) {
      // MULTILINE as Ansible compiles it; the text arrives decoded as UTF-8 (Ansible searches bytes)
      const c = compilePy(a.search_regex, 'text', { multiline: true });
      if ('error' in c) return { changed: false, failed: true, msg: `Invalid regular expression: ${c.error}` };
      re = c;
    }
    if (ctx.check) return { changed: false, skipped: true, msg: 'remote module (wait_for) does not support check mode' };

    const start = Date.now();
    const elapsed = () => Math.floor((Date.now() - start) / 1000);
    if (a.delay) await sleep(a.delay * 1000);
    if (a.port === undefined && a.path === undefined && a.state !== 'drained') {
      await sleep(a.timeout * 1000);
      return finished(a, elapsed(), { done: true });
    }
    const end = start + a.timeout * 1000;
    while (Date.now() < end) {
      const outcome = await poll(ctx, a, re, end);
      if (outcome.done) return finished(a, elapsed(), outcome);
      await sleep(Math.min(a.sleep * 1000, end - Date.now()));
    }
    return { changed: false, failed: true, msg: timeoutMessage(a), elapsed: elapsed() };
  },
});

function finished(a: WaitForArgs, elapsed: number, o: PollOutcome): ModuleResult {
  return {
    changed: false,
    state: a.state,
    port: a.port ?? null,
    search_regex: a.search_regex ?? null,
    match_groups: o.groups ?? [],
    match_groupdict: o.groupdict ?? {},
    path: a.path ?? null,
    elapsed,
  };
}

async function poll(ctx: ModuleContext, a: WaitForArgs, re: PyRegex | undefined, end: number): Promise<PollOutcome> {
  const wantGone = a.state === 'absent' || a.state === 'stopped';
  if (a.state === 'drained') {
    const r = await ctx.run('cat /proc/net/tcp /proc/net/tcp6 2>/dev/null');
    return { done: activeConnections(r.stdout, a.port ?? 0, a.active_connection_states, a.exclude_hosts) === 0 };
  }
  if (a.path !== undefined) {
    const p = quote(a.path);
    const read = re !== undefined && !wantGone;
    const r = await ctx.run(read ? `if [ -e ${p} ]; then echo yes; cat ${p} 2>/dev/null; else echo no; fi` : `if [ -e ${p} ]; then echo yes; else echo no; fi`);
    const exists = r.stdout.startsWith('yes\n');
    if (wantGone) return { done: !exists };
    if (!exists) return { done: false };
    return re ? matchOf(re, r.stdout.slice('yes\n'.length)) : { done: true };
  }
  // a probe never runs past the overall deadline (Ansible shortens its connect timeout the same way)
  const limit = Math.max(1, Math.min(a.connect_timeout, Math.ceil((end - Date.now()) / 1000)));
  const read = re !== undefined && !wantGone;
  const r = await ctx.run(portProbeCommand(a.host, a.port!, limit, read));
  const probe = parsePortProbe(r.stdout, a.port!);
  if (wantGone) return { done: !probe.open };
  if (!probe.open) return { done: false };
  return re ? matchOf(re, probe.data) : { done: true };
}
