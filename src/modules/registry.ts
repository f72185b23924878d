import type { ModuleDef } from './types.js';

/**
 * All modules by name. Each module lives in its own file and is listed here once.
 * `ansible.builtin.X` and `ansible.legacy.X` resolve to X.
 */
const modules = new Map<string, ModuleDef>();

export function registerModules(defs: ModuleDef[]): void {
  for (const d of defs) modules.set(d.name, d);
}

export function canonicalModuleName(name: string): string {
  return name.replace(/^ansible\.(builtin|legacy)\./, '');
}

export function getModule(name: string): ModuleDef | undefined {
  return modules.get(canonicalModuleName(name));
}

export function moduleNames(): string[] {
  return [...modules.keys()].sort();
}
