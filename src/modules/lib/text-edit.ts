/**
 * What a pure text edit (lineinfile, blockinfile, replace) decides from the arguments and the
 * current content: the new content, and the status and message Ansible would report.
 */
export interface TextEdit {
  /** the content after the edit; undefined when the file is missing and stays missing */
  content: Buffer | undefined;
  changed: boolean;
  msg: string;
  failed?: boolean;
  rc?: number;
  /** extra fields of Ansible's result (lineinfile's `found`, replace's `rc`, `warnings`) */
  result?: Record<string, unknown>;
}

/** A failure decided from the arguments and the content alone (nothing is written). */
export function editFailure(current: Buffer | undefined, msg: string, extra: { rc?: number; result?: Record<string, unknown> } = {}): TextEdit {
  return { content: current, changed: false, failed: true, msg, ...extra };
}
