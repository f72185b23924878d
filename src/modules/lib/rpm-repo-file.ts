/**
 * `.repo` files the way Ansible's yum_repository handles them, through Python's RawConfigParser:
 * read (comments dropped, keys lower-cased, indented continuation lines), one section per repo,
 * replace a section (it moves to the end), write (`key = value`, continuation lines indented with a
 * tab, a blank line after every section), and the sorted "dump" Ansible compares and shows as diff.
 */

/** Sections in file order; options in order, values with continuation lines joined by "\n". */
export type RepoFile = Map<string, Map<string, string>>;

export class RepoFileError extends Error {}

const SECTION = /^\[(.+)\]/;
const OPTION = /^(.*?)\s*([=:])\s*(.*)$/;

/** Python's configparser.RawConfigParser.read (default options) on one file's text. */
export function parseRepoFile(text: string, path = '<string>'): RepoFile {
  const file: RepoFile = new Map();
  let section: Map<string, string[]> | undefined;
  const raw = new Map<string, Map<string, string[]>>();
  let option: string | undefined;
  let indent = Number.MAX_SAFE_INTEGER;
  text.split(/\r?\n/).forEach((line, i) => {
    const value = line.trim();
    if (value.startsWith('#') || value.startsWith(';')) return;
    if (value === '') {
      // blank lines belong to a value that continues after them (trailing ones are dropped later)
      if (section && option) section.get(option)!.push('');
      return;
    }
    const level = line.length - line.trimStart().length;
    if (section && option && level > indent) {
      section.get(option)!.push(value);
      return;
    }
    indent = level;
    const header = SECTION.exec(value);
    if (header) {
      if (raw.has(header[1])) throw new RepoFileError(`While reading from '${path}' [line ${i + 1}]: section '${header[1]}' already exists`);
      section = new Map();
      raw.set(header[1], section);
      option = undefined;
      return;
    }
    if (!section) throw new RepoFileError(`File contains no section headers.\nfile: '${path}', line: ${i + 1}\n'${line}'`);
    const opt = OPTION.exec(value);
    if (!opt || opt[1].trim() === '') throw new RepoFileError(`Source contains parsing errors: '${path}'\n\t[line ${i + 1}]: '${line}'`);
    const key = opt[1].trim().toLowerCase();
    if (section.has(key)) throw new RepoFileError(`While reading from '${path}' [line ${i + 1}]: option '${key}' in section '${[...raw.keys()].pop()}' already exists`);
    section.set(key, [opt[3].trim()]);
    option = key;
  });
  for (const [name, opts] of raw) {
    const out = new Map<string, string>();
    for (const [k, lines] of opts) out.set(k, lines.join('\n').trimEnd());
    file.set(name, out);
  }
  return file;
}

/** RawConfigParser.write: what Ansible leaves on disk. */
export function renderRepoFile(file: RepoFile): string {
  let out = '';
  for (const [name, opts] of file) {
    out += `[${name}]\n`;
    for (const [k, v] of opts) out += `${k} = ${v.replace(/\n/g, '\n\t')}\n`;
    out += '\n';
  }
  return out;
}

/** Ansible's YumRepo.dump: sections and keys sorted; what it compares and shows as the diff. */
export function dumpRepoFile(file: RepoFile): string {
  let out = '';
  for (const name of [...file.keys()].sort()) {
    out += `[${name}]\n`;
    const opts = file.get(name)!;
    for (const k of [...opts.keys()].sort()) out += `${k} = ${opts.get(k)}\n`;
    out += '\n';
  }
  return out;
}

/** Ansible's add(): the repo's section is replaced by the given options (sorted), at the end. */
export function withRepo(file: RepoFile, repoid: string, options: ReadonlyMap<string, string>): RepoFile {
  const next: RepoFile = new Map([...file].filter(([name]) => name !== repoid));
  next.set(repoid, new Map([...options].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  return next;
}

export function withoutRepo(file: RepoFile, repoid: string): RepoFile {
  return new Map([...file].filter(([name]) => name !== repoid));
}
