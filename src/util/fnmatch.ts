/**
 * Python's fnmatch.fnmatchcase, which Ansible uses for names, versions, paths and fact filters:
 * `*` (which also matches `/`), `?`, `[seq]`, `[!seq]`, over the whole string, case-sensitive.
 */
export function fnmatchRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      const end = pattern.indexOf(']', j);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let set = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
      const negated = set.startsWith('!');
      if (negated) set = set.slice(1);
      // a leading `]` is literal in Python, an empty class in JavaScript; a leading `^` is literal too
      if (set.startsWith(']') || set.startsWith('^')) set = '\\' + set;
      if (negated) set = '^' + set;
      re += `[${set}]`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

export function fnmatch(name: string, pattern: string): boolean {
  return fnmatchRegExp(pattern).test(name);
}

/** Whether a string has fnmatch's special characters (so it is a pattern, not a plain name). */
export function isFnmatchPattern(s: string): boolean {
  return /[*?[]/.test(s);
}
