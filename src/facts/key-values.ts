/**
 * Shell-style `KEY=value` files (os-release, lsb-release, selinux/config): values may be bare,
 * "double quoted" (with \" \\ \$ \` escapes) or 'single quoted'; comments and blank lines are
 * skipped. Keys keep their case.
 */
export function parseKeyValues(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]] = unquote(m[2].trim());
  }
  return out;
}

function unquote(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const ch = v[i];
    if (ch === "'") {
      const end = v.indexOf("'", i + 1);
      out += v.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? v.length : end;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < v.length && v[j] !== '"'; j++) {
        if (v[j] === '\\' && j + 1 < v.length && '"\\$`'.includes(v[j + 1])) j++;
        out += v[j];
      }
      i = j;
    } else if (ch === '\\' && i + 1 < v.length) {
      out += v[++i];
    } else if (ch === '#' && (i === 0 || /\s/.test(v[i - 1]))) {
      break;
    } else out += ch;
  }
  return out.trim();
}
