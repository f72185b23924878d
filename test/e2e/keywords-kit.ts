import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { outcomes, recap, ROOT, tsplay, type CliRun, type Recap } from './cli.js';

/**
 * A small world for the keyword tests: a temp folder holding a playbook (and whatever files it
 * needs), an inventory of three local hosts, and one fresh output folder per run. Every host writes
 * under `{{d}}` = `<root>/<inventory_hostname>`, which exists before the run (so playbooks need no
 * setup task and a dry run that writes nothing leaves only these empty folders).
 */
export const HOSTS = ['alpha', 'beta', 'gamma'] as const;

const INVENTORY = `[web]
${HOSTS.map((h) => `${h} ansible_connection=local`).join('\n')}

[web:vars]
d="{{root}}/{{inventory_hostname}}"
`;

export interface KwRun extends CliRun {
  root: string;
  /** `task | host | status` (plus ` | item` for loop items), in output order */
  rows: string[];
  recap: Recap;
  /** TASK [..] and RUNNING HANDLER [..] banners, in order */
  banners: string[];
  /** a file a host wrote under its folder, or undefined */
  file(host: string, name: string): string | undefined;
  /** a file under root (written by a task to `{{root}}/...`), or undefined */
  read(name: string): string | undefined;
  /** every path under root (host folders included), sorted */
  tree(): string[];
}

export class Scene {
  readonly dir: string;
  private runs = 0;

  /**
   * files: path (relative to the scene folder) -> content; `site.yml` is the playbook. fixture: a
   * folder under test/fixtures/keywords/ copied in first.
   */
  constructor(files: Record<string, string>, fixture?: string) {
    this.dir = mkdtempSync(join(tmpdir(), 'tsplay-kw-'));
    if (fixture) cpSync(join(ROOT, 'test/fixtures/keywords', fixture), this.dir, { recursive: true });
    for (const [name, content] of Object.entries({ 'inventory.ini': INVENTORY, ...files })) {
      mkdirSync(dirname(join(this.dir, name)), { recursive: true });
      writeFileSync(join(this.dir, name), content);
    }
  }

  /**
   * Runs site.yml (or `playbook`) with extra CLI arguments on a fresh output folder, or on the
   * folder of an earlier run (`after`).
   */
  run(args: string[] = [], playbook = 'site.yml', after?: KwRun): KwRun {
    const root = after?.root ?? join(this.dir, `out-${++this.runs}`);
    for (const h of HOSTS) mkdirSync(join(root, h), { recursive: true });
    const r = tsplay(['run', join(this.dir, playbook), '-i', join(this.dir, 'inventory.ini'), '-e', `root=${root}`, ...args], { cwd: this.dir });
    return {
      ...r,
      root,
      rows: rows(r.stdout),
      recap: recap(r.stdout),
      banners: r.stdout.split('\n').filter((l) => /^(TASK|RUNNING HANDLER) \[/.test(l)).map((l) => l.replace(/ \*+$/, '')),
      file: (host, name) => readIfThere(join(root, host, name)),
      read: (name) => readIfThere(join(root, name)),
      tree: () => readdirSync(root, { recursive: true, encoding: 'utf8' }).sort(),
    };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function readIfThere(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

export function rows(stdout: string): string[] {
  return outcomes(stdout).map((o) => `${o.task} | ${o.host} | ${o.status}${o.item !== undefined ? ` | ${o.item}` : ''}`);
}

/** The recap line of a host as `ok=1 changed=1 ...`, only the counters that are not zero (compact tables). */
export function counts(r: Recap, host: string): string {
  const c = r[host];
  if (!c) return '(not in recap)';
  return Object.entries(c)
    .filter(([, n]) => n !== 0)
    .map(([k, n]) => `${k}=${n}`)
    .join(' ');
}

/** Output for a failed expectation: what the run printed. */
export function shown(r: CliRun): string {
  return `exit ${r.code}\n${r.stdout}\n${r.stderr}`;
}

/** A run shared by the rows of a table, made when the first row needs it. */
export function once<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}
