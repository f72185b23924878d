import { z } from 'zod';
import { normalizeMode } from './file-state.js';

const TRUE_WORDS = new Set(['yes', 'on', 'true', '1', 'y', 't']);
const FALSE_WORDS = new Set(['no', 'off', 'false', '0', 'n', 'f']);

/** Ansible booleans: `key=no` in a free-form line arrives as the string "no", so accept its words. */
export const ansibleBool = z.preprocess((v) => {
  if (typeof v === 'string') {
    const w = v.trim().toLowerCase();
    if (TRUE_WORDS.has(w)) return true;
    if (FALSE_WORDS.has(w)) return false;
  }
  if (v === 1 || v === 0) return v === 1;
  return v;
}, z.boolean());

/** A user or group: YAML may hand us a number (`owner: 1000`). */
export const ownerArg = z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().min(1));

function modeProblem(v: string | number): string | undefined {
  try {
    normalizeMode(v);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * A file mode as users write it: '0644', '644', 0644 (YAML 1.1 reads it as 420), 'u+rwx,g-w'.
 * With `preserve`, also the word `preserve` (copy and template: keep the source's mode).
 */
export function modeArg(opts: { preserve?: boolean } = {}) {
  return z.union([z.string(), z.number()]).superRefine((v, ctx) => {
    if (opts.preserve && v === 'preserve') return;
    const problem = modeProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

const aliasRegistry = new WeakMap<object, Record<string, string>>();

/** The alias -> canonical map a schema was built with (validation renames before checking keys). */
export function schemaAliases(schema: unknown): Record<string, string> {
  const found = schema && typeof schema === 'object' ? aliasRegistry.get(schema) : undefined;
  return found ?? {};
}

/**
 * Accepts Ansible's alternative argument names (`dest`/`name` for file's `path`) by renaming them
 * before the strict schema sees them; the canonical name wins when both are given.
 */
export function withAliases<T extends z.ZodType>(aliases: Record<string, string>, schema: T) {
  const wrapped = z.preprocess((v) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
    const out: Record<string, unknown> = { ...(v as Record<string, unknown>) };
    for (const [alias, canonical] of Object.entries(aliases)) {
      if (!(alias in out)) continue;
      if (!(canonical in out)) out[canonical] = out[alias];
      delete out[alias];
    }
    return out;
  }, schema);
  aliasRegistry.set(wrapped, aliases);
  return wrapped;
}
