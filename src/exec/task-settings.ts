import type { BecomeSpec } from '../connection/types.js';
import type { Block, Inherited, Task } from '../playbook/types.js';
import { evalCondition } from '../vars/condition/index.js';
import { renderDeep, renderValue } from '../vars/template.js';
import type { Vars } from '../vars/types.js';
import type { PlayContext } from './play-context.js';

/**
 * Keywords that a task inherits from its blocks and play (become, environment, ignore_errors ...),
 * resolved for one host: the innermost value wins, templates are rendered with the task's vars.
 */
export class TaskSettings {
  private readonly chain: Inherited[];

  constructor(
    private readonly pc: PlayContext,
    task: Task,
    blocks: readonly Block[],
    private readonly vars: Vars,
  ) {
    this.chain = [task, ...[...blocks].reverse(), pc.play];
  }

  private pick<K extends keyof Inherited>(key: K): Inherited[K] | undefined {
    for (const node of this.chain) if (node[key] !== undefined) return node[key];
    return undefined;
  }

  flag(key: 'ignoreErrors' | 'noLog' | 'runOnce', fallback = false): boolean {
    const v = this.pick(key);
    return v === undefined ? fallback : truthy(v, this.vars);
  }

  /** check_mode / diff: the task's own setting, else the command line's */
  check(): boolean {
    const v = this.pick('checkMode');
    return v === undefined ? this.pc.opts.check : truthy(v, this.vars);
  }

  diff(): boolean {
    const v = this.pick('diff');
    return v === undefined ? this.pc.opts.diff : truthy(v, this.vars);
  }

  become(): BecomeSpec | undefined {
    const o = this.pc.opts;
    const v = this.pick('become') ?? o.become ?? this.vars.ansible_become;
    if (v === undefined || !truthy(v as boolean | string, this.vars)) return undefined;
    const user = this.pick('becomeUser') ?? o.becomeUser ?? this.vars.ansible_become_user ?? 'root';
    const method = this.pick('becomeMethod') ?? o.becomeMethod ?? this.vars.ansible_become_method ?? 'sudo';
    const password = o.becomePassword ?? this.vars.ansible_become_password ?? this.vars.ansible_become_pass;
    return {
      user: String(renderValue(String(user), this.vars)),
      method: String(method) === 'su' ? 'su' : 'sudo',
      ...(password !== undefined ? { password: String(password) } : {}),
    };
  }

  /** environment of play, blocks and task merged (inner wins), rendered */
  environment(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const node of [...this.chain].reverse()) {
      if (node.environment === undefined) continue;
      const rendered = renderDeep(node.environment, this.vars);
      if (rendered && typeof rendered === 'object') {
        for (const [k, v] of Object.entries(rendered)) env[k] = String(v);
      }
    }
    return env;
  }

  /** play / block / task `remote_user` (below ansible_user, above -u), rendered */
  remoteUser(): string | undefined {
    const v = this.pick('remoteUser');
    return v === undefined ? undefined : String(renderValue(v, this.vars));
  }

  delegateTo(): string | undefined {
    const v = this.pick('delegateTo');
    return v === undefined ? undefined : String(renderValue(v, this.vars));
  }
}

/** A keyword that may be a boolean, a template or a condition string. */
export function truthy(v: boolean | string, vars: Vars): boolean {
  if (typeof v === 'boolean') return v;
  const rendered = renderValue(v, vars);
  if (typeof rendered === 'boolean') return rendered;
  if (typeof rendered === 'string') {
    const s = rendered.trim().toLowerCase();
    if (['yes', 'true', 'on', '1', 'y'].includes(s)) return true;
    if (['no', 'false', 'off', '0', 'n', ''].includes(s)) return false;
    return evalCondition(rendered, vars);
  }
  return Boolean(rendered);
}
