import { isMap, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import { ValidationError } from '../errors.js';
import type { InventoryBuilder } from './builder.js';
import { expandHostRange, HostPatternError, parseHostAddress } from './host-range.js';
import { YamlSource } from './yaml11.js';

const SECTIONS = new Set(['hosts', 'vars', 'children']);

/**
 * Reads Ansible's YAML inventory format into the builder:
 * `all: { hosts: { h: {vars} }, vars: {...}, children: { g: { hosts, vars, children } } }`.
 * Any top-level key is a group (usually only `all`). Host keys may use ranges (`web[01:10]`) and
 * `name:port`. Unlike Ansible, which warns and skips, an unknown key in a group is an error:
 * a misspelt `host:` would otherwise silently drop hosts.
 */
export function parseYamlInventory(text: string, file: string, builder: InventoryBuilder): void {
  const src = YamlSource.parse(text, file);
  const root = src.doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    throw new ValidationError('YAML inventory is empty', { pos: src.pos(root), hint: 'start with "all:" and list hosts under "hosts:"' });
  }
  if (!isMap(root)) {
    throw new ValidationError('YAML inventory must be a mapping of group names', {
      pos: src.pos(root),
      hint: 'e.g.\nall:\n  hosts:\n    web1:\n      ansible_host: 127.0.0.1',
    });
  }
  if (root.items.some((p) => keyText(p) === 'plugin')) {
    throw new ValidationError('inventory plugin configurations are not supported', {
      pos: src.pos(root),
      hint: 'list the hosts in an INI or YAML inventory instead',
    });
  }
  for (const pair of root.items) parseGroup(src, builder, pair);
}

function keyText(pair: Pair): string {
  const k = pair.key;
  return isScalar(k) ? String(k.value) : String(k);
}

function keyNode(pair: Pair): Node | null {
  return (pair.key as Node | null) ?? null;
}

/** Reads one `name: {hosts, vars, children}` entry and returns the group name. */
function parseGroup(src: YamlSource, builder: InventoryBuilder, pair: Pair): string {
  const name = keyText(pair);
  const at = src.pos(keyNode(pair));
  if (!isScalar(pair.key) || name === '' || /[\s:\]]/.test(name)) {
    throw new ValidationError(`bad group name ${JSON.stringify(name)}`, { pos: at, hint: 'group names have no spaces, ":" or "]"' });
  }
  builder.addGroup(name, at);
  const body = pair.value as Node | null;
  if (body === null || (isScalar(body) && body.value === null)) return name;
  if (!isMap(body)) {
    throw new ValidationError(`group "${name}" must be a mapping with hosts, vars and/or children`, {
      pos: src.pos(body),
      hint: `${name}:\n  hosts:\n    host1:\n  vars:\n    key: value`,
    });
  }
  for (const section of body.items) {
    const what = keyText(section);
    const sectionAt = src.pos(keyNode(section));
    if (!SECTIONS.has(what)) {
      throw new ValidationError(`unexpected key "${what}" in group "${name}"`, {
        pos: sectionAt,
        hint: 'a group has only "hosts", "vars" and "children"; a group nested in another goes under "children"',
      });
    }
    const entries = sectionEntries(src, section, name);
    if (what === 'vars') {
      for (const v of entries) builder.setGroupVar(name, keyText(v), src.toData(v.value as Node | null), src.pos(keyNode(v)));
    } else if (what === 'children') {
      for (const child of entries) {
        const childName = parseGroup(src, builder, child);
        builder.addChild(name, childName, src.pos(keyNode(child)));
      }
    } else {
      for (const h of entries) parseHost(src, builder, h, name);
    }
  }
  return name;
}

/**
 * The pairs of a hosts/vars/children section. Ansible also accepts a single string
 * (`hosts: web1`) for one entry without a body, and an empty section.
 */
function sectionEntries(src: YamlSource, section: Pair, group: string): Pair[] {
  const value = section.value as Node | null;
  if (value === null || (isScalar(value) && value.value === null)) return [];
  if (isScalar(value) && typeof value.value === 'string') {
    return [{ key: value, value: null } as unknown as Pair];
  }
  if (!isMap(value)) {
    throw new ValidationError(`"${keyText(section)}" of group "${group}" must be a mapping`, {
      pos: src.pos(value),
      hint: keyText(section) === 'hosts' ? 'hosts:\n  web1:\n  web2:\n    ansible_port: 2222' : 'use "name: value" entries, not a list',
    });
  }
  return (value as YAMLMap).items as Pair[];
}

function parseHost(src: YamlSource, builder: InventoryBuilder, pair: Pair, group: string): void {
  const at = src.pos(keyNode(pair));
  const pattern = keyText(pair);
  let names: string[];
  let port: number | undefined;
  try {
    const address = parseHostAddress(pattern);
    names = expandHostRange(address.host);
    port = address.port;
  } catch (e) {
    if (e instanceof HostPatternError) throw new ValidationError(e.message, { pos: at, hint: e.hint });
    throw e;
  }
  const body = pair.value as Node | null;
  const vars = body === null ? null : src.toData(body);
  if (vars !== null && (typeof vars !== 'object' || Array.isArray(vars))) {
    throw new ValidationError(`variables of host "${pattern}" must be a mapping`, {
      pos: src.pos(body),
      hint: `${pattern}:\n  ansible_host: 127.0.0.1`,
    });
  }
  for (const name of names) {
    builder.addHost(name, group, at);
    if (port !== undefined) builder.setHostVar(name, 'ansible_port', port);
    // each expanded host gets its own copy: a later set on one must not leak into its siblings
    for (const [k, v] of Object.entries(structuredClone((vars ?? {}) as Record<string, unknown>))) builder.setHostVar(name, k, v);
  }
}
