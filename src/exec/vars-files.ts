import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { TsplayError } from '../errors.js';
import type { Vars } from '../vars/types.js';

/**
 * A play's vars_files. An entry that is a list means "the first of these that exists" (Ansible).
 * Loaded synchronously because it runs while building a task's variables, once per host.
 */
export function loadVarsFiles(entries: Array<string | string[]>, dir: string, render: (name: string) => string): Vars {
  const out: Vars = {};
  for (const entry of entries) {
    const candidates = (Array.isArray(entry) ? entry : [entry]).map((n) => resolve(dir, render(n)));
    const found = candidates.find((p) => existsSync(p));
    if (!found) throw new TsplayError(`vars_files: none of ${candidates.join(', ')} exists`, { code: 'E_VARS_FILE' });
    const doc = parseDocument(readFileSync(found, 'utf8'), { version: '1.1', uniqueKeys: true });
    if (doc.errors.length) throw new TsplayError(`${found}: ${doc.errors[0].message}`, { code: 'E_VARS_FILE' });
    const data = doc.toJS() ?? {};
    if (typeof data !== 'object' || Array.isArray(data)) throw new TsplayError(`${found}: a vars file must be a mapping`, { code: 'E_VARS_FILE' });
    Object.assign(out, data);
  }
  return out;
}
