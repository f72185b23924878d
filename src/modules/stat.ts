import { z } from 'zod';
import { ansibleBool, withAliases } from './lib/arg-types.js';
import type { ProbedState } from './lib/remote-fs.js';
import { defineModule } from './types.js';

const ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;

const args = withAliases(
  {
    dest: 'path', name: 'path',
    mime: 'get_mime', mime_type: 'get_mime', 'mime-type': 'get_mime',
    attr: 'get_attributes', attributes: 'get_attributes',
    checksum: 'checksum_algorithm', checksum_algo: 'checksum_algorithm',
  },
  z
    .object({
      path: z.string().min(1),
      follow: ansibleBool.default(false),
      get_checksum: ansibleBool.default(true),
      checksum_algorithm: z.enum(ALGORITHMS).default('sha1'),
      get_mime: ansibleBool.default(true),
      // accepted for compatibility; file attributes (lsattr) are not reported
      get_attributes: ansibleBool.default(true),
    })
    .strict(),
);

export type StatArgs = z.infer<typeof args>;

/** Facts about one path, registered as `stat` exactly in Ansible's shape. Never changes anything. */
export default defineModule<StatArgs, ProbedState, never>({
  name: 'stat',
  args,
  async inspect(ctx, a) {
    const { states } = await ctx.fs.probe([a.path], { follow: a.follow, checksum: a.get_checksum, checksumAlgorithm: a.checksum_algorithm, mime: a.get_mime });
    return states[0];
  },
  plan(a, s) {
    return { changed: false, result: { stat: statResult(a, s) } };
  },
});

const KINDS: Record<string, string> = {
  'character special file': 'ischr',
  'block special file': 'isblk',
  fifo: 'isfifo',
  socket: 'issock',
};

/** Ansible's stat dictionary from a probed path. */
export function statResult(a: StatArgs, s: ProbedState): Record<string, unknown> {
  if (!s.exists) return { exists: false };
  const bits = parseInt(s.mode ?? '0', 8);
  const bit = (b: number) => (bits & b) !== 0;
  const out: Record<string, unknown> = {
    exists: true,
    path: a.path,
    mode: s.mode,
    isdir: s.type === 'directory',
    ischr: false,
    isblk: false,
    isreg: s.type === 'file',
    isfifo: false,
    islnk: s.type === 'link',
    issock: false,
    uid: s.uid,
    gid: s.gid,
    size: s.size,
    inode: s.inode,
    dev: s.dev,
    nlink: s.nlink,
    atime: s.atime,
    mtime: s.mtime,
    ctime: s.ctime,
    wusr: bit(0o200), rusr: bit(0o400), xusr: bit(0o100),
    wgrp: bit(0o020), rgrp: bit(0o040), xgrp: bit(0o010),
    woth: bit(0o002), roth: bit(0o004), xoth: bit(0o001),
    isuid: bit(0o4000), isgid: bit(0o2000),
    readable: s.readable, writeable: s.writeable, executable: s.executable,
  };
  const special = s.fileKind ? KINDS[s.fileKind] : undefined;
  if (special) out[special] = true;
  if (s.type === 'link') {
    out.lnk_source = s.realPath;
    out.lnk_target = s.linkTarget;
  }
  // stat prints UNKNOWN for ids without a name; Ansible then leaves the name out
  if (s.owner && s.owner !== 'UNKNOWN') out.pw_name = s.owner;
  if (s.group && s.group !== 'UNKNOWN') out.gr_name = s.group;
  if (a.get_checksum && s.type === 'file' && s.readable !== false && s.checksum !== undefined) out.checksum = s.checksum;
  if (a.get_mime) {
    out.mimetype = s.mimeType ?? 'unknown';
    out.charset = s.charset ?? 'unknown';
  }
  // predicted states (check mode) lack some fields: leave them out rather than report undefined
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}
