import { RPM_ARCHES, type RpmPackage } from './rpm-nevra.js';

/** Parsers of what rpm, dnf and yum print for the queries in rpm-commands.ts. */

function epochOf(s: string): number {
  return /^\d+$/.test(s) ? Number(s) : 0;
}

/** `rpm -q --qf RPM_QUERY_FORMAT`: tab-separated lines; "package x is not installed" lines are skipped. */
export function parseRpmQuery(out: string): RpmPackage[] {
  const pkgs: RpmPackage[] = [];
  for (const line of out.split('\n')) {
    const f = line.split('\t');
    if (f.length !== 5) continue;
    pkgs.push({ name: f[0], epoch: epochOf(f[1]), version: f[2], release: f[3], arch: f[4] });
  }
  return dedupe(pkgs);
}

/** `dnf repoquery --qf REPOQUERY_FORMAT`: like rpm's, plus the repository. */
export function parseRepoquery(out: string): RpmPackage[] {
  const pkgs: RpmPackage[] = [];
  for (const line of out.split('\n')) {
    const f = line.split('\t');
    if (f.length !== 6) continue;
    pkgs.push({ name: f[0], epoch: epochOf(f[1]), version: f[2], release: f[3], arch: f[4], repo: f[5] });
  }
  return dedupe(pkgs);
}

const EVR = /^(?:(\d+):)?([^-:\s]+)-([^-:\s]+)$/;

function nameArch(token: string): { name: string; arch: string } | undefined {
  const dot = token.lastIndexOf('.');
  if (dot <= 0 || !RPM_ARCHES.has(token.slice(dot + 1))) return undefined;
  return { name: token.slice(0, dot), arch: token.slice(dot + 1) };
}

/**
 * The table `yum list` and `yum/dnf check-update` print: `name.arch  [epoch:]version-release  repo`.
 * Long names wrap onto the next line, so the text is read as a stream of words, taking three words
 * that have those shapes; headers ("Loaded plugins: ...", "Available Packages") fall through. The
 * "Obsoleting Packages" part of check-update lists nothing new and ends the table.
 */
export function parseYumTable(out: string): RpmPackage[] {
  const body = out.split(/^Obsoleting Packages/m)[0];
  const words = body.split(/\s+/).filter(Boolean);
  const pkgs: RpmPackage[] = [];
  for (let i = 0; i + 2 < words.length; i++) {
    const na = nameArch(words[i]);
    const evr = EVR.exec(words[i + 1]);
    if (!na || !evr) continue;
    pkgs.push({ ...na, epoch: evr[1] ? Number(evr[1]) : 0, version: evr[2], release: evr[3], repo: words[i + 2].replace(/^@/, '') });
    i += 2;
  }
  return dedupe(pkgs);
}

function dedupe(pkgs: RpmPackage[]): RpmPackage[] {
  const seen = new Set<string>();
  return pkgs.filter((p) => {
    const key = `${p.name}|${p.epoch}|${p.version}|${p.release}|${p.arch}|${p.repo ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** yum list exits 1 with this when nothing matches: an empty answer, not an error. */
export function isNoMatch(stdout: string, stderr: string): boolean {
  return /No matching Packages to list|No match for argument|No matches found/i.test(stdout + stderr);
}
