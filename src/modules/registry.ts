import type { ModuleDef } from './types.js';

/**
 * All modules by name. Each module lives in its own file and is listed here once.
 * `ansible.builtin.X` and `ansible.legacy.X` resolve to X, and so do `ansible.posix.X` and
 * `community.general.X` for the modules tsplay has (sysctl, mount, modprobe ...).
 */
const modules = new Map<string, ModuleDef>();

export function registerModules(defs: ModuleDef[]): void {
  for (const d of defs) modules.set(d.name, d);
}

/**
 * The collections whose modules tsplay implements under their short names. A module of another
 * collection, or one of these that tsplay lacks, keeps its full name so the error names it.
 */
const COLLECTIONS = /^(ansible\.builtin|ansible\.legacy|ansible\.posix|community\.general)\./;

export function canonicalModuleName(name: string): string {
  const short = name.replace(COLLECTIONS, '');
  return short === name || modules.has(short) || /^ansible\.(builtin|legacy)\./.test(name) ? short : name;
}

export function getModule(name: string): ModuleDef | undefined {
  return modules.get(canonicalModuleName(name));
}

export function moduleNames(): string[] {
  return [...modules.keys()].sort();
}
