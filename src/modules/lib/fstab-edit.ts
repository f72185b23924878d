/**
 * The pure side of ansible.posix.mount on Linux: fstab lines set or removed as Ansible does
 * (other lines and comments kept byte for byte; a changed line rewritten as
 * `src path fstype opts dump passno`, with space, `&` and `\` escaped as \040, \046, \134), and the
 * mount table read from /proc/self/mountinfo.
 */

export interface FstabEntry {
  src: string;
  path: string;
  fstype: string;
  opts: string;
  dump: string;
  passno: string;
}

export function escapeFstab(v: string): string {
  return v.replace(/\\/g, '\\134').replace(/ /g, '\\040').replace(/&/g, '\\046');
}

/** Undoes the octal escapes of fstab and mountinfo fields (\040 is a space). */
export function unescapeOctal(v: string): string {
  return v.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

function linesWithNewline(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n').map((l) => `${l}\n`);
  if (text.endsWith('\n')) lines.pop();
  return lines;
}

/** The fields of a setting line (4 to 6 of them before any `#`), or undefined for other lines. */
function fieldsOf(line: string): FstabEntry | undefined {
  if (!line.trim() || line.trim().startsWith('#')) return undefined;
  const f = line.split('#')[0].split(/\s+/).filter(Boolean);
  if (f.length < 4 || f.length > 6) return undefined;
  return { src: f[0], path: f[1], fstype: f[2], opts: f[3], dump: f[4] ?? '0', passno: f[5] ?? '0' };
}

/** Ansible's match: the mount point; for swap lines (`none ... swap`) the source too. */
function matches(found: FstabEntry, want: { path: string; src?: string }): boolean {
  if (found.path !== escapeFstab(want.path)) return false;
  if (want.src !== undefined && found.path === 'none' && found.fstype === 'swap' && found.src !== want.src) return false;
  return true;
}

const FIELDS = ['src', 'fstype', 'opts', 'dump', 'passno'] as const;

/** fstab with the entry set (added at the end when missing). */
export function setFstabEntry(text: string, want: FstabEntry): { text: string; changed: boolean } {
  const esc: FstabEntry = { src: escapeFstab(want.src), path: escapeFstab(want.path), fstype: escapeFstab(want.fstype), opts: escapeFstab(want.opts), dump: want.dump, passno: want.passno };
  const out: string[] = [];
  let exists = false;
  let changed = false;
  for (const line of linesWithNewline(text)) {
    const found = fieldsOf(line);
    if (!found || !matches(found, want)) {
      out.push(line);
      continue;
    }
    exists = true;
    let differs = false;
    for (const k of FIELDS) if (found[k] !== esc[k]) {
      found[k] = esc[k];
      differs = true;
    }
    if (differs) changed = true;
    out.push(differs ? `${found.src} ${found.path} ${found.fstype} ${found.opts} ${found.dump} ${found.passno}\n` : line);
  }
  if (!exists) {
    out.push(`${esc.src} ${esc.path} ${esc.fstype} ${esc.opts} ${esc.dump} ${esc.passno}\n`);
    changed = true;
  }
  return { text: out.join(''), changed };
}

/** fstab without the entry. */
export function unsetFstabEntry(text: string, want: { path: string; src?: string }): { text: string; changed: boolean } {
  const out: string[] = [];
  let changed = false;
  for (const line of linesWithNewline(text)) {
    const found = fieldsOf(line);
    if (found && matches(found, want)) changed = true;
    else out.push(line);
  }
  return { text: out.join(''), changed };
}

export interface MountedFs {
  src: string;
  fstype: string;
  opts: string;
}

/** /proc/self/mountinfo -> what is mounted where (the last mount on a path wins: it is the visible one). */
export function parseMountinfo(text: string): Map<string, MountedFs> {
  const mounts = new Map<string, MountedFs>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(' ');
    const sep = f.indexOf('-');
    if (f.length < 10 || sep < 6) continue;
    mounts.set(unescapeOctal(f[4]), { src: unescapeOctal(f[sep + 2]), fstype: f[sep + 1], opts: f[5] });
  }
  return mounts;
}
