import { readFileSync } from 'node:fs';
import {
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type ParsedNode,
  type Scalar,
  type YAMLMap,
} from 'yaml';
import { ValidationError, type SourcePos } from '../errors.js';

/**
 * YAML with source positions. Playbooks are read as YAML 1.1, as Ansible does (`yes` is true,
 * `mode: 0644` is the octal number 420), and converted to plain JS values; the position of every
 * mapping, sequence, key and value is remembered beside the value (in a WeakMap keyed by the
 * converted object), so any later stage can point at the exact place of a mistake.
 */

/** Where a converted mapping or sequence, its keys and its values came from. */
export interface Located {
  pos: SourcePos;
  /** for mappings: position of each key */
  keyPos: Record<string, SourcePos>;
  /** for mappings: position of each value (the key's position when the value is empty) */
  valuePos: Record<string, SourcePos>;
  /** for sequences: position of each item */
  itemPos: SourcePos[];
  /**
   * for mappings: keys whose value is a one-line string written so that each character sits in
   * its own column (no escapes), so an offset into the text is an offset in columns
   */
  exactText?: Set<string>;
}

const positions = new WeakMap<object, Located>();

export type Mapping = Record<string, unknown>;

export function isMapping(v: unknown): v is Mapping {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

export function located(v: unknown): Located | undefined {
  return typeof v === 'object' && v !== null ? positions.get(v) : undefined;
}

export function posOf(v: unknown): SourcePos | undefined {
  return located(v)?.pos;
}

export function keyPosOf(map: unknown, key: string): SourcePos | undefined {
  const l = located(map);
  return l && Object.hasOwn(l.keyPos, key) ? l.keyPos[key] : undefined;
}

export function valuePosOf(map: unknown, key: string): SourcePos | undefined {
  const l = located(map);
  return l && Object.hasOwn(l.valuePos, key) ? l.valuePos[key] : undefined;
}

export function itemPosOf(list: unknown, index: number): SourcePos | undefined {
  return located(list)?.itemPos[index];
}

/** Position of character `offset` of a string value, when the text maps to columns one to one. */
export function textPosOf(map: unknown, key: string, offset: number): SourcePos | undefined {
  const l = located(map);
  const pos = l && Object.hasOwn(l.valuePos, key) ? l.valuePos[key] : undefined;
  return pos && l?.exactText?.has(key) ? { ...pos, col: pos.col + offset } : undefined;
}

/** Position of the value reached by following `path` from `root`; the deepest known one. */
export function posAtPath(root: unknown, path: ReadonlyArray<PropertyKey>, fallback?: SourcePos): SourcePos | undefined {
  let best = fallback;
  let cur: unknown = root;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') {
      best = itemPosOf(cur, seg) ?? best;
      cur = cur[seg];
    } else if (isMapping(cur) && typeof seg !== 'symbol') {
      const key = String(seg);
      best = valuePosOf(cur, key) ?? best;
      cur = Object.hasOwn(cur, key) ? cur[key] : undefined;
    } else break;
  }
  return best;
}

/** Records positions for an object built by the loader (e.g. merged module arguments). */
export function locate<T extends object>(obj: T, info: Located): T {
  positions.set(obj, info);
  return obj;
}

export function newLocated(pos: SourcePos): Located {
  return { pos, keyPos: Object.create(null) as Record<string, SourcePos>, valuePos: Object.create(null) as Record<string, SourcePos>, itemPos: [] };
}

export interface ParsedYaml {
  /** undefined when the text has syntax errors (they are in `errors`) */
  value: unknown;
  errors: ValidationError[];
}

export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: true, prettyErrors: true, lineCounter });
  const at = (offset: number): SourcePos => ({ file, ...lineCounter.linePos(offset) });
  const errors: ValidationError[] = doc.errors.map((e) => {
    const pos = e.linePos ? { file, line: e.linePos[0].line, col: e.linePos[0].col } : at(e.pos[0]);
    return new ValidationError(`YAML syntax error: ${shortYamlMessage(e.message)}`, { pos, hint: yamlHint(e.code) });
  });
  if (errors.length) return { value: undefined, errors };
  const conv = new Converter(doc, text, at, errors);
  const value = conv.convert(doc.contents as ParsedNode | null, at(0));
  return { value, errors };
}

/** Reads and parses a file; a missing or unreadable file is reported like a syntax error. */
export function readYaml(file: string): ParsedYaml {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const err = new ValidationError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      pos: { file, line: 1, col: 1 },
    });
    return { value: undefined, errors: [err] };
  }
  return parseYaml(text, file);
}

/** prettyErrors appends " at line L, column C:" and a source excerpt; the position is ours to print. */
function shortYamlMessage(message: string): string {
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}

function yamlHint(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'a key may appear only once in a mapping: remove or merge the duplicate';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation and that brackets and quotes are closed';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return 'a key must fit on one line; is a colon or a quote missing on the line above?';
    case 'MULTIPLE_DOCS':
      return 'a playbook file holds one YAML document: remove the extra "---"';
    default:
      return 'values that start with "{{", "*", "&", "[", "{" or contain ": " must be quoted';
  }
}

class Converter {
  /** nodes being converted, to stop self-referencing aliases (`&a [*a]`) */
  private readonly active = new Set<object>();

  constructor(
    private readonly doc: Document.Parsed,
    private readonly text: string,
    private readonly at: (offset: number) => SourcePos,
    private readonly errors: ValidationError[],
  ) {}

