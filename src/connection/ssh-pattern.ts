/**
 * OpenSSH's host patterns, shared by ssh_config `Host` lines and known_hosts: `*` and `?`
 * wildcards, a leading `!` negates, names compare case-insensitively.
 */
const cache = new Map<string, RegExp>();

export function wildcardMatch(pattern: string, text: string): boolean {
  let re = cache.get(pattern);
  if (!re) {
    const body = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'))).join('');
    re = new RegExp(`^${body}$`, 'is');
    cache.set(pattern, re);
  }
  return re.test(text);
}

/**
 * A pattern list matches when some positive pattern matches and no negated one does (a negated
 * match vetoes the whole list, as in OpenSSH's match_pattern_list).
 */
export function matchPatternList(patterns: readonly string[], text: string): boolean {
  let positive = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (wildcardMatch(p.slice(1), text)) return false;
    } else if (wildcardMatch(p, text)) {
      positive = true;
    }
  }
  return positive;
}
