import { UnreachableError } from '../connection/types.js';
import { errorMessage, TemplateError } from '../errors.js';
import { getModule } from '../modules/registry.js';
import type { ModuleDef, ModuleResult } from '../modules/types.js';
import { findLocalFile } from '../playbook/local-files.js';
import type { Block, Task } from '../playbook/types.js';
import type { HostResult, Status } from '../report/events.js';
import { evalConditions, expressionVariables } from '../vars/condition/index.js';
import { overlayVars } from '../vars/lazy-context.js';
import { renderDeep, renderText, renderValue } from '../vars/template.js';
import type { Vars } from '../vars/types.js';
import { executeModule } from '../modules/execute.js';
import type { HostState } from './host-state.js';
import { loopItems } from './loop-items.js';
import { makeModuleContext } from './module-context.js';
import { OMIT, type PlayContext } from './play-context.js';
import { TaskSettings } from './task-settings.js';
import { formatZodError } from './zod-error.js';

/**
 * Runs one task on one host: loop items, `when`, arguments, the module (inspect -> plan -> apply,
 * or check), retries, changed_when / failed_when, register and set_fact. Never throws: every
 * outcome is a HostResult.
 */
export async function runTaskOnHost(pc: PlayContext, host: string, task: Task, blocks: readonly Block[]): Promise<HostResult> {
  const started = Date.now();
  const hs = pc.host(host);
  let result: ModuleResult;
  let status: Status;
  let noLog = false;
  let ignored = false;
  let delegatedTo: string | undefined;
  try {
    const vars = pc.taskVars(host, task, blocks);
    const settings = new TaskSettings(pc, task, blocks, vars);
    noLog = settings.flag('noLog');
    delegatedTo = settings.delegateTo();
    if (task.loop) {
      result = await runLoop(pc, host, task, blocks, vars);
    } else if (!evalConditions(task.when, vars, task.pos)) {
      result = skippedResult(task.when);
    } else {
      result = await runOnce(pc, host, task, vars, settings);
    }
    status = statusOf(result);
    if (status === 'failed' && settings.flag('ignoreErrors')) ignored = true;
  } catch (e) {
    const unknowable = pc.opts.check ? dependsOnCommandNotRun(e, hs.registered) : undefined;
    if (unknowable) result = { changed: false, skipped: true, msg: `skipped in check mode: '${unknowable}' is the result of a command that was not run` };
    else if (e instanceof UnreachableError) result = { changed: false, unreachable: true, msg: e.message };
    else result = { changed: false, failed: true, msg: errorMessage(e) };
    status = statusOf(result);
  }
  if (task.register) hs.registered[task.register] = result;
  if (result.facts && status !== 'failed' && status !== 'unreachable') Object.assign(hs.facts, result.facts);
  else if (status !== 'failed' && status !== 'unreachable') mergeGatheredFacts(hs, result);
  return { host, status, result, ignored, noLog, delegatedTo, module: task.module, durationMs: Date.now() - started };
}

/**
 * A module that returns `ansible_facts` (setup, and any module that reports facts) adds them to the
 * host's gathered facts, as in Ansible; with a loop, each item's facts. set_fact also returns
 * `ansible_facts` but its values are set_fact values (`facts`), handled above. A new object each
 * time, so views computed from it (ansible_facts without prefixes) can be cached by identity.
 */
function mergeGatheredFacts(hs: HostState, result: ModuleResult): void {
  const found = [result, ...(Array.isArray(result.results) ? (result.results as ModuleResult[]) : [])]
    .filter((r) => !r.failed && !r.skipped && !r.facts)
    .map((r) => r.ansible_facts)
    .filter((f): f is Vars => typeof f === 'object' && f !== null && !Array.isArray(f));
  if (found.length) hs.gathered = Object.assign({}, hs.gathered, ...found);
}

/**
 * In check mode a command's output is unknown. A later task that needs it (`when: out.rc == 0`)
 * cannot be decided: it is reported as skipped with the reason, instead of failing as Ansible does.
 */
