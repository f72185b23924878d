import { getModule } from '../modules/registry.js';
import type { Scope } from './context.js';
import type { Diagnostics } from './diagnostics.js';
import { readConditions, readInherited, readString, readStringList, readVars, unionTags } from './keyword-values.js';
import { TASK_KEYWORDS, UNSUPPORTED_KEYWORDS } from './keywords.js';
import { didYouMean, hintOf } from './suggest.js';
import type { Inherited, NodeBase } from './types.js';
import { keyPosOf, posOf, type Mapping } from './yaml-source.js';

/** The fields every task node has, with what it inherits from its scope already applied. */
export type NodeFields = NodeBase;

/**
 * Reads name/when/tags/vars and the inherited keywords of a node: conditions are the scope's
 * followed by the node's own, tags are the union, keywords the node sets win over inherited ones.
 * Vars stay on the node that declares them (the executor layers them).
 */
export function readNodeFields(map: Mapping, scope: Scope, allowed: ReadonlySet<string>, diag: Diagnostics): NodeFields {
  const own = readInherited(map, allowed, diag);
  const fields: NodeFields = {
    ...scope.inherited,
    ...own,
    pos: posOf(map) ?? { file: scope.file, line: 1, col: 1 },
    when: [...scope.when, ...(readConditions(map, 'when', diag) ?? [])],
    tags: unionTags(scope.tags, readStringList(map, 'tags', diag, true) ?? []),
    vars: readVars(map, 'vars', diag),
  };
  const name = readString(map, 'name', diag);
  if (name !== undefined) fields.name = name;
  if (scope.role) fields.role = scope.role;
  return fields;
}

/** The inherited keyword values of a node's fields (to pass down to its children). */
export function inheritedOf(fields: NodeFields): Inherited {
  const { pos: _pos, name: _name, when: _when, tags: _tags, vars: _vars, role: _role, ...inherited } = fields;
  return inherited;
}

/** The scope children of a node see: its conditions, tags and keywords. */
export function childScope(scope: Scope, fields: NodeFields): Scope {
  return { ...scope, when: fields.when, tags: fields.tags, inherited: inheritedOf(fields) };
}

/**
 * Reports keys of a play, block, include or role entry that are not allowed there, with the
 * closest allowed keyword, or a specific hint when the key is valid elsewhere.
 */
export function reportUnknownKeys(
  map: Mapping,
  allowed: ReadonlySet<string>,
  where: string,
  diag: Diagnostics,
  elsewhere: (key: string) => string | undefined = () => undefined,
): void {
  for (const key of Object.keys(map)) {
    if (allowed.has(key)) continue;
    const pos = keyPosOf(map, key);
    if (UNSUPPORTED_KEYWORDS[key] && !TASK_KEYWORDS.has(key)) {
      diag.error(`keyword '${key}' is not supported by tsplay`, pos, UNSUPPORTED_KEYWORDS[key]);
      continue;
    }
    const specific = elsewhere(key);
    if (specific) {
      diag.error(`'${key}' is not allowed in ${where}`, pos, specific);
      continue;
    }
    diag.error(`unknown ${where} keyword '${key}'`, pos,
      hintOf(didYouMean(key, allowed), `allowed: ${[...allowed].sort().join(', ')}`));
  }
}

/** Hint for a module name or task keyword written where it does not belong (a play, a block). */
export function taskKeyHint(key: string, container: string): string | undefined {
  if (getModule(key)) return `'${key}' is a module: modules belong in a task, under ${container}`;
  if (TASK_KEYWORDS.has(key)) return `'${key}' is a task keyword: put it on a task, under ${container}`;
  return undefined;
}
