import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ValidationError, ValidationErrors } from '../errors.js';
// registers every module, so tasks can be checked against the module registry
import '../modules/index.js';
import { LoadContext } from './context.js';
import { Diagnostics } from './diagnostics.js';
import { describe, hasTemplate, readConditions, readStringList, readVars, unionTags } from './keyword-values.js';
import { IMPORT_PLAYBOOK_KEYWORDS } from './keywords.js';
import { reportUnknownKeys } from './node-base.js';
import { parsePlay, type PlaybookImport } from './play.js';
import { didYouMean, hintOf } from './suggest.js';
import type { Play, Playbook } from './types.js';
import { isMapping, itemPosOf, keyPosOf, posOf, valuePosOf, type Mapping } from './yaml-source.js';

export interface LoadPlaybookOptions {
  /** more directories holding roles, searched after the playbook's roles/ */
  extraRolesPaths?: string[];
}

/**
 * Loads and validates a playbook with everything it imports: plays, roles, task files, templates
 * referenced by tasks. Nothing touches a host. Every problem found is reported at once, as a
 * ValidationErrors whose errors each carry file:line:col and a hint.
 */
export async function loadPlaybook(file: string, opts: LoadPlaybookOptions = {}): Promise<Playbook> {
  const abs = resolve(file);
  if (!existsSync(abs)) {
    throw new ValidationErrors([new ValidationError(`playbook ${file} not found`, { hint: `looked for ${abs}` })]);
  }
  const diag = new Diagnostics();
  const load = new LoadContext(diag, dirname(abs), (opts.extraRolesPaths ?? []).map((p) => resolve(p)));
  const plays = loadPlaybookFile(abs, load, { when: [], tags: [], vars: {}, stack: [abs] });
  if (diag.errors.length) throw new ValidationErrors([...diag.errors]);
  return { file: abs, dir: dirname(abs), plays };
}

function loadPlaybookFile(file: string, load: LoadContext, imported: PlaybookImport): Play[] {
  const parsed = load.yaml(file);
  if (!parsed || parsed.value === null) return [];
  const value = parsed.value;
  if (!Array.isArray(value)) {
    const looksLikePlay = isMapping(value) && Object.hasOwn(value, 'hosts');
    load.diag.error(`a playbook is a list of plays, got ${describe(value)}`, posOf(value) ?? { file, line: 1, col: 1 },
      looksLikePlay ? 'start the play with a dash: "- hosts: ..."' : 'each play starts with "- hosts: ..."');
    return [];
  }
  const plays: Play[] = [];
  value.forEach((entry, i) => {
    const at = itemPosOf(value, i) ?? { file, line: 1, col: 1 };
    if (!isMapping(entry)) {
      load.diag.error(`a play must be a mapping (hosts:, tasks: ...), got ${describe(entry)}`, at);
    } else if (Object.hasOwn(entry, 'import_playbook')) {
      plays.push(...importPlaybook(entry, file, load, imported));
    } else {
      const play = parsePlay(entry, file, load, imported);
      if (play) plays.push(play);
    }
  });
  return plays;
}

/** `- import_playbook: other.yml` (relative to the importing file), with when/tags/vars for its plays. */
function importPlaybook(entry: Mapping, file: string, load: LoadContext, imported: PlaybookImport): Play[] {
  const diag = load.diag;
  reportUnknownKeys(entry, IMPORT_PLAYBOOK_KEYWORDS, 'import_playbook', diag, () => 'import_playbook takes only when, tags and vars');
  const name = entry.import_playbook;
  const pos = valuePosOf(entry, 'import_playbook') ?? keyPosOf(entry, 'import_playbook');
  if (typeof name !== 'string' || name === '') {
    diag.error(`import_playbook expects a file name, got ${describe(name)}`, pos, 'e.g. - import_playbook: webservers.yml');
    return [];
  }
  if (hasTemplate(name)) {
    diag.error('import_playbook is static: its file name cannot be a template', pos, 'list the playbooks to import explicitly');
    return [];
  }
  const path = isAbsolute(name) ? name : join(dirname(file), name);
  if (!existsSync(path)) {
    diag.error(`import_playbook: file '${name}' not found`, pos, hintOf(didYouMean(name, yamlFilesIn(dirname(path))), `looked for ${path}`));
    return [];
  }
  if (imported.stack.includes(path)) {
    const chain = [...imported.stack.slice(imported.stack.indexOf(path)), path].map((f) => relative(load.rootDir, f) || f);
    diag.error(`import_playbook cycle: ${chain.join(' -> ')}`, pos, 'a playbook cannot import itself, directly or through others');
    return [];
  }
  const when = readConditions(entry, 'when', diag) ?? [];
  const tags = readStringList(entry, 'tags', diag, true) ?? [];
  const vars = readVars(entry, 'vars', diag);
  return loadPlaybookFile(path, load, {
    when: [...imported.when, ...when],
    tags: unionTags(imported.tags, tags),
    // the outer import's vars win over an inner one's (each import updates the plays it returns)
    vars: { ...vars, ...imported.vars },
    stack: [...imported.stack, path],
  });
}

function yamlFilesIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  } catch {
    return [];
  }
}
