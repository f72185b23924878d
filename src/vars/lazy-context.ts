import { TemplateError } from '../errors.js';
import { isTemplate, renderDeep } from './template.js';
import type { Vars } from './types.js';

/** One layer of variables. `raw` layers hold data from hosts (facts, register, set_fact): never rendered. */
export interface VarLayer {
  vars: Vars;
  raw?: boolean;
}

/**
 * Merges layers (lowest precedence first) into one object. Values holding templates become lazy
 * getters that render on first use against the merged object itself, as Ansible's lazy variables:
 * `url: "http://{{host}}"` resolves `host` at the precedence of the merged result, an unused
 * variable that refers to something undefined is not an error, and a cycle is reported by name.
 */
export function mergeLayers(layers: VarLayer[]): Vars {
  const ctx: Vars = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.vars)) {
      if (!layer.raw && holdsTemplate(value)) defineLazy(ctx, key, value);
      else Object.defineProperty(ctx, key, { value, enumerable: true, configurable: true, writable: true });
    }
  }
  return ctx;
}

function defineLazy(ctx: Vars, key: string, raw: unknown): void {
  let state: 'new' | 'busy' | 'done' = 'new';
  let value: unknown;
  Object.defineProperty(ctx, key, {
    enumerable: true,
    configurable: true,
    get() {
      if (state === 'done') return value;
      if (state === 'busy') {
        throw new TemplateError(`recursive loop detected in the value of variable '${key}'`, {
          hint: `'${key}' refers to itself (directly or through other variables); give the lower-precedence value another name`,
        });
      }
      state = 'busy';
      try {
        value = renderDeep(raw, ctx);
        state = 'done';
        return value;
      } finally {
        if (state === 'busy') state = 'new';
      }
    },
  });
}

export function holdsTemplate(v: unknown): boolean {
  if (typeof v === 'string') return isTemplate(v);
  if (Array.isArray(v)) return v.some(holdsTemplate);
  if (v && typeof v === 'object') return Object.values(v).some(holdsTemplate);
  return false;
}

/** A plain snapshot (getters evaluated) for places that must not see lazy properties, e.g. JSON output. */
export function snapshot(ctx: Vars, keys: string[]): Vars {
  const out: Vars = {};
  for (const k of keys) if (Object.hasOwn(ctx, k)) out[k] = ctx[k];
  return out;
}

/**
 * `base` plus `extra` on top, without evaluating base's lazy getters (spreading would render them
 * all, and fail on any unrelated undefined variable).
 */
export function overlayVars(base: Vars, extra: Vars): Vars {
  const out: Vars = {};
  for (const key of Object.keys(base)) {
    Object.defineProperty(out, key, { enumerable: true, configurable: true, get: () => base[key] });
  }
  for (const [key, value] of Object.entries(extra)) {
    Object.defineProperty(out, key, { value, enumerable: true, configurable: true, writable: true });
  }
  return out;
}
