import { argv } from '../../connection/quote.js';
import type { FileDiff, FileEffect, ModuleContext, ModuleResult, Plan, PlanContext } from '../types.js';
import type { HostRead } from './system-inspect.js';
import { applyTextFile, planTextFile, type TextWrite } from './text-file-module.js';
import type { ProbedState } from './remote-fs.js';

/**
 * What the system modules plan: whole-file writes (decided purely from the text read by
 * readHost) followed by commands. Tests compare these values; apply carries them out in order
 * and stops at the first failure.
 */
export interface SystemChange {
  writes: TextWrite[];
  commands: HostCommand[];
}

export interface HostCommand {
  argv: string[];
  /** what a failure means, in the module's words: "Failed to reload sysctl" */
  what: string;
  /** a failure becomes a warning and the run goes on (sysctl's ignoreerrors) */
  tolerate?: boolean;
  /** a pattern of stderr that means failure even with exit status 0 (sysctl) */
  failOn?: RegExp;
  /** what the command does to a path, for later check-mode tasks (a symlink, a directory) */
  effect?: FileEffect;
  /** run instead when the command fails (mount's remount -> umount + mount); their failure counts */
  orElse?: HostCommand[];
}

/** Attribute and backup arguments for one file (sysctl has mode/owner/group, mount backup). */
export interface FileWriteOptions {
  mode?: string | number;
  owner?: string;
  group?: string;
  backup?: boolean;
}

/** One file's part of a plan: the write (if any), its diff and its check-mode effects. */
export interface FilePart {
  changed: boolean;
  write?: TextWrite;
  diff?: FileDiff[];
  effects?: FileEffect[];
  failed?: boolean;
  msg?: string;
}

/** Pure: the file as read, and the text it should have -> the write. */
export function planFile(read: Pick<HostRead, 'files' | 'umask' | 'user'>, path: string, after: string, pctx: PlanContext, o: FileWriteOptions = {}): FilePart {
  const file: ProbedState = read.files[path] ?? { path, exists: false, type: 'absent' };
  const plan = planTextFile(
    { path, mode: o.mode, owner: o.owner, group: o.group, backup: o.backup ?? false },
    { file, umask: read.umask, user: read.user },
    (before) => {
      const content = Buffer.from(after, 'utf8');
      return { content, changed: before === undefined || !before.equals(content), msg: '' };
    },
    pctx,
    { diffHeader: path },
  );
  if (plan.failed) return { changed: false, failed: true, msg: plan.msg };
  return { changed: plan.changed, write: plan.data, diff: plan.diff, effects: plan.effects };
}

/** Puts file parts and commands together into one plan. */
export function systemPlan(parts: FilePart[], commands: HostCommand[], result: Record<string, unknown>, msg?: string): Plan<SystemChange> {
  const failed = parts.find((p) => p.failed);
  if (failed) return { changed: false, failed: true, msg: failed.msg, result };
  const writes = parts.flatMap((p) => (p.changed && p.write ? [p.write] : []));
  const diff = parts.flatMap((p) => (p.changed ? (p.diff ?? []) : []));
  const effects = [...parts.flatMap((p) => (p.changed ? (p.effects ?? []) : [])), ...commands.flatMap((c) => (c.effect ? [c.effect] : []))];
  const changed = writes.length > 0 || commands.length > 0;
  return {
    changed,
    ...(msg !== undefined ? { msg } : {}),
    ...(diff.length ? { diff } : {}),
    ...(effects.length ? { effects } : {}),
    result,
    data: { writes, commands },
  };
}

/** A plan that changes nothing but fails with `msg` (decided from what inspect read). */
export function failedPlan(msg: string, result: Record<string, unknown> = {}): Plan<SystemChange> {
  return { changed: false, failed: true, msg, result };
}

/** Writes the files, then runs the commands; the first failure ends the task. */
export async function applySystemChange(ctx: ModuleContext, change: SystemChange): Promise<Partial<ModuleResult>> {
  const out: Partial<ModuleResult> = {};
  for (const w of change.writes) {
    const r = await applyTextFile(ctx, w);
    if (r.failed) return r;
    Object.assign(out, r);
  }
  const warnings: string[] = [];
  for (const c of change.commands) {
    let r = await runHostCommand(ctx, c);
    for (const alt of r.ok ? [] : (c.orElse ?? [])) {
      r = await runHostCommand(ctx, alt);
      if (!r.ok) break;
    }
    if (r.ok) continue;
    if (c.tolerate) {
      warnings.push(`${c.what}: ${r.output}`);
      continue;
    }
    return { ...out, failed: true, msg: `${c.what}: ${r.output}`, rc: r.rc, stdout: r.stdout, stderr: r.stderr, cmd: c.argv };
  }
  return warnings.length ? { ...out, warnings } : out;
}

export interface HostCommandOutcome {
  ok: boolean;
  rc: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, trimmed: what a failure message quotes */
  output: string;
}

/** One planned command, in the C locale (messages are matched in English). */
export async function runHostCommand(ctx: ModuleContext, c: HostCommand): Promise<HostCommandOutcome> {
  const r = await ctx.run(argv(c.argv), { env: { LANG: 'C', LC_ALL: 'C', LC_MESSAGES: 'C' } });
  const ok = r.rc === 0 && !(c.failOn && c.failOn.test(r.stderr));
  return { ok, rc: r.rc, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}${r.stderr}`.trim() || `exit ${r.rc}` };
}
