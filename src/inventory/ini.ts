import { ValidationError, type SourcePos } from '../errors.js';
import { InventoryBuilder, UNGROUPED } from './builder.js';
import { expandHostRange, hasHostRange, HostPatternError, parseHostAddress } from './host-range.js';
import { tokenizeHostLine, TokenizeError } from './ini-tokens.js';
import { parseIniValue } from './python-literal.js';

type SectionKind = 'hosts' | 'vars' | 'children';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:[#;].*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:[#;].*)?$/;

/** A reference that a later section of the same file must resolve (Ansible's pending declarations). */
interface Pending {
  kind: 'vars' | 'children';
  pos: SourcePos;
  /** for a child: the groups that listed it, with where */
  parents: Array<{ name: string; pos: SourcePos }>;
}

/**
 * Reads an INI inventory into the builder, following Ansible's ini plugin: lines before any
 * section are ungrouped hosts; `[g]` lists hosts, `[g:vars]` key=value lines, `[g:children]` group
 * names. A group named in :children or :vars must be declared (`[g]` or `[g:children]`) somewhere
 * in the file or an earlier source, as Ansible requires.
 */
export function parseIniInventory(text: string, file: string, builder: InventoryBuilder): void {
  const declared = new Set<string>();
  const pending = new Map<string, Pending>();
  const isDeclared = (g: string) => declared.has(g) || builder.hasGroup(g);
  let group = UNGROUPED;
  let kind: SectionKind = 'hosts';

  const lines = text.split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index];
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const at = (offset = 0): SourcePos => ({ file, line: index + 1, col: indent + offset + 1 });

    const section = SECTION.exec(line);
    if (section) {
      const [, name, suffix] = section;
      if (suffix !== undefined && suffix !== 'vars' && suffix !== 'children') {
        throw new ValidationError(`section [${name}:${suffix}] has an unknown type "${suffix}"`, {
          pos: at(name.length + 2),
          hint: `a section is [${name}] for hosts, [${name}:vars] for variables or [${name}:children] for child groups`,
        });
      }
      group = name;
      kind = (suffix as SectionKind | undefined) ?? 'hosts';
      if (kind === 'vars') {
        if (!isDeclared(name) && !pending.has(name)) pending.set(name, { kind: 'vars', pos: at(), parents: [] });
        builder.addGroup(name, at());
      } else {
        const wasPending = pending.get(name);
        declared.add(name);
        builder.addGroup(name, at());
        if (wasPending) {
          pending.delete(name);
          for (const parent of wasPending.parents) builder.addChild(parent.name, name, parent.pos);
        }
      }
      continue;
    }
    if (line.startsWith('[') && !startsWithHostBracket(line)) {
      throw new ValidationError(`invalid section header: ${line}`, {
        pos: at(),
        hint: 'a section header is [group], [group:vars] or [group:children], with no spaces inside the brackets',
      });
    }

    if (kind === 'hosts') {
      parseHostLine(line, group, builder, at);
    } else if (kind === 'vars') {
      const eq = line.indexOf('=');
      const key = eq < 0 ? '' : line.slice(0, eq).trim();
      if (eq < 0 || key === '') {
        throw new ValidationError(`expected key=value in [${group}:vars], got: ${line}`, {
          pos: at(),
          hint: 'each line of a :vars section sets one variable, e.g. ntp_server=ntp.example.com',
        });
      }
      builder.setGroupVar(group, key, parseIniValue(line.slice(eq + 1).trim()), at());
    } else {
      const m = GROUP_NAME.exec(line);
      if (!m) {
        throw new ValidationError(`expected a group name in [${group}:children], got: ${line}`, {
          pos: at(),
          hint: 'each line of a :children section names one group, without spaces, ":" or "]"',
        });
      }
      const child = m[1];
      if (isDeclared(child)) {
        builder.addChild(group, child, at());
      } else {
        const p = pending.get(child) ?? { kind: 'children' as const, pos: at(), parents: [] };
        p.kind = 'children';
        p.parents.push({ name: group, pos: at() });
        pending.set(child, p);
      }
    }
  }

  for (const [name, p] of pending) {
    if (p.kind === 'vars') {
      throw new ValidationError(`section [${name}:vars] is for a group that is never declared: ${name}`, {
        pos: p.pos,
        hint: `declare it with a [${name}] or [${name}:children] section (in this file or an earlier -i source)`,
      });
    }
    const first = p.parents[0];
    throw new ValidationError(`section [${first.name}:children] includes an undefined group: ${name}`, {
      pos: first.pos,
      hint: `declare the group with a [${name}] section (it may be empty), or fix the name`,
    });
  }
}

/** `[::1]:22` and `[a:c]-web` are host entries, not section headers. */
function startsWithHostBracket(line: string): boolean {
  const first = line.split(/\s/)[0];
  if (hasHostRange(first) && !SECTION.test(first)) return true;
  try {
    return parseHostAddress(first).host !== first;
  } catch {
    return false;
  }
}

function parseHostLine(line: string, group: string, builder: InventoryBuilder, at: (offset?: number) => SourcePos): void {
  let tokens;
  try {
    tokens = tokenizeHostLine(line);
  } catch (e) {
    if (e instanceof TokenizeError) {
      throw new ValidationError(`cannot read host line: ${e.message}`, { pos: at(e.offset), hint: 'quote values that contain spaces: key="a b"' });
    }
    throw e;
  }
  if (tokens.length === 0) return;
  const [first, ...rest] = tokens;
  if (first.text === '---') {
    throw new ValidationError('"---" is not a host; this looks like a YAML file', {
      pos: at(first.offset),
      hint: 'name YAML inventories with a .yml or .yaml extension',
    });
  }
  let names: string[];
  let port: number | undefined;
  try {
    const address = parseHostAddress(first.text);
    port = address.port;
    names = expandHostRange(address.host);
  } catch (e) {
    if (e instanceof HostPatternError) throw new ValidationError(e.message, { pos: at(first.offset), hint: e.hint });
    throw e;
  }

  const vars: Array<[string, unknown]> = [];
  for (const t of rest) {
    const eq = t.text.indexOf('=');
    if (eq <= 0) {
      throw new ValidationError(`expected key=value host variable, got: ${t.text}`, {
        pos: at(t.offset),
        hint: 'a host line is: name [key=value ...]; quote values with spaces, start comments with " #"',
      });
    }
    vars.push([t.text.slice(0, eq), parseIniValue(t.text.slice(eq + 1))]);
  }

  for (const name of names) {
    builder.addHost(name, group, at(first.offset));
    if (port !== undefined) builder.setHostVar(name, 'ansible_port', port);
    for (const [k, v] of vars) builder.setHostVar(name, k, structuredClone(v)); // no sharing between range siblings
  }
}
