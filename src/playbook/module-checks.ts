import { existsSync } from 'node:fs';
import type { SourcePos } from '../errors.js';
import type { Diagnostics } from './diagnostics.js';
import { checkTemplates, conditionList, hasTemplate } from './keyword-values.js';
import { localFileCandidates } from './local-files.js';
import type { RoleInstance } from './types.js';

/** Arguments that are conditions rather than templates, by module. */
const CONDITION_ARGS: Record<string, string[]> = {
  assert: ['that'],
};

/** Arguments naming a controller-side file that must exist, by module. */
const LOCAL_FILE_ARGS: Record<string, { arg: string; kind: 'files' | 'templates'; unless?: string }> = {
  template: { arg: 'src', kind: 'templates' },
  copy: { arg: 'src', kind: 'files', unless: 'remote_src' },
};

export interface ArgsCheckInput {
  module: string;
  args: Record<string, unknown>;
  valuePos: Record<string, SourcePos>;
  modulePos: SourcePos;
  role?: RoleInstance;
  /** the playbook directory (files/ and templates/ beside the playbook) */
  playDir: string;
}

/**
 * Checks that need to know what an argument means: template syntax everywhere, conditions in
 * assert's `that`, and that the files `template:` and `copy:` read on the controller exist.
 */
export function checkModuleArgs(input: ArgsCheckInput, diag: Diagnostics): void {
  const conditions = new Set(CONDITION_ARGS[input.module] ?? []);
  for (const [key, value] of Object.entries(input.args)) {
    const pos = input.valuePos[key] ?? input.modulePos;
    if (conditions.has(key)) conditionList(value, pos, `${input.module}.${key}`, diag);
    else checkTemplates(value, pos, diag);
  }
  checkLocalFile(input, diag);
}

function checkLocalFile(input: ArgsCheckInput, diag: Diagnostics): void {
  const spec = LOCAL_FILE_ARGS[input.module];
  if (!spec) return;
  const name = input.args[spec.arg];
  if (typeof name !== 'string' || name === '' || hasTemplate(name)) return;
  if (spec.unless) {
    const flag = input.args[spec.unless];
    // a templated flag may turn the lookup off at run time: nothing to check now
    if (flag === true || (typeof flag === 'string' && /^(yes|true|on|1)$/i.test(flag)) || hasTemplate(flag)) return;
  }
  const candidates = localFileCandidates(spec.kind, name, { role: input.role }, input.playDir);
  if (candidates.some((p) => existsSync(p))) return;
  diag.error(`${input.module}: ${spec.arg} '${name}' not found`, input.valuePos[spec.arg] ?? input.modulePos,
    `looked in: ${candidates.join(', ')}`);
}
