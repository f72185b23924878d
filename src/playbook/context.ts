import type { SourcePos } from '../errors.js';
import type { Diagnostics } from './diagnostics.js';
import { readYaml, type ParsedYaml } from './yaml-source.js';
import type { Handler, Inherited, RoleInstance } from './types.js';

/** State shared by the whole load of one playbook (all plays, all imported files). */
export class LoadContext {
  private readonly files = new Map<string, ParsedYaml>();

  constructor(
    readonly diag: Diagnostics,
    /** directory of the top-level playbook */
    readonly rootDir: string,
    /** more directories holding roles (absolute), searched after the playbook's roles/ */
    readonly extraRolesPaths: string[],
  ) {}

  /**
   * Parses a YAML file once per load, reporting its syntax errors once; returns undefined when it
   * could not be parsed. A role's files are read again for each use with different parameters.
   */
  yaml(file: string): { value: unknown } | undefined {
    let parsed = this.files.get(file);
    if (!parsed) {
      parsed = readYaml(file);
      this.files.set(file, parsed);
      for (const e of parsed.errors) this.diag.add(e);
    }
    return parsed.errors.length ? undefined : { value: parsed.value };
  }
}

/** A handler name notified somewhere in a play, checked once all handlers are known. */
export interface Notified {
  name: string;
  pos?: SourcePos;
}

/** State of the play being loaded: role de-duplication, handlers collected from roles, notifies. */
export interface PlayState {
  load: LoadContext;
  /** directory of the file holding the play: roles/, templates/ and vars_files resolve from here */
  dir: string;
  /** handlers of the roles used in the play, appended to the play's own handlers */
  roleHandlers: Handler[];
  notified: Notified[];
  /** names and listen topics of handlers that failed to load: notifying them is not a second error */
  brokenHandlerNames: Set<string>;
  /** roles already expanded in this play (by path, parameters and conditions): Ansible runs them once */
  rolesSeen: Set<string>;
}

/** What flows downward from play to role to block to task. */
export interface Scope {
  /** the file being read (for messages and relative imports) */
  file: string;
  /** directory relative task imports resolve from (the file's dir, or a role's tasks/) */
  baseDir: string;
  role?: RoleInstance;
  when: string[];
  tags: string[];
  inherited: Inherited;
  /** files and roles being imported, innermost last, to stop import cycles */
  stack: string[];
  /** parsing a play's handlers section (listen allowed, blocks and includes not) */
  handlers?: boolean;
}
