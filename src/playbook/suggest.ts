/** "Did you mean" suggestions for misspelled names (keywords, modules, roles, arguments, handlers). */

/** Edit distance counting a swap of two neighbours as one edit ("chdri" is one edit from "chdir"). */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * Candidates close enough to be a plausible typo, best first. The allowed distance grows with the
 * length of the word, so short words do not get far-fetched suggestions.
 */
export function closest(word: string, candidates: Iterable<string>, max = 3): string[] {
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  const lower = word.toLowerCase();
  const scored: Array<[string, number]> = [];
  for (const c of new Set(candidates)) {
    const d = levenshtein(lower, c.toLowerCase());
    // a truncated word ("become_m") is a typo of the longer keyword even when far in edits
    const truncated = lower.length >= 4 && c.toLowerCase().startsWith(lower);
    if (d <= limit || truncated) scored.push([c, d]);
  }
  return scored.sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0])).slice(0, max).map(([c]) => c);
}

/** "did you mean 'x'?" (or 'x' or 'y'), or undefined when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const found = closest(word, candidates);
  if (found.length === 0) return undefined;
  return `did you mean ${found.map((c) => `'${c}'`).join(' or ')}?`;
}

/** Joins hint fragments, skipping empty ones. */
export function hintOf(...parts: Array<string | undefined | false>): string | undefined {
  const kept = parts.filter((p): p is string => typeof p === 'string' && p.length > 0);
  return kept.length ? kept.join('; ') : undefined;
}
