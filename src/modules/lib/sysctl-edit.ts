/**
 * The pure side of sysctl, as ansible.posix.sysctl does it: read `key = value` lines, and rewrite
 * the file with the key set (or removed). Like Ansible, a rewrite strips every line and writes
 * every setting as `key=value`, keeping the first occurrence of a key; comments and blank lines stay.
 */

const TRUE_WORDS = new Set(['y', 'yes', 'on', '1', 'true', 't', '1.0']);
const FALSE_WORDS = new Set(['n', 'no', 'off', '0', 'false', 'f', '0.0']);

/** Ansible's _parse_value: booleans (and their words) become 1/0, text is trimmed. */
export function parseSysctlValue(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return String(value);
  const lower = value.toLowerCase();
  if (TRUE_WORDS.has(lower)) return '1';
  if (FALSE_WORDS.has(lower)) return '0';
  return value.trim();
}

/** Multi-value keys (net.ipv4.ip_local_port_range) are equal when their words are: tabs or spaces. */
export function sysctlValuesEqual(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const x = a.split(/\s+/).filter(Boolean);
  const y = b.split(/\s+/).filter(Boolean);
  return x.length === y.length && x.every((w, i) => w === y[i]);
}

function isSetting(line: string): boolean {
  return line !== '' && !line.startsWith('#') && !line.startsWith(';') && line.includes('=');
}

function splitSetting(line: string): [string, string] {
  const at = line.indexOf('=');
  return [line.slice(0, at).trim(), line.slice(at + 1).trim()];
}

/** The value each key has in the file (the last occurrence wins, as in Ansible). */
export function sysctlFileValues(text: string | undefined): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of linesOf(text)) {
    const line = raw.trim();
    if (!isSetting(line)) continue;
    const [k, v] = splitSetting(line);
    values.set(k, v);
  }
  return values;
}

/** The whole file rewritten with `name` set to `value` (state present) or removed (value undefined). */
export function rewriteSysctlFile(text: string | undefined, name: string, value: string | undefined): string {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of linesOf(text)) {
    const line = raw.trim();
    if (!isSetting(line)) {
      out.push(line);
      continue;
    }
    const [k, v] = splitSetting(line);
    if (seen.has(k)) continue;
    seen.add(k);
    if (k !== name) out.push(`${k}=${v}`);
    else if (value !== undefined) out.push(`${k}=${value}`);
  }
  if (!seen.has(name) && value !== undefined) out.push(`${name}=${value}`);
  return out.map((l) => `${l}\n`).join('');
}

function linesOf(text: string | undefined): string[] {
  if (!text) return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
