import type { SourcePos } from '../errors.js';
import { checkExpression } from '../vars/condition/index.js';
import { checkTemplate, isTemplate } from '../vars/template.js';
import type { Vars } from '../vars/types.js';
import type { Diagnostics } from './diagnostics.js';
import { INHERITED_KEYWORDS, type InheritedKeyword } from './keywords.js';
import type { Inherited } from './types.js';
import { isMapping, itemPosOf, keyPosOf, posOf, valuePosOf, type Mapping } from './yaml-source.js';

/**
 * Reading keyword values: each reader checks the type, reports a positioned error when it is wrong
 * (returning undefined), and syntax-checks templates and conditions with the value's position.
 */

export function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return isTemplate(value);
  if (Array.isArray(value)) return value.some(hasTemplate);
  if (isMapping(value)) return Object.values(value).some(hasTemplate);
  return false;
}

/** Syntax-checks every template string inside a value (deeply), each at its own position. */
export function checkTemplates(value: unknown, pos: SourcePos | undefined, diag: Diagnostics): void {
  if (typeof value === 'string') {
    if (isTemplate(value)) diag.capture(pos, () => checkTemplate(value, pos));
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkTemplates(v, itemPosOf(value, i) ?? pos, diag));
  } else if (isMapping(value)) {
    for (const [k, v] of Object.entries(value)) checkTemplates(v, valuePosOf(value, k) ?? pos, diag);
  }
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** A condition list (`when`, `changed_when`, `failed_when`, `until`, assert's `that`): ANDed strings. */
export function readConditions(map: Mapping, key: string, diag: Diagnostics): string[] | undefined {
  if (!Object.hasOwn(map, key)) return undefined;
  return conditionList(map[key], valuePosOf(map, key), key, diag);
}

export function conditionList(value: unknown, pos: SourcePos | undefined, what: string, diag: Diagnostics): string[] {
  const items = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  items.forEach((item, i) => {
    const at = Array.isArray(value) ? (itemPosOf(value, i) ?? pos) : pos;
    if (typeof item === 'boolean' || typeof item === 'number') out.push(String(item));
    else if (typeof item === 'string' && item.trim() !== '') {
      diag.capture(at, () => checkExpression(item, at));
      out.push(item);
    } else {
      diag.error(`${what} expects a condition (a string, a boolean or a list of them), got ${describe(item)}`, at,
        `e.g. ${what}: ansible_os_family == "Debian"`);
    }
  });
  return out;
}

/** A boolean keyword that may also be a template (`become: "{{ use_sudo }}"`). */
export function readBoolOrTemplate(map: Mapping, key: string, diag: Diagnostics): boolean | string | undefined {
  if (!Object.hasOwn(map, key)) return undefined;
  const v = map[key];
  const pos = valuePosOf(map, key);
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && isTemplate(v)) {
    checkTemplates(v, pos, diag);
    return v;
  }
  diag.error(`${key} expects true or false, got ${describe(v)}`, pos, `use ${key}: true (or yes), ${key}: false (or no), or a "{{ template }}"`);
  return undefined;
}

export function readBool(map: Mapping, key: string, diag: Diagnostics): boolean | undefined {
  if (!Object.hasOwn(map, key)) return undefined;
  const v = map[key];
  if (typeof v === 'boolean') return v;
  diag.error(`${key} expects true or false, got ${describe(v)}`, valuePosOf(map, key), `use ${key}: true or ${key}: false`);
  return undefined;
}

/** A string keyword; numbers are accepted as their text (`become_user: 1000`). */
export function readString(map: Mapping, key: string, diag: Diagnostics): string | undefined {
  if (!Object.hasOwn(map, key)) return undefined;
  const v = map[key];
  const pos = valuePosOf(map, key);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') {
    checkTemplates(v, pos, diag);
    return v;
  }
  diag.error(`${key} expects a string, got ${describe(v)}`, pos);
  return undefined;
}

/** A string or a list of strings; `splitCommas` for tags (`tags: a,b`). */
export function readStringList(map: Mapping, key: string, diag: Diagnostics, splitCommas = false): string[] | undefined {
  if (!Object.hasOwn(map, key)) return undefined;
  const v = map[key];
  const pos = valuePosOf(map, key);
  if (v === null) return [];
  const items = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  items.forEach((item, i) => {
    const at = Array.isArray(v) ? (itemPosOf(v, i) ?? pos) : pos;
    if (typeof item === 'string' || typeof item === 'number') {
      const text = String(item);
      checkTemplates(text, at, diag);
      if (splitCommas) out.push(...text.split(',').map((s) => s.trim()).filter(Boolean));
      else out.push(text);
    } else diag.error(`${key} expects a string or a list of strings, got ${describe(item)}`, at);
  });
  return out;
}

