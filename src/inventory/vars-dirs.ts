import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { isMap, isScalar } from 'yaml';
import { ValidationError } from '../errors.js';
import type { Vars } from '../vars/types.js';
import type { Inventory, VarsDirLayer, VarsDirOrigin } from './types.js';
import { YamlSource } from './yaml11.js';

/** Extensions Ansible tries after the bare name, in this order (YAML_FILENAME_EXTENSIONS). */
export const VARS_FILE_EXTENSIONS = ['.yml', '.yaml', '.json'] as const;

/**
 * Loads a vars file, or a directory of vars files merged in name order (subdirectories included,
 * hidden files, `~` backups and files with other extensions skipped, as Ansible does).
 * Later files replace earlier keys whole (no deep merge). An empty file gives {}.
 */
export async function loadVarsFile(path: string): Promise<Vars> {
  const info = await statOrUndefined(path);
  if (!info) throw new ValidationError(`vars file not found: ${path}`);
  if (!info.isDirectory()) return parseVarsText(await readFile(path, 'utf8'), path);
  const merged: Vars = {};
  for (const file of await varsFilesIn(path)) Object.assign(merged, parseVarsText(await readFile(file, 'utf8'), file));
  return merged;
}

/** The data of one vars file: a mapping (or nothing). */
export function parseVarsText(text: string, file: string): Vars {
  if (text.startsWith('$ANSIBLE_VAULT;')) {
    throw new ValidationError('vault-encrypted vars files are not supported', {
      pos: { file, line: 1, col: 1 },
      hint: 'decrypt it (ansible-vault decrypt) or move the secrets to extra vars',
    });
  }
  const src = YamlSource.parse(text, file);
  const root = src.doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return {};
  if (!isMap(root)) {
    throw new ValidationError('a vars file must hold a mapping of variable names to values', {
      pos: src.pos(root),
      hint: 'e.g.\nntp_server: ntp.example.com\nusers: [alice, bob]',
    });
  }
  return src.toData(root) as Vars;
}

async function varsFilesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => compareNames(a.name, b.name))) {
    if (entry.name.startsWith('.') || entry.name.endsWith('~')) continue;
    const full = join(dir, entry.name);
    const ext = extname(entry.name);
    const info = entry.isSymbolicLink() ? await statOrUndefined(full) : entry;
    if (!info) continue;
    if (info.isDirectory()) {
      if (ext === '') found.push(...(await varsFilesIn(full)));
    } else if (ext === '' || (VARS_FILE_EXTENSIONS as readonly string[]).includes(ext)) {
      found.push(full);
    }
  }
  return found;
}

/**
 * `<dir>/<name>`, `<name>.yml`, `<name>.yaml`, `<name>.json`: the first that exists is used and
 * the others are ignored, as in Ansible (a directory `<name>/` therefore wins over `<name>.yml`).
 */
async function varsFor(dir: string, name: string, entries: Set<string>): Promise<Vars | undefined> {
  if (name.startsWith('/')) return undefined;
  for (const candidate of ['', ...VARS_FILE_EXTENSIONS].map((ext) => name + ext)) {
    if (entries.has(candidate)) return loadVarsFile(join(dir, candidate));
  }
  return undefined;
}

/**
 * Reads `<base>/group_vars/` and `<base>/host_vars/` for every group and host of the inventory and
 * appends them as one layer (a base already loaded for the same origin is skipped).
 * Files for groups or hosts the inventory does not have are ignored, as in Ansible.
 */
export async function loadVarsDirs(inv: Inventory, baseDir: string, origin: VarsDirOrigin): Promise<void> {
  const dir = resolve(baseDir);
  const layers = (inv.varsDirs ??= []);
  if (layers.some((l) => l.origin === origin && l.dir === dir)) return;
  const layer: VarsDirLayer = { origin, dir, groups: new Map(), hosts: new Map() };
  await fillLayer(join(dir, 'group_vars'), [...inv.groups.keys()], layer.groups);
  await fillLayer(join(dir, 'host_vars'), [...inv.hosts.keys()], layer.hosts);
  layers.push(layer);
}

async function fillLayer(dir: string, names: string[], into: Map<string, Vars>): Promise<void> {
  const info = await statOrUndefined(dir);
  if (!info?.isDirectory()) return;
  const entries = new Set(await readdir(dir));
  for (const name of names) {
    const vars = await varsFor(dir, name, entries);
    if (vars) into.set(name, vars);
  }
}

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** Python's sorted(): by code point, not by locale. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
