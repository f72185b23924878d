import { argv, quote } from '../../connection/quote.js';
import type { UserStep } from './user-plan.js';

/**
 * The steps of a user change as one shell script plus its stdin. Only the step that carries a
 * secret reads stdin; every other command gets /dev/null, so the hash reaches chpasswd alone.
 */
export function userScript(steps: readonly UserStep[]): { script: string; stdin: string } {
  const parts: string[] = [];
  let stdin = '';
  for (const step of steps) {
    if ('createHome' in step) parts.push(createHomeScript(step.createHome));
    else if ('sshDir' in step) parts.push(sshDirScript(step.sshDir));
    else if (step.stdin !== undefined) {
      if (stdin) throw new Error('only one user step may read stdin');
      stdin = step.stdin;
      parts.push(argv(step.argv));
    } else parts.push(`${argv(step.argv)} </dev/null`);
  }
  return { script: parts.map((p) => `{ ${p}; }`).join(' && '), stdin };
}

/**
 * Ansible's create_homedir + chown_homedir: a copy of the skeleton (or an empty directory), mode
 * from login.defs' UMASK, everything owned by the user and its primary group.
 */
function createHomeScript(o: { home: string; skeleton: string; user: string }): string {
  const h = quote(o.home);
  const k = quote(o.skeleton);
  return [
    `mkdir -p -- ${h}`,
    `if [ -d ${k} ]; then cp -a -- ${k}/. ${h}/; fi`,
    `um=$(awk '$1 == "UMASK" { print $2 }' /etc/login.defs 2>/dev/null | tail -n 1)`,
    `if [ -n "$um" ]; then chmod "$(printf '%o' $(( 0777 & ~0$um )))" -- ${h}; fi`,
    `chown -R ${quote(o.user)}: -- ${h}`,
  ].join(' && ');
}

/** The key's directory: created 0700 and owned by the user when missing (as Ansible's ssh_key_gen). */
function sshDirScript(o: { dir: string; user: string }): string {
  const d = quote(o.dir);
  return `if [ ! -d ${d} ]; then mkdir -m 0700 -p -- ${d} && chown ${quote(o.user)}: -- ${d}; fi`;
}
