import { argv, quote, withEnv } from '../connection/quote.js';
import type { BecomeSpec, Connection } from '../connection/types.js';
import type { Vars } from '../vars/types.js';
import { CheckOverlay } from '../modules/lib/check-overlay.js';
import { RemoteFs } from '../modules/lib/remote-fs.js';
import type { ModuleContext, RunOptions } from '../modules/types.js';

export interface ModuleContextOptions {
  conn: Connection;
  host: string;
  check: boolean;
  diff: boolean;
  vars: Vars;
  become?: BecomeSpec;
  /** task environment (already rendered) */
  env?: Record<string, string>;
  /** the host's check-mode overlay, shared by all tasks of a run */
  overlay?: CheckOverlay;
  findLocal?: ModuleContext['findLocal'];
  render?: ModuleContext['render'];
}

/** Builds what a module sees for one host and one task. */
export function makeModuleContext(o: ModuleContextOptions): ModuleContext {
  const run = (command: string | readonly string[], opts: RunOptions = {}) => {
    let cmd = typeof command === 'string' ? command : argv(command);
    if (opts.chdir) cmd = `cd ${quote(opts.chdir)} && ${cmd}`;
    cmd = withEnv({ ...o.env, ...opts.env }, cmd);
    return o.conn.exec(cmd, { stdin: opts.stdin, become: o.become, binary: opts.binary });
  };
  return {
    host: o.host,
    check: o.check,
    diff: o.diff,
    vars: o.vars,
    run,
    fs: new RemoteFs(run, o.check ? (o.overlay ?? new CheckOverlay()) : undefined),
    findLocal: o.findLocal ?? ((kind, name) => { throw new Error(`no ${kind}/ lookup for ${name} in this context`); }),
    render: o.render ?? ((text) => text),
    reconnect: async () => {
      await o.conn.reconnect?.();
    },
  };
}
