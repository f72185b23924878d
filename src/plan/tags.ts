/** --tags / --skip-tags, as given on the command line. Pure. */
export interface TagFilter {
  only: string[];
  skip: string[];
}

export const ALL_TAGS: TagFilter = { only: ['all'], skip: [] };

/**
 * Ansible's evaluate_tags, rule for rule: a task without tags counts as tagged `untagged`; `always`
 * runs unless skipped by name (or by `--skip-tags all` with `always`); `never` runs only when one
 * of its tags is asked for. `--skip-tags tagged` skips every tagged task, `always` ones included
 * (they used to run).
 */
export function selectedByTags(tags: readonly string[], f: TagFilter): boolean {
  const set = new Set(tags.length ? tags : ['untagged']);
  const untagged = set.size === 1 && set.has('untagged');
  const only = f.only.length === 0 ? ['all'] : f.only;
  const asked =
    set.has('always') ||
    (only.includes('all') && !set.has('never')) ||
    only.some((t) => set.has(t)) ||
    (only.includes('tagged') && !untagged && !set.has('never'));
  if (!asked) return false;
  if (f.skip.includes('all')) return set.has('always') && !f.skip.includes('always');
  if (f.skip.some((t) => set.has(t))) return false;
  return !(f.skip.includes('tagged') && !untagged);
}

/** `-t a,b -t c` -> ['a', 'b', 'c'] */
export function splitTagArgs(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((t) => t.trim()).filter(Boolean);
}
