import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = resolve(ROOT, 'bin/tsplay.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function cliEnv(extra: Record<string, string> | undefined): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...extra };
  delete env.FORCE_COLOR;
  return env;
}

/**
 * The CLI without blocking this process: for tests whose servers (an apt repository, an HTTP
 * server) run in the test process and must answer while the CLI runs.
 */
export function tsplayAsync(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: cliEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Runs the built CLI (npm test builds dist/ first), without colors. */
export function tsplay(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): CliRun {
  const env = cliEnv(opts.env);
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export interface TaskOutcome {
  task: string;
  host: string;
  status: string;
  item?: string;
}

/** Reads the plain output back into (task, host, status) rows, loop items included. */
export function outcomes(stdout: string): TaskOutcome[] {
  const rows: TaskOutcome[] = [];
  let task = '';
  for (const line of stdout.split('\n')) {
    const t = /^(?:TASK|RUNNING HANDLER) \[(.*)\] \*+$/.exec(line);
    if (t) {
      task = t[1];
      continue;
    }
    const r = /^(ok|changed|skipping|fatal|failed): \[([^\]]+)\](?: => \(item=(.*?)\))?/.exec(line);
    if (r) rows.push({ task, host: r[2], status: r[1], ...(r[3] !== undefined ? { item: r[3] } : {}) });
  }
  return rows;
}

export interface Recap {
  [host: string]: Record<'ok' | 'changed' | 'unreachable' | 'failed' | 'skipped' | 'rescued' | 'ignored', number>;
}

export function recap(stdout: string): Recap {
  const out: Recap = {};
  const at = stdout.indexOf('PLAY RECAP');
  if (at < 0) return out;
  for (const line of stdout.slice(at).split('\n').slice(1)) {
    const m = /^(\S+)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    const counts = Object.fromEntries([...m[2].matchAll(/(\w+)=(\d+)/g)].map((x) => [x[1], Number(x[2])]));
    out[m[1]] = counts as Recap[string];
  }
  return out;
}