function dependsOnCommandNotRun(e: unknown, registered: Vars): string | undefined {
  if (!(e instanceof TemplateError)) return undefined;
  const m = /undefined variable '([A-Za-z_]\w*)/.exec(e.message);
  const r = m ? (registered[m[1]] as ModuleResult | undefined) : undefined;
  return r?.check_mode_not_run ? m![1] : undefined;
}

function statusOf(r: ModuleResult): Status {
  if (r.unreachable) return 'unreachable';
  if (r.failed) return 'failed';
  if (r.skipped) return 'skipped';
  return r.changed ? 'changed' : 'ok';
}

function skippedResult(when: string[]): ModuleResult {
  return { changed: false, skipped: true, skip_reason: 'Conditional result was False', false_condition: when.join(' and ') };
}

async function runLoop(pc: PlayContext, host: string, task: Task, blocks: readonly Block[], vars: Vars): Promise<ModuleResult> {
  const loop = task.loop!;
  const items = loopItems(loop, vars, task.role ? `${task.role.path}/files` : pc.playbookDir);
  const results: ModuleResult[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const loopVars: Vars = {
      [loop.loopVar]: item,
      ansible_loop_var: loop.loopVar,
      ansible_loop: { index: i + 1, index0: i, first: i === 0, last: i === items.length - 1, length: items.length },
    };
    if (loop.indexVar) loopVars[loop.indexVar] = i;
    const itemVars = overlayVars(vars, loopVars);
    const settings = new TaskSettings(pc, task, blocks, itemVars);
    const label = loop.label !== undefined ? renderText(loop.label, itemVars) : labelOf(item);
    let r: ModuleResult;
    try {
      r = evalConditions(task.when, itemVars, task.pos) ? await runOnce(pc, host, task, itemVars, settings) : skippedResult(task.when);
    } catch (e) {
      if (e instanceof UnreachableError) throw e;
      r = { changed: false, failed: true, msg: errorMessage(e) };
    }
    r = { ...r, [loop.loopVar]: item, ansible_loop_var: loop.loopVar };
    if (loop.indexVar) r[loop.indexVar] = i;
    results.push(r);
    const status = statusOf(r);
    pc.emit({
      type: 'item_result',
      result: { host, status, result: r, item: label, noLog: settings.flag('noLog'), ignored: status === 'failed' && settings.flag('ignoreErrors'), module: task.module, durationMs: 0 },
    });
    if (loop.pause) await new Promise((res) => setTimeout(res, loop.pause! * 1000));
  }
  const failed = results.some((r) => r.failed);
  const agg: ModuleResult = {
    changed: results.some((r) => r.changed),
    msg: failed ? 'One or more items failed' : 'All items completed',
    results,
  };
  if (failed) agg.failed = true;
  if (results.length === 0 || results.every((r) => r.skipped)) agg.skipped = true;
  const diffs = results.flatMap((r) => r.diff ?? []);
  if (diffs.length) agg.diff = diffs;
  return agg;
}

function labelOf(item: unknown): string {
  return typeof item === 'object' && item !== null ? JSON.stringify(item) : String(item);
}

/** One module invocation (one item), with retries / until and changed_when / failed_when. */
async function runOnce(pc: PlayContext, host: string, task: Task, vars: Vars, settings: TaskSettings): Promise<ModuleResult> {
  const def = getModule(task.module);
  if (!def) return { changed: false, failed: true, msg: `unknown module '${task.module}'` };
  const rendered = dropOmitted(renderDeep(task.args, vars) as Vars);
  const parsed = def.args.safeParse(rendered);
  if (!parsed.success) return { changed: false, failed: true, msg: `${task.module}: ${formatZodError(parsed.error)}` };

  const attempts = task.until ? Math.max(0, Number(renderValue(String(task.retries ?? 3), vars))) + 1 : 1;
  const delay = Number(renderValue(String(task.delay ?? 5), vars));
  let result: ModuleResult = { changed: false };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    result = await invokeModule(pc, host, task, def, parsed.data, vars, settings);
    result = applyResultConditions(task, result, vars);
    if (!task.until) break;
    result.attempts = attempt;
    if (!result.unreachable && evalConditions(task.until, withRegistered(task, vars, result), task.pos)) break;
    if (attempt === attempts) {
      result.failed = true;
      result.msg ??= 'Retries exhausted';
    } else if (delay > 0) {
      await new Promise((res) => setTimeout(res, delay * 1000));
    }
  }
  return result;
}

