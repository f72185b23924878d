import type { ModuleContext } from '../types.js';
import { parseProbe, PROBE_UMASK, probeScript, withChecksum } from './probe.js';
import type { Probe, ProbedState } from './remote-fs.js';

/**
 * The inspection the system modules (sysctl, modprobe, mount, swap, hostname, selinux, timezone)
 * share: a few configuration files plus the output of a few read-only commands (/proc files,
 * `hostname`, `readlink`...), all in ONE round trip. Files predicted by the check-mode overlay are
 * read through it, so a dry run sees what earlier tasks would have written.
 */

export interface HostReadRequest {
  /** files read with content, following links */
  files?: readonly string[];
  /** named read-only shell snippets (already built from quoted parts); stderr is discarded */
  commands?: Readonly<Record<string, string>>;
}

export interface CommandOutput {
  rc: number;
  stdout: string;
}

export interface HostRead {
  files: Record<string, ProbedState>;
  commands: Record<string, CommandOutput>;
  /** the host's umask and who we are: what new files look like */
  umask: number;
  user: Probe['user'];
}

const SECTION = 'TSPLAY-SECTION ';

/** One snippet's output, framed: name, exit status, then its stdout as base64 on one line. */
function commandSection(name: string, cmd: string): string {
  // the trailing "." keeps trailing newlines that command substitution would strip
  return `o=$( { ${cmd} ; } 2>/dev/null; r=$?; echo .; exit $r ); r=$?; printf '${SECTION}%s %s ' ${name} "$r"; printf '%s' "\${o%.}" | base64 -w0; echo`;
}

export async function readHost(ctx: ModuleContext, req: HostReadRequest): Promise<HostRead> {
  const files = req.files ?? [];
  const commands = Object.entries(req.commands ?? {});
  for (const [name] of commands) if (!/^[a-z][a-z0-9_]*$/i.test(name)) throw new Error(`invalid section name ${name}`);
  const out: HostRead = { files: {}, commands: {}, umask: 0o022, user: { name: 'root', uid: 0, group: 'root', gid: 0 } };
  const real: string[] = [];
  for (const path of files) {
    if (ctx.fs.overlay?.touches(path)) out.files[path] = withChecksum(await ctx.fs.stat(path, { follow: true, content: true }), { content: true });
    else real.push(path);
  }
  const script = [
    ...real.map((p) => probeScript(p, { follow: true, content: true })),
    `printf '${PROBE_UMASK}%s|%s|%s|%s|%s\\n' "$(umask)" "$(id -un)" "$(id -u)" "$(id -gn)" "$(id -g)"`,
    ...commands.map(([name, cmd]) => commandSection(name, cmd)),
  ].join('; ');
  const r = await ctx.run(script, { env: { LANG: 'C', LC_ALL: 'C' } });
  if (r.rc !== 0) throw new Error(`cannot inspect the host: ${r.stderr.trim() || `exit ${r.rc}`}`);
  const lines = r.stdout.split('\n');
  let cursor = 0;
  for (const path of real) {
    const parsed = parseProbe(path, lines, cursor, { content: true });
    out.files[path] = parsed.state;
    cursor = parsed.next;
  }
  const umaskLine = lines[cursor++] ?? '';
  if (!umaskLine.startsWith(PROBE_UMASK)) throw new Error('unexpected output inspecting the host');
  const [umask, name, uid, group, gid] = umaskLine.slice(PROBE_UMASK.length).split('|');
  out.umask = parseInt(umask, 8);
  out.user = { name, uid: Number(uid), group, gid: Number(gid) };
  for (const line of lines.slice(cursor)) {
    if (!line.startsWith(SECTION)) continue;
    const [name, rc, b64 = ''] = line.slice(SECTION.length).split(' ');
    out.commands[name] = { rc: Number(rc), stdout: Buffer.from(b64, 'base64').toString('utf8') };
  }
  for (const [name] of commands) if (!out.commands[name]) throw new Error(`unexpected output inspecting the host: no ${name}`);
  return out;
}

/** The text of a regular file read by readHost; undefined when it does not exist. */
export function fileText(read: Pick<HostRead, 'files'>, path: string): string | undefined {
  const f = read.files[path];
  if (!f?.exists) return undefined;
  if (f.type !== 'file') throw new Error(`${path} is not a regular file`);
  if (!f.content) throw new Error(`cannot read ${path}`);
  return f.content.toString('utf8');
}
