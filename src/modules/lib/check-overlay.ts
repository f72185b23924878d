import type { FileEffect, GroupEffect } from '../types.js';
import type { FileState } from './file-state.js';
import { ABSENT } from './file-state.js';
import { posix } from 'node:path';

/**
 * In check mode nothing is written, so a later task would see the host as it is, not as earlier
 * tasks would leave it. The overlay records each planned effect per host, and file reads consult
 * it first: a dry run then predicts what the real run does instead of failing or lying.
 */
export class CheckOverlay {
  private readonly entries = new Map<string, FileEffect>();
  private readonly groups = new Map<string, GroupEffect>();

  recordGroup(effect: GroupEffect): void {
    this.groups.set(effect.name, effect);
  }

  /** The groups earlier tasks would have created, changed or removed. */
  predictedGroups(): GroupEffect[] {
    return [...this.groups.values()];
  }

  record(effect: FileEffect): void {
    const path = posix.normalize(effect.path);
    if (effect.kind === 'absent') {
      // removing a directory removes what we predicted beneath it
      for (const key of [...this.entries.keys()]) if (key.startsWith(path + '/')) this.entries.delete(key);
    }
    if (effect.kind === 'attrs') {
      const prev = this.entries.get(path);
      if (prev && (prev.kind === 'file' || prev.kind === 'directory')) {
        this.entries.set(path, { ...prev, ...definedOnly(effect), kind: prev.kind } as FileEffect);
        return;
      }
    }
    this.entries.set(path, { ...effect, path });
  }

  /** The predicted state of `path`, merged over what the host has now (`real`), or undefined if untouched. */
  lookup(path: string, real: () => Promise<FileState>): Promise<FileState> | undefined {
    const p = posix.normalize(path);
    // a parent predicted absent (or replaced by a file) hides everything below it
    for (let dir = posix.dirname(p); dir !== '/' && dir !== '.'; dir = posix.dirname(dir)) {
      const parent = this.entries.get(dir);
      if (parent && parent.kind !== 'directory' && parent.kind !== 'attrs') return Promise.resolve({ ...ABSENT(path), predicted: true });
    }
    const e = this.entries.get(p);
    if (!e) return undefined;
    switch (e.kind) {
      case 'absent':
        return Promise.resolve({ ...ABSENT(path), predicted: true });
      case 'file':
        return real().then((r) => ({
          path, exists: true, type: 'file' as const, content: e.content, size: e.content.length,
          mode: e.mode ?? (r.type === 'file' ? r.mode : undefined) ?? '0644',
          owner: e.owner ?? r.owner, group: e.group ?? r.group, predicted: true,
        }));
      case 'directory':
        return real().then((r) => ({
          ...(r.type === 'directory' ? r : {}), path, exists: true, type: 'directory' as const,
          mode: e.mode ?? (r.type === 'directory' ? r.mode : '0755'),
          owner: e.owner ?? r.owner, group: e.group ?? r.group, predicted: true,
        }));
      case 'link':
        return Promise.resolve({ path, exists: true, type: 'link' as const, linkTarget: e.target, predicted: true });
      case 'attrs':
        return real().then((r) => ({ ...r, ...definedOnly(e), type: r.type, path, predicted: true }));
    }
  }

  /** True when an earlier task would have changed `dir` or anything beneath it. */
  changedUnder(dir: string): boolean {
    const d = posix.normalize(dir);
    for (const key of this.entries.keys()) if (key === d || key.startsWith(d + '/')) return true;
    return false;
  }

  /** True when `path` itself or a parent has a recorded effect: reading the host alone would be wrong. */
  touches(path: string): boolean {
    const p = posix.normalize(path);
    for (let cur = p; ; cur = posix.dirname(cur)) {
      if (this.entries.has(cur)) return true;
      if (cur === '/' || cur === '.') return false;
    }
  }
}

function definedOnly(e: FileEffect): Partial<FileState> {
  const out: Record<string, unknown> = {};
  for (const k of ['mode', 'owner', 'group'] as const) {
    const v = (e as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out as Partial<FileState>;
}
