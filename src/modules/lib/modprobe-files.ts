/**
 * The pure side of community.general.modprobe: is the module loaded (from /proc/modules,
 * modules.builtin or /sys/module), and what its persistence files should say. The line patterns
 * are Ansible's; commenting out prefixes `#`, as Ansible does.
 */

export const MODULES_LOAD_DIR = '/etc/modules-load.d';
export const MODPROBE_DIR = '/etc/modprobe.d';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What the host says about loaded modules; undefined where the file or directory is missing. */
export interface LoadedSources {
  procModules: string | undefined;
  builtin: string | undefined;
  /** /sys/module/NAME exists: loaded, or built in (kernels without module support have no /proc/modules) */
  sysModule: boolean;
}

export function moduleLoaded(name: string, s: LoadedSources): boolean {
  const prefix = `${name.replace(/-/g, '_')} `;
  if (s.procModules?.split('\n').some((l) => l.startsWith(prefix))) return true;
  if (s.builtin?.split('\n').some((l) => l.trimEnd().endsWith(`/${name}.ko`))) return true;
  return s.sysModule;
}

const moduleLine = (name: string) => new RegExp(`^ *${escapeRegExp(name)} *(?:[#;].*)?$`);
const paramsLine = (name: string) => new RegExp(`^options ${escapeRegExp(name)} (\\w+=\\S+) *(?:[#;].*)?$`);

/** Text files by path (the regular files of one directory). */
export type FileTexts = Record<string, string>;

export function loadedPersistently(name: string, loadFiles: FileTexts): boolean {
  const re = moduleLine(name);
  return Object.values(loadFiles).some((t) => t.split('\n').some((l) => re.test(l)));
}

/** The `key=value` options of the module set in modprobe.d. */
export function permanentParams(name: string, optionFiles: FileTexts): Set<string> {
  const re = paramsLine(name);
  const out = new Set<string>();
  for (const t of Object.values(optionFiles)) for (const l of t.split('\n')) {
    const m = re.exec(l);
    if (m) out.add(m[1]);
  }
  return out;
}

export function paramsAreSet(name: string, params: string, optionFiles: FileTexts): boolean {
  const want = new Set(params.split(/\s+/).filter(Boolean));
  const have = permanentParams(name, optionFiles);
  return want.size === have.size && [...want].every((p) => have.has(p));
}

/** Each file whose lines matching `re` get commented out, with its new text. */
function commentOut(files: FileTexts, re: RegExp): FileTexts {
  const out: FileTexts = {};
  for (const [path, text] of Object.entries(files)) {
    let hit = false;
    const lines = text.split('\n').map((l) => {
      if (!re.test(l)) return l;
      hit = true;
      return `#${l}`;
    });
    if (hit) out[path] = lines.join('\n');
  }
  return out;
}

export interface PersistencePlan {
  /** new text by path, for every file that changes */
  files: FileTexts;
}

/** persistent: present (load at boot with these params) or absent (comment out), as Ansible. */
export function planPersistence(name: string, params: string, persistent: 'present' | 'absent', loadFiles: FileTexts, optionFiles: FileTexts): PersistencePlan {
  const files: FileTexts = {};
  const inLoad = loadedPersistently(name, loadFiles);
  if (persistent === 'present') {
    if (!inLoad) files[`${MODULES_LOAD_DIR}/${name}.conf`] = `${name}\n`;
    if (!paramsAreSet(name, params, optionFiles)) {
      Object.assign(files, commentOut(optionFiles, paramsLine(name)));
      const wanted = params.split(/\s+/).filter(Boolean);
      // with no params wanted, commenting the old ones out is enough (Ansible writes an empty file)
      if (wanted.length) files[`${MODPROBE_DIR}/${name}.conf`] = wanted.map((p) => `options ${name} ${p}\n`).join('');
    }
  } else {
    if (inLoad) Object.assign(files, commentOut(loadFiles, moduleLine(name)));
    if (permanentParams(name, optionFiles).size) Object.assign(files, commentOut(optionFiles, paramsLine(name)));
  }
  return { files };
}

/** Parses the listing snippet's output: a path line, then the file's content as base64 on one line. */
export function parseListing(out: string): FileTexts {
  const lines = out.split('\n');
  const files: FileTexts = {};
  for (let i = 0; i + 1 < lines.length; i += 2) {
    if (lines[i] === '') break;
    files[lines[i]] = Buffer.from(lines[i + 1], 'base64').toString('utf8');
  }
  return files;
}

/** Lists the regular files of a directory with their contents (parseListing reads it). */
export function listingScript(dir: string): string {
  return `for f in ${dir}/*; do [ -f "$f" ] || continue; printf '%s\\n' "$f"; base64 -w0 < "$f"; echo; done; true`;
}
