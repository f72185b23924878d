import { argv } from '../../connection/quote.js';
import type { FileDiff } from '../types.js';
import { applySymbolicMode, isSymbolicMode, normalizeMode, type FileState } from './file-state.js';

/** mode/owner/group as the task asks for them (mode already normalised: octal or symbolic). */
export interface DesiredAttrs {
  mode?: string;
  owner?: string;
  group?: string;
}

/** What has to change on one path; only differing fields are set. */
export interface AttrChange {
  path: string;
  /** final four-digit octal mode */
  mode?: string;
  owner?: string;
  group?: string;
  before: { mode?: string; owner?: string; group?: string };
  /** false for a link itself (chown -h; links have no mode of their own) */
  followLink?: boolean;
}

/** Reads the attribute arguments of file-like modules (mode is normalised, `preserve` left to the caller). */
export function desiredAttrs(args: { mode?: string | number; owner?: string; group?: string }): DesiredAttrs {
  return { mode: normalizeMode(args.mode), owner: args.owner, group: args.group };
}

/** The mode a path ends up with: octal as given, symbolic applied to `base` (chmod semantics). */
export function resolveMode(mode: string | undefined, base: string, isDir: boolean): string {
  if (mode === undefined) return base;
  return isSymbolicMode(mode) ? applySymbolicMode(base, mode, isDir) : mode;
}

/** A mode as Ansible results print it ('0%03o'): 0644 stays, 2775 becomes 02775. */
export function resultMode(mode: string): string {
  return '0' + parseInt(mode, 8).toString(8).padStart(3, '0');
}

/** The mode new files (0666) or directories (0777) get from the umask. */
export function defaultMode(umask: number, isDir: boolean): string {
  return ((isDir ? 0o777 : 0o666) & ~umask).toString(8).padStart(4, '0');
}

/** True when `want` (a name or a numeric id) names what the path has. */
function sameId(want: string, name: string | undefined, id: number | undefined): boolean {
  return /^\d+$/.test(want) ? Number(want) === id : want === name;
}

/**
 * Compares desired attributes with an existing path, as Ansible's set_*_if_different do. A link
 * itself has no mode on Linux (no lchmod), so only its owner and group are compared.
 */
export function planAttrs(desired: DesiredAttrs, current: FileState): AttrChange | undefined {
  if (!current.exists) return undefined;
  const change: AttrChange = { path: current.path, before: {} };
  if (desired.owner !== undefined && !sameId(desired.owner, current.owner, current.uid)) {
    change.owner = desired.owner;
    change.before.owner = current.owner;
  }
  if (desired.group !== undefined && !sameId(desired.group, current.group, current.gid)) {
    change.group = desired.group;
    change.before.group = current.group;
  }
  if (desired.mode !== undefined && current.type !== 'link' && current.mode !== undefined) {
    const want = resolveMode(desired.mode, current.mode, current.type === 'directory');
    if (want !== current.mode) {
      change.mode = want;
      change.before.mode = current.mode;
    }
  }
  if (current.type === 'link') change.followLink = false;
  return change.mode || change.owner || change.group ? change : undefined;
}

/** Shell commands applying one change: owner and group first (chown may clear set-id bits), then mode. */
export function attrCommands(c: AttrChange): string[] {
  const cmds: string[] = [];
  const noDeref = c.followLink === false ? ['-h'] : [];
  if (c.owner !== undefined || c.group !== undefined) {
    cmds.push(argv(['chown', ...noDeref, `${c.owner ?? ''}${c.group !== undefined ? ':' + c.group : ''}`, '--', c.path]));
  }
  if (c.mode !== undefined) cmds.push(argv(['chmod', c.mode, '--', c.path]));
  return cmds;
}

/**
 * Ansible's file-module diff is two small dicts ({path, state, mode...}); we render each as
 * "key: value" lines so reporters show it like any text diff.
 */
export function fieldsDiff(path: string, before: Record<string, string | undefined>, after: Record<string, string | undefined>): FileDiff {
  const render = (fields: Record<string, string | undefined>) =>
    Object.entries({ path, ...fields })
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}: ${v}\n`)
      .join('');
  return { before: render(before), after: render(after), beforeHeader: `${path} (attributes)`, afterHeader: `${path} (attributes)` };
}

/** The before/after fields of an attribute change. */
export function attrChangeFields(c: AttrChange): { before: Record<string, string | undefined>; after: Record<string, string | undefined> } {
  return {
    before: { owner: c.before.owner, group: c.before.group, mode: c.before.mode },
    after: { owner: c.owner, group: c.group, mode: c.mode },
  };
}
