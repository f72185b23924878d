/**
 * Package specs as apt users write them (Ansible's package_split): `nginx`, `nginx=1.22-1`,
 * `nginx=1.22*` (a shell-style pattern matched against versions), `nginx>=1.22`, `nginx:amd64`.
 */
export interface PackageSpec {
  /** the spec as written */
  raw: string;
  /** the package name, with `:arch` when one was given */
  name: string;
  op?: '=' | '>=';
  version?: string;
}

const SPEC = /^([^=<>\s]+?)\s*(>=|=)\s*(\S+)$/;

export function parseSpec(raw: string): PackageSpec {
  const s = raw.trim();
  const m = SPEC.exec(s);
  if (!m) return { raw: s, name: s };
  return { raw: s, name: m[1], op: m[2] as '=' | '>=', version: m[3] };
}

/** Ansible's `name`: a list, or one string with commas. */
export function splitNames(names: readonly string[]): string[] {
  return names.flatMap((n) => n.split(',')).map((n) => n.trim()).filter((n) => n !== '');
}


/**
 * Debian version ordering (dpkg --compare-versions): epoch, then upstream and revision compared
 * part by part, where `~` sorts before everything, even the end of the string.
 */
export function compareDebVersions(a: string, b: string): number {
  const [ea, ua, ra] = splitVersion(a);
  const [eb, ub, rb] = splitVersion(b);
  if (ea !== eb) return ea < eb ? -1 : 1;
  return compareFragment(ua, ub) || compareFragment(ra, rb);
}

function splitVersion(v: string): [number, string, string] {
  const colon = v.indexOf(':');
  const epoch = colon > 0 ? Number(v.slice(0, colon)) || 0 : 0;
  const rest = colon > 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf('-');
  return dash >= 0 ? [epoch, rest.slice(0, dash), rest.slice(dash + 1)] : [epoch, rest, ''];
}

function charOrder(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // the non-digit prefix, character by character
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ca = i < a.length && !isDigit(a[i]) ? a[i] : undefined;
      const cb = j < b.length && !isDigit(b[j]) ? b[j] : undefined;
      const d = charOrder(ca) - charOrder(cb);
      if (d !== 0) return d < 0 ? -1 : 1;
      i++;
      j++;
    }
    let na = '';
    let nb = '';
    while (i < a.length && isDigit(a[i])) na += a[i++];
    while (j < b.length && isDigit(b[j])) nb += b[j++];
    const d = Number(na || '0') - Number(nb || '0');
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