/** changed_when / failed_when see the result under the register name, as in Ansible. */
function applyResultConditions(task: Task, result: ModuleResult, vars: Vars): ModuleResult {
  if (result.unreachable || (!task.changedWhen && !task.failedWhen)) return result;
  // a command not run in check mode has no output to judge: conditions on its result keep the prediction
  const judgeable = (conds: string[]) =>
    !result.check_mode_not_run || !task.register || !conds.some((c) => typeof c === 'string' && expressionVariables(c).includes(task.register!));
  const scope = withRegistered(task, vars, result);
  const out = { ...result };
  if (task.changedWhen && judgeable(task.changedWhen)) out.changed = evalConditions(task.changedWhen, scope, task.pos);
  if (task.failedWhen && judgeable(task.failedWhen)) {
    out.failed_when_result = evalConditions(task.failedWhen, scope, task.pos);
    out.failed = out.failed_when_result as boolean;
  }
  return out;
}

function withRegistered(task: Task, vars: Vars, result: ModuleResult): Vars {
  // conditions read the result through the register name (`until: out.rc == 0`), as in Ansible
  return task.register ? overlayVars(vars, { [task.register]: result }) : vars;
}

async function invokeModule(pc: PlayContext, host: string, task: Task, def: ModuleDef, args: unknown, vars: Vars, settings: TaskSettings): Promise<ModuleResult> {
  const hs = pc.host(host);
  const delegate = settings.delegateTo();
  const target = delegate ?? host;
  const connVars = delegate ? pc.invVars(delegate) : vars;
  const needsHost = !def.run || def.name === 'ping' || def.checkMode === 'run';
  const remoteUser = settings.remoteUser();
  const conn = needsHost ? await pc.pool.get(target, connVars, remoteUser) : undefined;
  const check = settings.check();
  const diff = settings.diff();
  const ctx = makeModuleContext({
    conn: conn ?? lazyConnection(pc, target, connVars, remoteUser),
    host,
    check,
    diff,
    vars,
    become: settings.become(),
    env: settings.environment(),
    overlay: delegate ? undefined : hs.overlay,
    findLocal: (kind, name) => {
      const found = findLocalFile(kind, name, task, pc.play.dir);
      if (!found) throw new Error(`could not find ${kind === 'files' ? 'file' : 'template'} '${name}' (searched ${task.role ? `${task.role.path}/${kind}, ` : ''}${pc.play.dir}/${kind}, ${pc.play.dir})`);
      return found;
    },
    render: (text, extra) => renderText(text, extra ? overlayVars(vars, extra) : vars),
  });

  return executeModule(def, ctx, args);
}

/** Controller-side modules do not need the host; connect only if one of them asks. */
function lazyConnection(pc: PlayContext, host: string, vars: Vars, remoteUser: string | undefined) {
  const get = () => pc.pool.get(host, vars, remoteUser);
  return {
    host,
    connect: async () => void (await get()),
    exec: async (...a: Parameters<import('../connection/types.js').Connection['exec']>) => (await get()).exec(...a),
    put: async (c: Buffer, d: string) => (await get()).put(c, d),
    get: async (p: string) => (await get()).get(p),
    close: async () => {},
  };
}

function dropOmitted(args: Vars): Vars {
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== OMIT));
}
