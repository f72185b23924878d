import type { ExecResult } from '../../connection/types.js';
import type { ModuleResult } from '../types.js';

/** Ansible's result shape for command-like modules. */
export function commandResult(cmd: string | string[], r: ExecResult, started: Date, stripEmptyEnds = true): ModuleResult {
  const ended = new Date();
  const strip = (s: string) => (stripEmptyEnds ? s.replace(/\n+$/, '') : s);
  const stdout = strip(r.stdout);
  const stderr = strip(r.stderr);
  return {
    changed: true,
    failed: r.rc !== 0,
    ...(r.rc !== 0 ? { msg: 'non-zero return code' } : {}),
    cmd,
    rc: r.rc,
    stdout,
    stderr,
    stdout_lines: stdout === '' ? [] : stdout.split('\n'),
    stderr_lines: stderr === '' ? [] : stderr.split('\n'),
    start: started.toISOString(),
    end: ended.toISOString(),
    delta: formatDelta(ended.getTime() - started.getTime()),
  };
}

function formatDelta(ms: number): string {
  const s = ms / 1000;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${(s % 60).toFixed(6).padStart(9, '0')}`;
}
