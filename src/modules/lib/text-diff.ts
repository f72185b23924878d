import type { FileDiff } from '../types.js';

/**
 * The diff of one file's text before and after a change, for reporters to render as a unified
 * diff. An absent file is the empty text, as in Ansible.
 */
export function textDiff(before: string | undefined, after: string | undefined, path: string): FileDiff {
  return { before: before ?? '', after: after ?? '', beforeHeader: path, afterHeader: path };
}

/** Ansible's peek: a NUL byte in the first 8 KiB makes a file binary, and binary files get no text diff. */
export function looksBinary(data: Buffer | undefined): boolean {
  return data !== undefined && data.subarray(0, 8192).includes(0);
}
