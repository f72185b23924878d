import { z } from 'zod';
import { quote } from '../../connection/quote.js';
import type { ModuleContext, ModuleResult } from '../types.js';
import { commandResult } from './command-result.js';

/** The arguments command and shell share, as zod fields (Ansible's names). */
export const commandOptionFields = {
  chdir: z.string().optional(),
  creates: z.string().optional(),
  removes: z.string().optional(),
  stdin: z.string().optional(),
  stdin_add_newline: z.boolean().default(true),
  strip_empty_ends: z.boolean().default(true),
};

/** Options shared by command and shell (Ansible's names). */
export interface CommandOptions {
  chdir?: string;
  creates?: string;
  removes?: string;
  stdin?: string;
  stdin_add_newline: boolean;
  strip_empty_ends: boolean;
}

/**
 * creates / removes, check mode and the run itself, shared by command and shell.
 * `script` is the already-quoted command line; `display` is what the result reports as cmd.
 */
export async function runCommand(ctx: ModuleContext, o: CommandOptions, script: string, display: string | string[]): Promise<ModuleResult> {
  const guard = await guardPaths(ctx, o);
  if (guard) return { changed: false, rc: 0, stdout: guard, stderr: '', msg: guard, cmd: display };
  if (ctx.check) {
    // Ansible skips commands in check mode; we say what the real run would do: run it, and change.
    return { changed: true, msg: 'would run (command not executed in check mode)', cmd: display, check_mode_not_run: true };
  }
  const started = new Date();
  const stdin = o.stdin === undefined ? undefined : o.stdin + (o.stdin_add_newline ? '\n' : '');
  const r = await ctx.run(script, { chdir: o.chdir, stdin });
  return commandResult(display, r, started, o.strip_empty_ends);
}

/** One round trip for both creates and removes; returns the skip message, if any. */
async function guardPaths(ctx: ModuleContext, o: CommandOptions): Promise<string | undefined> {
  if (!o.creates && !o.removes) return undefined;
  const test = (p: string) => {
    const abs = o.chdir && !p.startsWith('/') ? `${o.chdir}/${p}` : p;
    return `for f in ${globWords(abs)}; do [ -e "$f" ] && exit 0; done; exit 1`;
  };
  if (o.creates) {
    const r = await ctx.run(`(${test(o.creates)})`);
    if (r.rc === 0) return `Did not run command since '${o.creates}' exists`;
  }
  if (o.removes) {
    const r = await ctx.run(`(${test(o.removes)})`);
    if (r.rc !== 0) return `Did not run command since '${o.removes}' does not exist`;
  }
  return undefined;
}

/**
 * creates/removes accept globs, as in Ansible. A path component is left unquoted for the shell to
 * expand only when it holds nothing but glob and filename-safe characters; anything else is quoted.
 */
function globWords(path: string): string {
  return path
    .split('/')
    .map((part) => (/[*?[]/.test(part) && /^[A-Za-z0-9_.,+\-*?[\]]+$/.test(part) ? part : quote(part)))
    .join('/');
}
