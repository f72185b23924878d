import { argv, quote } from '../../connection/quote.js';
import type { ModuleContext } from '../types.js';
import { debUrlFields, DEFINE_GET, isDebUrl } from './apt-deb-url.js';

/** What dpkg knows about one package. */
export interface DpkgEntry {
  /** `${binary:Package}`: the name, with `:arch` for multi-arch "same" packages */
  name: string;
  version: string;
  /** dpkg's status abbreviation: desired, current, error (e.g. `ii `, `rc `, `hi `) */
  status: string;
}

/** What `apt-cache policy` says about one package. */
export interface PolicyEntry {
  installed?: string;
  candidate?: string;
  /** the version table, highest version first, as apt prints it */
  versions: string[];
}

/** A .deb file on the host (the `deb` argument). */
export interface DebFile {
  path: string;
  exists: boolean;
  name?: string;
  version?: string;
  /** what dpkg has under the file's package name */
  installed?: DpkgEntry;
  /** why a deb URL could not be read (the downloader's message) */
  error?: string;
}

/** The host's package state as the apt module sees it, read in one round trip. */
export interface AptState {
  /** keyed by the name asked for (and by `${Package}` without arch) */
  dpkg: Record<string, DpkgEntry>;
  /** keyed by the name asked for; absent when apt knows no such package */
  policy: Record<string, PolicyEntry>;
  /** seconds since the epoch: update-success-stamp, else /var/lib/apt/lists (Ansible's get_cache_mtime), 0 when neither */
  cacheMtime: number;
  debs: DebFile[];
  /** the `Inst`/`Remv`/`Purg` lines of a simulated upgrade or autoremove, when asked for */
  simulated?: string[];
}

export const APT_ENV: Record<string, string> = {
  DEBIAN_FRONTEND: 'noninteractive',
  DEBIAN_PRIORITY: 'critical',
  LANG: 'C',
  LC_ALL: 'C',
  LC_MESSAGES: 'C',
  LC_CTYPE: 'C',
};

/**
 * Inspecting must not write. apt-cache rebuilds and saves its binary cache when the sources
 * changed; empty cache paths make it build the cache in memory only. `apt-get -s` still writes
 * its planner log (/var/log/apt/eipp.log.xz) unless Dir::Log::Planner is empty.
 */
export const READ_ONLY_APT = ['-o', 'Dir::Cache::pkgcache=', '-o', 'Dir::Cache::srcpkgcache=', '-o', 'Dir::Log::Planner='];

const MARK = '@@tsplay-apt ';
const DPKG_FORMAT = quote('${binary:Package}\\t${Package}\\t${Version}\\t${db:Status-Abbrev}\\n');

export interface InspectRequest {
  names: string[];
  /** run apt-cache policy for the names (versions, candidates) */
  policy: boolean;
  debs: string[];
  /** an apt-get action to simulate (`-s`), e.g. ['upgrade', '--with-new-pkgs'] */
  simulate?: string[];
}

/** The shell script that reads everything in one round trip; every section starts with a marker line. */
export function inspectScript(r: InspectRequest): string {
  const section = (name: string) => `echo ${quote(MARK + name)}`;
  const parts = [
    'export LC_ALL=C',
    section('cache'),
    'stat -c %Y /var/lib/apt/periodic/update-success-stamp 2>/dev/null || stat -c %Y /var/lib/apt/lists 2>/dev/null || echo 0',
  ];
  if (r.names.length) {
    parts.push(section('dpkg'), `dpkg-query -W -f=${DPKG_FORMAT} ${argv(r.names)} 2>/dev/null || true`);
    if (r.policy) parts.push(section('policy'), `apt-cache ${argv(READ_ONLY_APT)} policy ${argv(r.names)} 2>/dev/null || true`);
  }
  if (r.debs.some(isDebUrl)) parts.push(DEFINE_GET);
  for (const deb of r.debs) {
    // the file's name and version, then what dpkg has installed under that name
    const d = quote(deb);
    const fields = isDebUrl(deb) ? debUrlFields(deb) : `if [ -f ${d} ]; then dpkg-deb -f ${d} Package Version; else echo missing; fi`;
    parts.push(
      section(`deb ${deb}`),
      `fields=$(${fields}); printf '%s\n' "$fields"`,
      `p=$(printf '%s\n' "$fields" | sed -n 's/^Package: //p'); [ -z "$p" ] || dpkg-query -W -f=${DPKG_FORMAT} "$p" 2>/dev/null || true`,
    );
  }
  if (r.simulate) parts.push(section('simulate'), `apt-get -s ${argv(READ_ONLY_APT)} ${argv(r.simulate)} 2>&1 || true`);
  parts.push(section('end'));
  return parts.join('\n');
}

