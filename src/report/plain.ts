import pc from 'picocolors';
import type { HostResult, RecapStats, Reporter, RunEvent } from './events.js';
import { unifiedDiff } from './diff-text.js';

export interface PlainOptions {
  write: (text: string) => void;
  color: boolean;
  diff: boolean;
  verbosity: number;
}

const NO_LOG_MSG = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";
/** keys Ansible leaves out of the one-line result after "=>" unless verbose */
const NOISE = new Set(['stdout_lines', 'stderr_lines', 'diff', 'facts', 'ansible_facts', 'invocation', 'check_mode_not_run', 'warnings']);

/** A result's `warnings`: strings, as modules report them (anything else is not a warning). */
function warningsOf(res: Record<string, unknown>): string[] {
  return Array.isArray(res.warnings) ? res.warnings.filter((w): w is string => typeof w === 'string') : [];
}

/** Ansible's output shape: PLAY [..], TASK [..], one line per host, PLAY RECAP. */
export class PlainReporter implements Reporter {
  private readonly c: ReturnType<typeof pc.createColors>;

  constructor(private readonly o: PlainOptions) {
    this.c = pc.createColors(o.color);
  }

  on(e: RunEvent): void {
    switch (e.type) {
      case 'play_start':
        return this.banner(`PLAY [${e.name}]`);
      case 'no_hosts':
        return this.line(this.c.magenta(`skipping: no hosts matched '${e.pattern}'`));
      case 'task_start':
        return this.banner(`${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.name}]`);
      case 'item_result':
        return this.hostLine(e.result, true);
      case 'host_result':
        return this.hostLine(e.result, false, e.loop);
      case 'included':
        return this.line(this.c.cyan(`included: ${e.file} for ${e.hosts.join(', ')}${e.item !== undefined ? ` => (item=${e.item})` : ''}`));
      case 'warning':
        return this.line(this.c.magenta(`[WARNING]: ${e.message}`));
      case 'recap':
        return this.recap(e.stats);
      default:
        return;
    }
  }

  private line(s: string): void {
    this.o.write(s + '\n');
  }

  private banner(title: string): void {
    this.line('');
    this.line(`${title} ${'*'.repeat(Math.max(3, 79 - title.length))}`);
  }

  private hostLine(r: HostResult, isItem: boolean, aggregateOfLoop = false): void {
    const res = r.result;
    if (!isItem && aggregateOfLoop && r.status !== 'failed' && r.status !== 'unreachable') {
      // Ansible prints only the items for a loop, then nothing more unless it failed
      return;
    }
    if (this.o.diff && !r.noLog && res.diff && (r.status === 'changed' || r.status === 'ok')) {
      for (const d of res.diff) this.o.write(this.colorDiff(unifiedDiff(d)) + '\n');
    }
    // as Ansible: a module's warnings come before its host line, and leave the result
    for (const w of warningsOf(res)) this.line(this.c.magenta(`[WARNING]: ${w}`));
    const host = r.delegatedTo ? `${r.host} -> ${r.delegatedTo}` : r.host;
    const item = r.item !== undefined ? ` => (item=${r.item})` : '';
    const body = this.details(r);
    switch (r.status) {
      case 'ok':
        this.line(this.c.green(`ok: [${host}]${item}${body}`));
        break;
      case 'changed':
        this.line(this.c.yellow(`changed: [${host}]${item}${body}`));
        break;
      case 'skipped':
        this.line(this.c.cyan(`skipping: [${host}]${item}`));
        break;
      case 'unreachable':
        this.line(this.c.red(`fatal: [${host}]: UNREACHABLE! => ${this.json(r, false)}`));
        break;
      case 'failed':
        this.line(this.c.red(`${isItem ? 'failed' : 'fatal'}: [${host}]${isItem ? item : ''}: FAILED! => ${this.json(r, false)}`));
        if (r.ignored) this.line(this.c.cyan('...ignoring'));
        break;
    }
  }

  /** what follows "=>" for ok/changed: debug output always, full results with -v */
  private details(r: HostResult): string {
    const res = r.result;
    if (r.module === 'debug' && !r.noLog) {
      if (Number(res.verbosity ?? 0) > this.o.verbosity) return '';
      return ' => ' + this.json(r, true, (k) => k !== 'verbosity' && k !== 'changed' && !NOISE.has(k));
    }
    return this.o.verbosity > 0 ? ' => ' + this.json(r, false) : '';
  }

  private json(r: HostResult, pretty: boolean, keep: (k: string) => boolean = (k) => !NOISE.has(k)): string {
    const obj = r.noLog ? { censored: NO_LOG_MSG, changed: r.result.changed } : Object.fromEntries(Object.entries(r.result).filter(([k, v]) => keep(k) && v !== undefined));
    return pretty ? JSON.stringify(obj, null, 4) : JSON.stringify(obj);
  }

  private colorDiff(text: string): string {
    return text
      .split('\n')
      .map((l) => (l.startsWith('+') ? this.c.green(l) : l.startsWith('-') ? this.c.red(l) : l.startsWith('@@') ? this.c.cyan(l) : l))
      .join('\n');
  }

  private recap(stats: Map<string, RecapStats>): void {
    this.banner('PLAY RECAP');
    const width = Math.max(26, ...[...stats.keys()].map((h) => h.length + 1));
    for (const [host, s] of stats) {
      const name = s.failed || s.unreachable ? this.c.red(host) : s.changed ? this.c.yellow(host) : this.c.green(host);
      const col = (label: string, n: number, paint: (x: string) => string) => {
        const t = `${label}=${n}`;
        return (n > 0 ? paint(t) : t) + ' '.repeat(Math.max(1, label.length + 6 - t.length));
      };
      this.line(
        name + ' '.repeat(width - host.length) + ' : ' +
          col('ok', s.ok, this.c.green) + col('changed', s.changed, this.c.yellow) + col('unreachable', s.unreachable, this.c.red) +
          col('failed', s.failed, this.c.red) + col('skipped', s.skipped, this.c.cyan) + col('rescued', s.rescued, this.c.magenta) +
          col('ignored', s.ignored, this.c.magenta),
      );
    }
    this.line('');
  }
}
