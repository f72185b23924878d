import { createTwoFilesPatch } from 'diff';
import type { FileDiff } from '../modules/types.js';

/** A unified diff like Ansible's --diff output (`--- before: path` / `+++ after: path`); headers are paths. */
export function unifiedDiff(d: FileDiff): string {
  const patch = createTwoFilesPatch(`before: ${d.beforeHeader}`, `after: ${d.afterHeader}`, d.before, d.after, undefined, undefined, { context: 3 });
  // drop the "=====" separator line the library puts first
  return patch.split('\n').filter((l, i) => !(i === 0 && l.startsWith('='))).join('\n');
}
