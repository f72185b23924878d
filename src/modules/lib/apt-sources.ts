/**
 * One-line apt sources (`deb [options] URI suite [components]`) as Ansible's apt_repository reads
 * and writes them (its SourcesList): each line is parsed into enabled/source/comment, sources are
 * compared with their whitespace normalized, and a changed file is written back in that form.
 */
export const SOURCES_LIST = '/etc/apt/sources.list';
export const SOURCES_DIR = '/etc/apt/sources.list.d';

const VALID_SOURCE_TYPES = ['deb', 'deb-src'];

export interface SourceEntry {
  valid: boolean;
  enabled: boolean;
  source: string;
  comment: string;
}

/** Ansible's _parse: `#` at the start disables; a later `#` starts a comment; valid lines start with deb or deb-src. */
export function parseSourceLine(raw: string): SourceEntry {
  let line = raw.trim();
  let enabled = true;
  let comment = '';
  if (line.startsWith('#')) {
    enabled = false;
    line = line.slice(1);
  }
  const hash = line.indexOf('#');
  if (hash > 0) {
    comment = line.slice(hash + 1).trim();
    line = line.slice(0, hash);
  }
  let source = line.trim();
  let valid = false;
  if (source) {
    const chunks = source.split(/\s+/);
    if (VALID_SOURCE_TYPES.includes(chunks[0])) {
      valid = true;
      source = chunks.join(' ');
    }
  }
  return { valid, enabled, source, comment };
}

export function parseSourcesFile(text: string): SourceEntry[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map(parseSourceLine);
}

/** Ansible's dump: what a file it saves contains. */
export function dumpSources(entries: SourceEntry[]): string {
  return entries.map((e) => `${e.enabled ? '' : '# '}${e.source}${e.comment ? ` # ${e.comment}` : ''}\n`).join('');
}

/** The repo line as a source (normalized), or an error for a line that is not `deb ...`/`deb-src ...`. */
export function repoSource(repo: string): { source: string } | { error: string } {
  const e = parseSourceLine(repo);
  if (!e.valid || !e.enabled) return { error: `Invalid repository string: ${repo}` };
  return { source: e.source };
}

/**
 * Ansible's _suggest_filename: drop `[options]` and the scheme, take the first remaining word (the
 * URI, without user:password@), and turn every run of other characters into `_`.
 * `pkgs.k8s.io/core:/stable:/v1.37/deb/` -> `pkgs_k8s_io_core_stable_v1_37_deb.list`.
 */
export function suggestFilename(source: string, filename?: string): string {
  // Ansible adds `.list`, and a name with a slash is taken as a path
  if (filename) return filename.includes('/') ? `${filename}.list` : `${SOURCES_DIR}/${filename}.list`;
  const line = source.replace(/\[[^\]]+\]/g, '').replace(/\w+:\/\//g, '');
  const parts = line.split(/\s+/).filter((p) => p !== '' && !VALID_SOURCE_TYPES.includes(p));
  const first = (parts[0] ?? '').split('@').pop() ?? '';
  const name = first.replace(/[^a-zA-Z0-9]/g, ' ').split(/\s+/).filter(Boolean).join('_');
  return `${SOURCES_DIR}/${name}.list`;
}

/** The sources files as they are: path -> content (sources.list and sources.list.d/*.list). */
export type SourcesFiles = Record<string, string>;

export interface RepositoryChange {
  /** path -> new content, or null to delete the file (it has no lines left) */
  writes: Record<string, string | null>;
  /** files that did not exist before */
  added: string[];
  /** files deleted */
  removed: string[];
}

/**
 * Pure: the sources after adding (enabling every matching line, or appending to `target`) or
 * removing (every enabled matching line; a file left empty is deleted). Only files whose dumped
 * form changes are written.
 */
export function planRepository(files: SourcesFiles, source: string, state: 'present' | 'absent', target: string): RepositoryChange {
  const parsed = new Map(Object.entries(files).map(([path, text]) => [path, parseSourcesFile(text)]));
  const after = new Map<string, SourceEntry[]>();
  if (state === 'present') {
    let found = false;
    for (const [path, entries] of parsed) {
      after.set(
        path,
        entries.map((e) => {
          if (e.valid && e.source === source) {
            found = true;
            return { ...e, enabled: true };
          }
          return e;
        }),
      );
    }
    if (!found) after.set(target, [...(after.get(target) ?? []), { valid: true, enabled: true, source, comment: '' }]);
  } else {
    for (const [path, entries] of parsed) after.set(path, entries.filter((e) => !(e.valid && e.enabled && e.source === source)));
  }
  const change: RepositoryChange = { writes: {}, added: [], removed: [] };
  for (const [path, entries] of after) {
    const before = parsed.get(path);
    const newText = entries.length ? dumpSources(entries) : null;
    const oldText = before ? dumpSources(before) : undefined;
    if (newText === null) {
      // a file this change emptied goes away (Ansible deletes it); one that was empty already stays
      if (before && before.length > 0) {
        change.writes[path] = null;
        change.removed.push(path);
      }
      continue;
    }
    if (newText === oldText) continue;
    change.writes[path] = newText;
    if (!before) change.added.push(path);
  }
  return change;
}
