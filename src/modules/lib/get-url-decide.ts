import type { FileState } from './file-state.js';

/** What get_url found at dest before doing anything. */
export interface GetUrlDest {
  kind: 'absent' | 'file' | 'dir' | 'other';
  /** for a regular file: its sha1 and its checksum in the task's algorithm */
  sha1?: string;
  sum?: string;
  state?: FileState;
}

export type GetUrlDecision =
  | { action: 'keep'; reason: string }
  | { action: 'download'; reason: string }
  | { action: 'fail'; msg: string };

/**
 * Pure: whether get_url downloads at all. As Ansible documents it: with force false an existing
 * file is kept unless a given checksum does not match; a directory dest always downloads (the name
 * comes from the response) and replaces only when the content differs.
 */
export function decideDownload(dest: GetUrlDest, o: { force: boolean; expected?: string }): GetUrlDecision {
  switch (dest.kind) {
    case 'other':
      return { action: 'fail', msg: 'dest exists and is not a regular file or a directory' };
    case 'absent':
      return { action: 'download', reason: 'dest does not exist' };
    case 'dir':
      return { action: 'download', reason: 'dest is a directory: the file name comes from the response' };
    case 'file':
      if (o.force) return { action: 'download', reason: 'force: downloaded and compared with dest' };
      if (o.expected !== undefined && dest.sum !== o.expected) return { action: 'download', reason: 'dest does not match the checksum' };
      return { action: 'keep', reason: 'file already exists' };
  }
}
