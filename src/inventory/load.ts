import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { ValidationError } from '../errors.js';
import { InventoryBuilder, UNGROUPED } from './builder.js';
import { HostPatternError, parseHostAddress } from './host-range.js';
import { parseIniInventory } from './ini.js';
import type { Inventory } from './types.js';
import { loadVarsDirs } from './vars-dirs.js';
import { parseYamlInventory } from './yaml-inventory.js';

export interface LoadInventoryOptions {
  /** directory of the playbook: its group_vars/ and host_vars/ are loaded as the playbook layer */
  playbookDir?: string;
}

export type InventoryFormat = 'ini' | 'yaml';

const YAML_EXTENSIONS = new Set(['.yml', '.yaml', '.json']);

/**
 * Files a directory source skips: Ansible's defaults (INVENTORY_IGNORE_EXTS) except `.ini`, which
 * Ansible skips too but which people name their inventories, so here it is read.
 */
const IGNORED_SUFFIXES = ['~', '.retry', '.orig', '.bak', '.pyc', '.pyo', '.swp', '.cfg', '.md', '.txt', '.rst', '.rpm'];
const IGNORED_NAMES = new Set(['group_vars', 'host_vars', 'vars_plugins']);

/**
 * Loads and merges inventory sources as `-i` gives them: files (INI or YAML), directories (their
 * files in name order) and comma-separated host lists (`-i 'h1,h2,'`). Then reads group_vars/ and
 * host_vars/ beside each source and, if given, beside the playbook.
 */
export async function loadInventory(sources: string[], opts: LoadInventoryOptions = {}): Promise<Inventory> {
  const builder = new InventoryBuilder();
  const varsBases: string[] = [];
  for (const source of sources) {
    if (isHostList(source)) {
      addHostList(source, builder);
      continue;
    }
    const path = resolve(source);
    const info = await stat(path).catch(() => undefined);
    if (!info) {
      throw new ValidationError(`inventory source not found: ${source}`, {
        hint: source.includes(',') ? undefined : 'give a file or directory; for a list of hosts end it with a comma: -i "web1,"',
      });
    }
    if (info.isDirectory()) {
      await parseDirectory(path, builder);
      varsBases.push(path);
    } else {
      await parseFile(path, builder);
      varsBases.push(dirname(path));
    }
  }
  const inv = builder.build();
  for (const base of varsBases) await loadVarsDirs(inv, base, 'inventory');
  if (opts.playbookDir !== undefined) await loadVarsDirs(inv, opts.playbookDir, 'playbook');
  return inv;
}

/** Parses inventory text (no group_vars/host_vars): handy for tests and inline inventories. */
export function parseInventoryText(text: string, file = '<inventory>', format: InventoryFormat = detectInventoryFormat(file, text)): Inventory {
  const builder = new InventoryBuilder();
  parseInto(text, file, format, builder);
  return builder.build();
}

/** Ansible's host_list trick: a source with a comma that is not an existing path. */
function isHostList(source: string): boolean {
  return source.includes(',') && !existsSync(source);
}

function addHostList(source: string, builder: InventoryBuilder): void {
  for (const item of source.split(',').map((s) => s.trim())) {
    if (item === '') continue;
    let address;
    try {
      address = parseHostAddress(item);
    } catch (e) {
      if (e instanceof HostPatternError) throw new ValidationError(`${e.message} in host list "${source}"`, { hint: e.hint });
      throw e;
    }
    builder.addHost(address.host, UNGROUPED);
    if (address.port !== undefined) builder.setHostVar(address.host, 'ansible_port', address.port);
  }
}

async function parseDirectory(dir: string, builder: InventoryBuilder): Promise<void> {
  const names = (await readdir(dir)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    if (name.startsWith('.') || IGNORED_NAMES.has(name) || IGNORED_SUFFIXES.some((s) => name.endsWith(s))) continue;
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (!info) continue; // a dangling symlink
    if (info.isDirectory()) await parseDirectory(path, builder);
    else await parseFile(path, builder);
  }
}

async function parseFile(path: string, builder: InventoryBuilder): Promise<void> {
  const text = await readFile(path, 'utf8');
  const info = await stat(path);
  if (text.startsWith('#!') && (info.mode & 0o111) !== 0) {
    throw new ValidationError(`executable inventory scripts are not supported: ${path}`, {
      pos: { file: path, line: 1, col: 1 },
      hint: 'save the script output as a YAML or INI file, or remove the execute bit if the file is INI',
    });
  }
  parseInto(text, path, detectInventoryFormat(path, text), builder);
}

function parseInto(text: string, file: string, format: InventoryFormat, builder: InventoryBuilder): void {
  if (format === 'yaml') parseYamlInventory(text, file, builder);
  else parseIniInventory(text, file, builder);
}

/**
 * YAML for .yml/.yaml/.json; otherwise by content: a first meaningful line that is `---`, `{`, or a
 * `key:` ending a line or followed by a space (INI has neither) means YAML.
 */
export function detectInventoryFormat(file: string, text: string): InventoryFormat {
  if (YAML_EXTENSIONS.has(extname(file).toLowerCase())) return 'yaml';
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    return line.startsWith('---') || line.startsWith('{') || /^[^\s[=#;]+:(?:\s|$)/.test(line) ? 'yaml' : 'ini';
  }
  return 'ini';
}
