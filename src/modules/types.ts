import type { z } from 'zod';
import type { ExecBinaryResult } from '../connection/types.js';
import type { Vars } from '../vars/types.js';
import type { RemoteFs } from './lib/remote-fs.js';

/** One unified diff section (a file before and after). Rendered by reporters. */
export interface FileDiff {
  before: string;
  after: string;
  beforeHeader: string;
  afterHeader: string;
}

export interface RunOptions {
  stdin?: string | Buffer;
  /** directory to run in (quoted `cd` is prepended) */
  chdir?: string;
  env?: Record<string, string>;
  binary?: boolean;
}

/** Everything a module may use. Modules never print; they return results. */
export interface ModuleContext {
  /** inventory_hostname */
  readonly host: string;
  readonly check: boolean;
  readonly diff: boolean;
  /** the task's variables (read-only) */
  readonly vars: Vars;
  /**
   * Runs a command on the host. An array is an argv (every word quoted); a string is shell text
   * that must already be built from quoted parts.
   */
  run(command: string | readonly string[], opts?: RunOptions): Promise<ExecBinaryResult>;
  /** File operations on the host, seen through the check-mode overlay. */
  readonly fs: RemoteFs;
  /** A controller-side file of the task's role or playbook: files/ or templates/ lookup. Throws if missing. */
  findLocal(kind: 'files' | 'templates', name: string): string;
  /** Renders a Handlebars template text with the task's variables (+ extra). */
  render(text: string, extra?: Vars): string;
  /** Opens the host's connection afresh (reboot); a no-op for transports that need none. */
  reconnect(): Promise<void>;
}

/**
 * What a module returns for one host. Extra fields end up in the registered variable
 * (e.g. `stat` for the stat module, `rc`/`stdout` for command).
 */
export interface ModuleResult {
  changed: boolean;
  failed?: boolean;
  skipped?: boolean;
  /** usually a string; debug's msg may be any value */
  msg?: unknown;
  diff?: FileDiff[];
  rc?: number;
  stdout?: string;
  stderr?: string;
  /** facts to set on the host (set_fact) */
  facts?: Vars;
  /** meta actions (flush_handlers, end_play, end_host, noop) */
  meta?: string;
  [key: string]: unknown;
}

/** What an earlier task would have done to a path, recorded in check mode so later tasks see it. */
export type FileEffect =
  | { path: string; kind: 'file'; content: Buffer; mode?: string; owner?: string; group?: string }
  | { path: string; kind: 'directory'; mode?: string; owner?: string; group?: string }
  | { path: string; kind: 'link'; target: string }
  | { path: string; kind: 'absent' }
  /** attributes only (mode/owner/group/times) on an existing path */
  | { path: string; kind: 'attrs'; mode?: string; owner?: string; group?: string };

/**
 * What an earlier task would have done to a group, recorded in check mode so that a user whose
 * group an earlier task creates is predicted, not failed (Ansible's dry run fails there).
 */
export interface GroupEffect {
  name: string;
  present: boolean;
  /** the group's number, when the task gave one */
  gid?: number;
}

/** The pure outcome of comparing desired with current state. */
export interface Plan<P = unknown> {
  changed: boolean;
  /** ok-but-failed outcomes decided without touching the host (e.g. "src file missing") */
  failed?: boolean;
  msg?: string;
  diff?: FileDiff[];
  /** what applying would do to files, so check mode can show it to later tasks */
  effects?: FileEffect[];
  /** what applying would do to groups, for the same reason */
  groups?: GroupEffect[];
  /** fields for the registered result, whether or not it is applied */
  result?: Record<string, unknown>;
  /** module-specific data handed to apply */
  data?: P;
}

export interface ModuleDef<A = any, S = any, P = any> {
  name: string;
  /** Zod schema of the arguments; unknown arguments must be rejected (`.strict()`). */
  args: z.ZodType<A>;
  /** When the task gives a bare string (`command: ls -l`), it becomes this argument. */
  freeForm?: string;
  /** Some modules (debug, set_fact, assert, meta) run on the controller only: they implement run. */
  run?(ctx: ModuleContext, args: A): Promise<ModuleResult> | ModuleResult;
  /** Reads the current state in one round trip. */
  inspect?(ctx: ModuleContext, args: A): Promise<S>;
  /** Pure: desired vs current -> the change (or none). Check mode stops here. */
  plan?(args: A, current: S, ctx: PlanContext): Plan<P>;
  /** Applies the plan. Returns extra result fields; `changed` comes from the plan unless overridden. */
  apply?(ctx: ModuleContext, args: A, plan: Plan<P>): Promise<Partial<ModuleResult> | void>;
  /** In check mode, modules without a pure plan (command, shell) decide themselves. */
  checkMode?: 'plan' | 'run';
}

/** Inputs to `plan` besides args and current state (kept tiny so plans stay pure). */
export interface PlanContext {
  diff: boolean;
  /** for modules that need a clock (backup names, times) */
  now: Date;
}

export function defineModule<A, S, P>(def: ModuleDef<A, S, P>): ModuleDef<A, S, P> {
  return def;
}