  posOfNode(node: { range?: [number, number, number] | null } | null | undefined, fallback: SourcePos): SourcePos {
    return node?.range ? this.at(node.range[0]) : fallback;
  }

  /**
   * Where a value starts: for a quoted string, its first character inside the quotes, so a checker
   * reporting an offset into the text (a template, a condition) lands on the right column.
   */
  valuePosOfNode(node: ParsedNode | null | undefined, fallback: SourcePos): SourcePos {
    const pos = this.posOfNode(node, fallback);
    if (isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE')) return { ...pos, col: pos.col + 1 };
    return pos;
  }

  private isExactText(node: ParsedNode | null): boolean {
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return false;
    const src = this.text.slice(node.range[0], node.range[1]);
    if (src.includes('\n')) return false;
    if (node.type === 'PLAIN') return true;
    if (node.type === 'QUOTE_SINGLE') return !src.slice(1, -1).includes("''");
    if (node.type === 'QUOTE_DOUBLE') return !src.includes('\\');
    return false;
  }

  convert(node: ParsedNode | null | undefined, where: SourcePos): unknown {
    if (!node) return null;
    if (isAlias(node)) {
      const target = node.resolve(this.doc) as ParsedNode | undefined;
      if (!target || this.active.has(target)) {
        this.errors.push(new ValidationError(`alias *${node.source} refers to itself or to nothing`, {
          pos: where,
          hint: 'an alias (*name) repeats an anchor (&name) defined before it, outside the anchored value',
        }));
        return null;
      }
      return this.convert(target, where);
    }
    if (isScalar(node)) return scalarValue(node);
    this.active.add(node);
    try {
      if (isMap(node)) return this.convertMap(node as YAMLMap.Parsed, where);
      if (isSeq(node)) {
        const list: unknown[] = [];
        const info = newLocated(this.posOfNode(node, where));
        node.items.forEach((item, i) => {
          const p = this.valuePosOfNode(item as ParsedNode | null, info.pos);
          info.itemPos[i] = p;
          list.push(this.convert(item as ParsedNode | null, p));
        });
        return locate(list, info);
      }
    } finally {
      this.active.delete(node);
    }
    return null;
  }

  private convertMap(node: YAMLMap.Parsed, where: SourcePos): Mapping {
    const obj: Mapping = {};
    const info = newLocated(this.posOfNode(node, where));
    const merges: Array<[ParsedNode, SourcePos]> = [];
    for (const pair of node.items) {
      const keyNode = pair.key as ParsedNode | null;
      const keyPos = this.posOfNode(keyNode, info.pos);
      if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
        if (pair.value) merges.push([pair.value as ParsedNode, keyPos]);
        continue;
      }
      if (keyNode && !isScalar(keyNode) && !isAlias(keyNode)) {
        this.errors.push(
          new ValidationError('a mapping key must be a plain value, not a mapping or a list', {
            pos: keyPos,
            hint: 'a value that starts with "{{" must be quoted: key: "{{ var }}"',
          }),
        );
        continue;
      }
      const key = keyString(keyNode ? this.convert(keyNode, keyPos) : null, keyNode);
      const valueNode = pair.value as ParsedNode | null;
      const emptyValue = !valueNode || (isScalar(valueNode) && valueNode.value === null && !valueNode.source);
      const valuePos = emptyValue ? keyPos : this.valuePosOfNode(valueNode, keyPos);
      setOwn(obj, key, this.convert(valueNode, valuePos));
      info.keyPos[key] = keyPos;
      info.valuePos[key] = valuePos;
      if (this.isExactText(valueNode)) (info.exactText ??= new Set()).add(key);
    }
    // YAML merge keys (`<<: *defaults`): explicit keys win, earlier merge sources win over later ones
    for (const [valueNode, mergePos] of merges) {
      const sources = isSeq(valueNode) ? (valueNode.items as ParsedNode[]) : [valueNode];
      for (const src of sources) {
        const merged = this.convert(src, mergePos);
        if (!isMapping(merged)) {
          this.errors.push(new ValidationError('a merge key (<<) needs a mapping or a list of mappings', { pos: mergePos }));
          continue;
        }
        for (const [k, v] of Object.entries(merged)) {
          if (Object.hasOwn(obj, k)) continue;
          setOwn(obj, k, v);
          info.keyPos[k] = keyPosOf(merged, k) ?? mergePos;
          info.valuePos[k] = valuePosOf(merged, k) ?? mergePos;
        }
      }
    }
    return locate(obj, info);
  }
}

/** Keys are strings; a key the 1.1 schema read as a boolean or number keeps its spelling (`yes:`). */
function keyString(value: unknown, node: ParsedNode | null): string {
  if (typeof value === 'string') return value;
  if (isScalar(node) && typeof node.source === 'string' && value !== null) return node.source;
  return String(value);
}

function scalarValue(node: Scalar): unknown {
  const v = node.value;
  // 1.1 timestamps become Date objects; Ansible users mean the text (a version, a date string)
  if (v instanceof Date) return node.source ?? v.toISOString();
  if (typeof v === 'symbol') return v.description ?? '';
  // the yaml package's 1.1 schema reads y/n as booleans; PyYAML (Ansible) keeps them as text
  if (typeof v === 'boolean' && node.type === 'PLAIN' && /^[YyNn]$/.test(node.source ?? '')) return node.source;
  return v;
}

/** defineProperty so a key named `__proto__` stays data instead of replacing the prototype. */
function setOwn(obj: Mapping, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
