import { isMap, isScalar, LineCounter, parseDocument, visit, type Document, type Node, type Tags } from 'yaml';
import { ValidationError, type SourcePos } from '../errors.js';

const BOOL_TAG = 'tag:yaml.org,2002:bool';
const TIMESTAMP_TAG = 'tag:yaml.org,2002:timestamp';

/**
 * The YAML 1.1 that Ansible reads (PyYAML): `yes`/`on` are booleans and `0644` is octal, but `y`
 * and `n` stay strings (the `yaml` package's 1.1 schema makes them booleans), and dates stay
 * strings so variables remain plain JSON-like data.
 */
function pyYamlTags(tags: Tags): Tags {
  return tags
    .filter((t) => (typeof t === 'string' ? t !== 'timestamp' : t.tag !== TIMESTAMP_TAG))
    .map((t) => {
      if (typeof t === 'string' || t.tag !== BOOL_TAG || !('test' in t) || !t.test) return t;
      const isTrue = t.identify?.(true) === true;
      return { ...t, test: isTrue ? /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/ : /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/ };
    });
}

/** A parsed YAML file that can still tell where each node came from. */
export class YamlSource {
  private constructor(
    readonly file: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /** Parses YAML 1.1 with unique keys; the first syntax error becomes a ValidationError at file:line:col. */
  static parse(text: string, file: string): YamlSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, {
      version: '1.1',
      uniqueKeys: true,
      lineCounter: lines,
      prettyErrors: false,
      customTags: pyYamlTags,
    });
    const err = doc.errors[0];
    if (err) {
      // the parser places some duplicate-key errors at the end of the previous entry
      const offset = (err.code === 'DUPLICATE_KEY' ? duplicateKeyOffset(doc) : undefined) ?? err.pos[0];
      const lp = lines.linePos(offset);
      throw new ValidationError(`YAML syntax error: ${err.message.split('\n')[0]}`, {
        pos: { file, line: lp.line, col: lp.col },
        hint: err.code === 'DUPLICATE_KEY' ? 'each key may appear once in a mapping' : 'check indentation, quotes and ":" separators',
        cause: err,
      });
    }
    return new YamlSource(file, doc, lines);
  }

  /** Position of a node (or of the document start when there is no node). */
  pos(node: Node | null | undefined): SourcePos {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  /** The plain data of a node: objects, arrays, strings, numbers, booleans, null. */
  toData(node: Node | null | undefined): unknown {
    if (node === null || node === undefined) return null;
    return plain(node.toJS(this.doc, { maxAliasCount: 1000 }));
  }
}

/** Offset of the first key that repeats an earlier key of the same mapping. */
function duplicateKeyOffset(doc: Document.Parsed): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return undefined;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          found = (pair.key as Node | null)?.range?.[0];
          return visit.BREAK;
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  return found;
}

/** `!!set` and `!!omap` come out as Set and Map; variables want arrays and objects. */
function plain(value: unknown): unknown {
  if (value instanceof Set) return [...value].map(plain);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), plain(v)]));
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}
