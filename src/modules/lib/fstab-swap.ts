import { unescapeOctal } from './fstab-edit.js';

/**
 * Swap entries of fstab turned off for the next boot the way the usual Ansible recipe does it
 * (`replace` with `^([^#].*?\sswap\s+.*)$` -> `# \1`), and turned back on; plus the active swap
 * areas from /proc/swaps.
 */

/** The swap areas in use: the first column of /proc/swaps after its header, unescaped. */
export function activeSwaps(procSwaps: string): string[] {
  return procSwaps
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/)[0])
    .filter((f): f is string => !!f)
    .map(unescapeOctal);
}

function isSwapEntry(line: string): boolean {
  const f = line.split('#')[0].trim().split(/\s+/);
  return f.length >= 3 && f[2] === 'swap';
}

/** The sources (UUID=..., /dev/..., /swapfile) of the active swap entries of fstab. */
export function fstabSwapSources(text: string): string[] {
  return text.split('\n').filter((l) => !l.trim().startsWith('#') && isSwapEntry(l)).map((l) => unescapeOctal(l.trim().split(/\s+/)[0]));
}

/** Comments out every swap entry with `# `. */
export function commentOutSwap(text: string): { text: string; changed: boolean } {
  let changed = false;
  const out = text.split('\n').map((l) => {
    if (l.trim().startsWith('#') || !isSwapEntry(l)) return l;
    changed = true;
    return `# ${l}`;
  });
  return { text: out.join('\n'), changed };
}

/** Uncomments the swap entries commented out as commentOutSwap does (or with a bare `#`). */
export function uncommentSwap(text: string): { text: string; changed: boolean } {
  let changed = false;
  const out = text.split('\n').map((l) => {
    const m = /^#\s?(\S.*)$/.exec(l);
    if (!m || m[1].startsWith('#') || !isSwapEntry(m[1]) || m[1].split(/\s+/).length < 4) return l;
    changed = true;
    return m[1];
  });
  return { text: out.join('\n'), changed };
}