/** A number, or a template giving one (`retries: "{{ n }}"`). */
export function readNumberOrTemplate(map: Mapping, key: string, diag: Diagnostics): number | string | undefined {
  if (!Object.hasOwn(map, key)) return undefined;
  const v = map[key];
  const pos = valuePosOf(map, key);
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && isTemplate(v)) {
    checkTemplates(v, pos, diag);
    return v;
  }
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  diag.error(`${key} expects a number, got ${describe(v)}`, pos);
  return undefined;
}

export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function readIdentifier(map: Mapping, key: string, diag: Diagnostics): string | undefined {
  if (!Object.hasOwn(map, key)) return undefined;
  const v = map[key];
  if (typeof v === 'string' && IDENTIFIER.test(v)) return v;
  const suggestion = typeof v === 'string' ? v.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=[0-9])/, '_') : undefined;
  diag.error(`${key} must be a variable name (letters, digits and _, not starting with a digit), got ${describe(v)}`,
    valuePosOf(map, key), suggestion ? `e.g. ${key}: ${suggestion}` : undefined);
  return undefined;
}

/** `vars:` a mapping (or a list of mappings, merged, as Ansible accepts); templates are checked. */
export function readVars(map: Mapping, key: string, diag: Diagnostics): Vars {
  if (!Object.hasOwn(map, key) || map[key] === null) return {};
  const v = map[key];
  const pos = valuePosOf(map, key);
  const parts = Array.isArray(v) ? v : [v];
  const out: Vars = {};
  parts.forEach((part, i) => {
    if (!isMapping(part)) {
      diag.error(`${key} expects a mapping of variable names to values, got ${describe(part)}`,
        Array.isArray(v) ? (itemPosOf(v, i) ?? pos) : pos, `e.g. ${key}:\n    http_port: 80`);
      return;
    }
    for (const [name, value] of Object.entries(part)) {
      if (!IDENTIFIER.test(name)) {
        diag.error(`'${name}' is not a valid variable name`, keyPosOf(part, name) ?? posOf(part),
          'variable names use letters, digits and _ and do not start with a digit');
        continue;
      }
      checkTemplates(value, valuePosOf(part, name), diag);
      out[name] = value;
    }
  });
  return out;
}

/** The inherited keywords present in `map` (only those in `allowed`). */
export function readInherited(map: Mapping, allowed: ReadonlySet<string>, diag: Diagnostics): Inherited {
  const out: Inherited = {};
  for (const key of Object.keys(INHERITED_KEYWORDS) as InheritedKeyword[]) {
    if (!allowed.has(key) || !Object.hasOwn(map, key)) continue;
    switch (key) {
      case 'become':
      case 'ignore_errors':
      case 'no_log':
      case 'check_mode':
      case 'diff':
      case 'run_once': {
        const v = readBoolOrTemplate(map, key, diag);
        if (v !== undefined) setField(out, INHERITED_KEYWORDS[key], v);
        break;
      }
      case 'any_errors_fatal': {
        const v = readBool(map, key, diag);
        if (v !== undefined) out.anyErrorsFatal = v;
        break;
      }
      case 'environment': {
        const v = map[key];
        const pos = valuePosOf(map, key);
        if (isMapping(v) || (typeof v === 'string' && isTemplate(v))) {
          checkTemplates(v, pos, diag);
          out.environment = v;
        } else diag.error(`environment expects a mapping of variable names to values, got ${describe(v)}`, pos);
        break;
      }
      default: {
        const v = readString(map, key, diag);
        if (v !== undefined) setField(out, INHERITED_KEYWORDS[key], v);
      }
    }
  }
  return out;
}

/** The switch above checked each value's type for its field; TypeScript cannot follow the mapping. */
function setField(out: Inherited, field: keyof Inherited, value: unknown): void {
  (out as Record<string, unknown>)[field] = value;
}

/** Tags without duplicates, keeping first-seen order. */
export function unionTags(...lists: string[][]): string[] {
  return [...new Set(lists.flat())];
}
