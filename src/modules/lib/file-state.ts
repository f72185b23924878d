/** What we know about a path on a host, read in one round trip. */
export interface FileState {
  path: string;
  exists: boolean;
  type: 'file' | 'directory' | 'link' | 'other' | 'absent';
  /** four-digit octal, e.g. "0644" */
  mode?: string;
  owner?: string;
  group?: string;
  uid?: number;
  gid?: number;
  size?: number;
  /** seconds since epoch */
  mtime?: number;
  atime?: number;
  /** for links: where the link points */
  linkTarget?: string;
  /** for regular files when read with content */
  content?: Buffer;
  /** true when this state comes from the check-mode overlay (what an earlier task would do) */
  predicted?: boolean;
}

export const ABSENT = (path: string): FileState => ({ path, exists: false, type: 'absent' });

/** Normalises a mode given by a user ("644", "0644", 420, "u+x") to a 4-digit octal or symbolic string. */
export function normalizeMode(mode: string | number | undefined): string | undefined {
  if (mode === undefined || mode === null || mode === '') return undefined;
  if (typeof mode === 'number') {
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new Error(`invalid mode ${mode}`);
    return mode.toString(8).padStart(4, '0');
  }
  const s = String(mode).trim();
  if (/^0?[0-7]{3,4}$/.test(s)) return s.replace(/^0(?=[0-7]{4}$)/, '').padStart(4, '0');
  if (/^[ugoa]*[-+=][rwxXstugo]*(,[ugoa]*[-+=][rwxXstugo]*)*$/.test(s)) return s;
  throw new Error(`invalid mode '${s}': use an octal string like '0644' or a symbolic mode like 'u+rwx,g-w'`);
}

/** True when `mode` is symbolic (needs the host to compute the result). */
export function isSymbolicMode(mode: string): boolean {
  return !/^[0-7]{4}$/.test(mode);
}

/** Applies a symbolic mode (chmod semantics) to an octal mode, so plans can stay pure. */
export function applySymbolicMode(current: string, symbolic: string, isDir: boolean): string {
  let bits = parseInt(current, 8);
  for (const clause of symbolic.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwxXstugo]*)$/.exec(clause);
    if (!m) throw new Error(`invalid symbolic mode '${symbolic}'`);
    const who = m[1] === '' || m[1].includes('a') ? 'ugo' : m[1];
    const op = m[2];
    const perms = m[3];
    let mask = 0;
    for (const w of who) {
      const shift = w === 'u' ? 6 : w === 'g' ? 3 : 0;
      for (const p of perms) {
        if (p === 'r') mask |= 4 << shift;
        else if (p === 'w') mask |= 2 << shift;
        else if (p === 'x') mask |= 1 << shift;
        else if (p === 'X' && (isDir || (bits & 0o111) !== 0)) mask |= 1 << shift;
        else if (p === 's' && w === 'u') mask |= 0o4000;
        else if (p === 's' && w === 'g') mask |= 0o2000;
        else if (p === 't') mask |= 0o1000;
      }
      if (op === '=') bits &= ~((7 << shift) | (w === 'u' ? 0o4000 : w === 'g' ? 0o2000 : 0o1000));
    }
    if (op === '-') bits &= ~mask;
    else bits |= mask;
  }
  return bits.toString(8).padStart(4, '0');
}
