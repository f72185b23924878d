/**
 * Ansible's tag selection: `always` runs unless skipped by name, `never` only when asked for by one
 * of its tags, `tagged` / `untagged` / `all` are special. Pure.
 */
export interface TagFilter {
  only: string[];
  skip: string[];
}

export const ALL_TAGS: TagFilter = { only: ['all'], skip: [] };

export function selectedByTags(tags: readonly string[], f: TagFilter): boolean {
  const set = new Set(tags);
  const tagged = tags.some((t) => t !== 'always' && t !== 'never');
  if (f.skip.some((t) => set.has(t))) return false;
  if (f.skip.includes('tagged') && tagged) return false;
  if (f.skip.includes('untagged') && !tagged) return false;
  if (set.has('always')) return true;
  const asked = f.only.length === 0 ? ['all'] : f.only;
  if (set.has('never')) return asked.some((t) => set.has(t));
  if (asked.includes('all')) return true;
  if (asked.includes('tagged') && tagged) return true;
  if (asked.includes('untagged') && !tagged) return true;
  return asked.some((t) => set.has(t));
}

/** `-t a,b -t c` -> ['a', 'b', 'c'] */
export function splitTagArgs(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((t) => t.trim()).filter(Boolean);
}
