/**
 * Test doubles for the system modules (sysctl, modprobe, mount, swap, hostname, selinux,
 * timezone), for what this machine cannot run for real: loading kernel modules, setenforce,
 * changing the kernel's sysctl values, turning the machine's swap off. Plans are tested from a
 * recorded host state; apply is tested against a scripted connection that records every command
 * and answers from a table.
 */
import { argv } from '../../src/connection/quote.js';
import type { Connection, ExecBinaryResult, ExecOptions } from '../../src/connection/types.js';
import { makeModuleContext } from '../../src/exec/module-context.js';
import type { HostRead } from '../../src/modules/lib/system-inspect.js';
import type { ProbedState } from '../../src/modules/lib/remote-fs.js';
import type { ModuleDef, ModuleResult, Plan } from '../../src/modules/types.js';
import type { Vars } from '../../src/vars/types.js';

/** A host state as readHost returns it: files by path (undefined: absent), command outputs by name. */
export function hostRead(files: Record<string, string | undefined>, commands: Record<string, { rc?: number; stdout?: string }> = {}): HostRead {
  const out: HostRead = { files: {}, commands: {}, umask: 0o022, user: { name: 'root', uid: 0, group: 'root', gid: 0 } };
  for (const [path, text] of Object.entries(files)) {
    out.files[path] =
      text === undefined
        ? { path, exists: false, type: 'absent' }
        : ({ path, exists: true, type: 'file', mode: '0644', owner: 'root', group: 'root', uid: 0, gid: 0, content: Buffer.from(text) } satisfies ProbedState);
  }
  for (const [name, c] of Object.entries(commands)) out.commands[name] = { rc: c.rc ?? 0, stdout: c.stdout ?? '' };
  return out;
}

/** The argv of each planned command, as the host would run it. */
export function plannedCommands(plan: Plan): string[] {
  const data = plan.data as { commands?: { argv: string[] }[] } | undefined;
  return (data?.commands ?? []).map((c) => argv(c.argv));
}

/** The new content of each planned file write, by path. */
export function plannedWrites(plan: Plan): Record<string, string> {
  const data = plan.data as { writes?: { path: string; content?: Buffer }[] } | undefined;
  return Object.fromEntries((data?.writes ?? []).map((w) => [w.path, w.content?.toString('utf8') ?? '']));
}

export interface ScriptedAnswer {
  /** a command containing this text (or matching this pattern) gets the answer */
  when: string | RegExp;
  rc?: number;
  stdout?: string;
  stderr?: string;
}

/**
 * A Connection that runs nothing: it records each command and answers from the table (first
 * match; everything else exits 0 silently). A double for programs this machine cannot run.
 */
export class ScriptedConnection implements Connection {
  readonly host = 'scripted';
  readonly sent: string[] = [];
  constructor(private readonly answers: ScriptedAnswer[] = []) {}
  async connect(): Promise<void> {}
  async exec(command: string, _opts?: ExecOptions): Promise<ExecBinaryResult> {
    this.sent.push(command);
    const a = this.answers.find((x) => (typeof x.when === 'string' ? command.includes(x.when) : x.when.test(command)));
    const stdout = a?.stdout ?? '';
    return { rc: a?.rc ?? 0, stdout, stderr: a?.stderr ?? '', stdoutBytes: Buffer.from(stdout) };
  }
  async put(): Promise<void> {}
  async get(): Promise<Buffer> {
    return Buffer.alloc(0);
  }
  async close(): Promise<void> {}
  /** The commands sent without the environment prefix the context adds (`export LANG=C ...; `). */
  commands(): string[] {
    return this.sent.map((c) => c.replace(/^export [^;]*; /, ''));
  }
}

/** plan + apply for a recorded state, against a scripted connection: the result and what was sent. */
export async function applyScripted<A, S>(
  def: ModuleDef<A, S>,
  rawArgs: unknown,
  current: S,
  answers: ScriptedAnswer[] = [],
  vars: Vars = {},
): Promise<{ result: ModuleResult; sent: string[]; plan: Plan }> {
  const args = def.args.parse(rawArgs);
  const conn = new ScriptedConnection(answers);
  const ctx = makeModuleContext({ conn, host: 'scripted', check: false, diff: false, vars });
  const plan = def.plan!(args, current, { diff: false, now: new Date(0) });
  const base: ModuleResult = { changed: plan.changed, ...plan.result, ...(plan.msg ? { msg: plan.msg } : {}) };
  if (plan.failed) return { result: { ...base, failed: true }, sent: [], plan };
  const applied = plan.changed ? await def.apply!(ctx, args, plan) : {};
  return { result: { ...base, ...(applied ?? {}) }, sent: conn.commands(), plan };
}
