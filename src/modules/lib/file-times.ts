import { quote } from '../../connection/quote.js';
import type { ModuleContext } from '../types.js';

/**
 * modification_time / access_time of the file module: `now`, `preserve`, or a time written in
 * modification_time_format (Python strptime, default %Y%m%d%H%M.%S) and meant in the host's
 * local time zone. The host turns it into seconds (GNU date), so the plan can compare purely.
 */
export type TimeSpec = { kind: 'preserve' } | { kind: 'now' } | { kind: 'at'; epoch: number };

/** The fields a strptime format fills, as "YYYY-MM-DD HH:MM:SS" for `date -d`, or an error message. */
export function strptimeLocal(value: string, format: string): { local: string } | { error: string } {
  const f = { Y: 1900, m: 1, d: 1, H: 0, M: 0, S: 0 };
  let i = 0;
  for (let k = 0; k < format.length; k++) {
    const c = format[k];
    if (c !== '%') {
      if (value[i] !== c) return { error: `time data '${value}' does not match format '${format}'` };
      i++;
      continue;
    }
    const d = format[++k];
    if (d === '%') {
      if (value[i++] !== '%') return { error: `time data '${value}' does not match format '${format}'` };
      continue;
    }
    const width = d === 'Y' ? 4 : 2;
    const m = new RegExp(`^\\d{1,${width}}`).exec(value.slice(i));
    if (!m || !'YymdHMS'.includes(d)) return { error: d && 'YymdHMS'.includes(d) ? `time data '${value}' does not match format '${format}'` : `unsupported format directive %${d}` };
    i += m[0].length;
    const n = Number(m[0]);
    if (d === 'y') f.Y = n < 69 ? 2000 + n : 1900 + n;
    else f[d as keyof typeof f] = n;
  }
  if (i !== value.length) return { error: `unconverted data remains: ${value.slice(i)}` };
  if (f.m < 1 || f.m > 12 || f.d < 1 || f.d > 31 || f.H > 23 || f.M > 59 || f.S > 61) return { error: `time data '${value}' does not match format '${format}'` };
  const p2 = (n: number) => String(n).padStart(2, '0');
  return { local: `${String(f.Y).padStart(4, '0')}-${p2(f.m)}-${p2(f.d)} ${p2(f.H)}:${p2(f.M)}:${p2(f.S)}` };
}

/**
 * Resolves time arguments in one round trip; an argument not given stays undefined (its default,
 * preserve or now for touch, depends on the state the plan settles on).
 */
export async function resolveTimes(
  ctx: ModuleContext,
  values: (string | undefined)[],
  format: (string | undefined)[],
): Promise<(TimeSpec | undefined)[] | { error: string }> {
  const out: (TimeSpec | undefined)[] = values.map(() => undefined);
  const ask: { index: number; local: string }[] = [];
  for (const [index, v] of values.entries()) {
    if (v === undefined) continue;
    if (v === 'now' || v === 'preserve') {
      out[index] = { kind: v };
      continue;
    }
    const parsed = strptimeLocal(v, format[index] ?? '%Y%m%d%H%M.%S');
    if ('error' in parsed) return { error: `Error while obtaining timestamp for time ${v} using format ${format[index] ?? '%Y%m%d%H%M.%S'}: ${parsed.error}` };
    ask.push({ index, local: parsed.local });
  }
  if (ask.length) {
    const r = await ctx.run(ask.map((a) => `date -d ${quote(a.local)} +%s`).join(' && '));
    const secs = r.stdout.trim().split('\n');
    if (r.rc !== 0 || secs.length !== ask.length) return { error: `Error while obtaining timestamp: ${r.stderr.trim()}` };
    ask.forEach((a, k) => (out[a.index] = { kind: 'at', epoch: Number(secs[k]) }));
  }
  return out;
}

/** Ansible's update_timestamp_for_file, decided purely: does applying the times change anything? */
export function timesChange(mtime: TimeSpec, atime: TimeSpec, current: { mtime?: number; atime?: number }): boolean {
  if (mtime.kind === 'preserve' && atime.kind === 'preserve') return false;
  if (mtime.kind === 'now' || atime.kind === 'now') return true;
  const differs = (t: TimeSpec, cur: number | undefined) => t.kind === 'at' && t.epoch !== cur;
  return differs(mtime, current.mtime) || differs(atime, current.atime);
}

/** `touch` commands setting the times (links followed, as os.utime does). */
export function timeCommands(path: string, mtime: TimeSpec, atime: TimeSpec): string[] {
  if (mtime.kind === 'now' && atime.kind === 'now') return [`touch -c -- ${quote(path)}`];
  const cmds: string[] = [];
  if (mtime.kind !== 'preserve') cmds.push(`touch -c -m ${mtime.kind === 'at' ? `-d @${mtime.epoch} ` : ''}-- ${quote(path)}`);
  if (atime.kind !== 'preserve') cmds.push(`touch -c -a ${atime.kind === 'at' ? `-d @${atime.epoch} ` : ''}-- ${quote(path)}`);
  return cmds;
}

/** How a time shows in the file module's diff. */
export function timeLabel(t: TimeSpec, current: number | undefined): string | undefined {
  if (t.kind === 'preserve') return undefined;
  return t.kind === 'now' ? 'now' : String(t.epoch) === String(current) ? undefined : String(t.epoch);
}