export async function inspectApt(ctx: ModuleContext, r: InspectRequest): Promise<AptState> {
  const res = await ctx.run(inspectScript(r), { env: APT_ENV });
  if (res.rc !== 0) throw new Error(`cannot inspect packages: ${res.stderr.trim() || `exit ${res.rc}`}`);
  return parseInspect(res.stdout, r, res.stderr);
}

/** Splits the script's output into its sections and parses each. */
export function parseInspect(out: string, r: InspectRequest, stderr = ''): AptState {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of out.split('\n')) {
    if (line.startsWith(MARK)) {
      current = [];
      sections.set(line.slice(MARK.length), current);
    } else current?.push(line);
  }
  if (!sections.has('end')) throw new Error('unexpected output inspecting packages');
  const state: AptState = {
    cacheMtime: Number((sections.get('cache') ?? [])[0]) || 0,
    dpkg: parseDpkgQuery(sections.get('dpkg') ?? [], r.names),
    policy: parsePolicy(sections.get('policy') ?? [], r.names),
    debs: r.debs.map((path) => parseDebFields(path, sections.get(`deb ${path}`) ?? [], stderr)),
  };
  if (r.simulate) state.simulated = (sections.get('simulate') ?? []).filter((l) => /^(Inst|Remv|Purg) /.test(l));
  return state;
}

/** `binary:Package \t Package \t Version \t Status-Abbrev` lines, keyed by the names asked for. */
export function parseDpkgQuery(lines: string[], names: string[]): Record<string, DpkgEntry> {
  const out: Record<string, DpkgEntry> = {};
  for (const line of lines) {
    const [binary, pkg, version, status] = line.split('\t');
    if (!pkg || status === undefined) continue;
    const entry: DpkgEntry = { name: binary, version, status };
    for (const n of names) if (n === binary || n === pkg || n === `${pkg}:all`) out[n] ??= entry;
  }
  return out;
}

/** `apt-cache policy` output: a `name:` line per package, then Installed, Candidate and the version table. */
export function parsePolicy(lines: string[], names: string[]): Record<string, PolicyEntry> {
  const out: Record<string, PolicyEntry> = {};
  let entry: PolicyEntry | undefined;
  for (const line of lines) {
    const head = /^(\S+):$/.exec(line);
    if (head) {
      entry = { versions: [] };
      const name = head[1];
      for (const n of names) if (n === name || name.startsWith(`${n}:`) || n.startsWith(`${name}:`)) out[n] ??= entry;
      continue;
    }
    if (!entry) continue;
    const field = /^ {2}(Installed|Candidate): (.*)$/.exec(line);
    if (field) {
      const v = field[2] === '(none)' ? undefined : field[2];
      if (field[1] === 'Installed') entry.installed = v;
      else entry.candidate = v;
      continue;
    }
    const version = /^ (?:\*\*\*| {3}) (\S+) (-?\d+)$/.exec(line);
    if (version && !entry.versions.includes(version[1])) entry.versions.push(version[1]);
  }
  return out;
}

function parseDebFields(path: string, lines: string[], stderr: string): DebFile {
  // only the downloader and dpkg-deb speak on stderr in the inspect script
  if (lines[0] === 'missing') return { path, exists: false, ...(isDebUrl(path) ? { error: stderr.trim().split('\n').slice(-3).join('; ') } : {}) };
  const field = (f: string) => lines.find((l) => l.startsWith(`${f}: `))?.slice(f.length + 2).trim();
  const name = field('Package');
  const installed = name ? parseDpkgQuery(lines, [name])[name] : undefined;
  return { path, exists: true, name, version: field('Version'), ...(installed ? { installed } : {}) };
}

/** dpkg's current-state letter says a version is on disk (installed, unpacked, half-configured...). */
export function hasInstalledVersion(e: DpkgEntry | undefined): boolean {
  return !!e && e.version !== '' && !['n', 'c'].includes(e.status[1] ?? 'n');
}

/** Removed but its configuration files are still there (what purge cleans). */
export function hasConfigFiles(e: DpkgEntry | undefined): boolean {
  return !!e && e.status[1] === 'c';
}
