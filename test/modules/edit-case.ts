import type { TextEdit } from '../../src/modules/lib/text-edit.js';

/**
 * One row of the text-edit tables: the module's arguments (as a task gives them, `path` left out),
 * the file before (null: missing), and what Ansible does. The same rows drive the pure tests and,
 * where ansible-core is installed, the comparison with Ansible itself (text-edit-oracle.test.ts).
 * Messages say PATH where Ansible names the file.
 */
export interface EditCase {
  name: string;
  args: Record<string, unknown>;
  before: string | null;
  after: string | null;
  changed: boolean;
  msg: string;
  failed?: boolean;
  rc?: number;
  /** lineinfile state=absent: how many lines went */
  found?: number;
  /** Ansible warns (empty regexp / search_string) */
  warns?: boolean;
  /** Ansible dies with a Python traceback here: we fail cleanly with our own message */
  ansibleCrashes?: boolean;
  /** behaviour of an ansible-core newer than the installed 2.14 (no oracle check) */
  newerAnsible?: boolean;
}

export const PATH = 'PATH';

/** The observable outcome of an edit, in the shape of an EditCase's expectations. */
export interface EditOutcome {
  after: string | null;
  changed: boolean;
  msg: string;
  failed: boolean;
  rc?: number;
  found?: number;
  warns: boolean;
}

export function expectedOutcome(c: EditCase): EditOutcome {
  return {
    after: c.after,
    changed: c.changed,
    msg: c.msg,
    failed: c.failed ?? false,
    ...(c.rc !== undefined ? { rc: c.rc } : {}),
    ...(c.found !== undefined ? { found: c.found } : {}),
    warns: c.warns ?? false,
  };
}

/** What our pure edit function returned, in the same shape. */
export function editOutcome(e: TextEdit, c: EditCase): EditOutcome {
  const found = e.result?.found;
  return {
    after: e.content === undefined ? null : e.content.toString('utf8'),
    changed: e.changed,
    msg: e.msg,
    failed: e.failed ?? false,
    ...(e.rc !== undefined ? { rc: e.rc } : {}),
    ...(c.found !== undefined && typeof found === 'number' ? { found } : {}),
    warns: Array.isArray(e.result?.warnings),
  };
}

export const contentOf = (c: EditCase): Buffer | undefined => (c.before === null ? undefined : Buffer.from(c.before, 'utf8'));
