import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import picomatch from 'picomatch';
import { matchPatternList } from './ssh-pattern.js';

/**
 * ssh_config(5), read the way OpenSSH reads it: statements apply to a host when the `Host`
 * block around them matches; the first value obtained for an option wins, so specific blocks go
 * first and `Host *` holds the defaults. `Include` is honoured (also inside a Host block, which
 * makes the inclusion conditional). `Match` blocks are not evaluated (only `Match all`): their
 * statements are ignored.
 */
export interface SshConfigItem {
  /** every list must match the host (one list per enclosing Host block, outermost first) */
  when: string[][];
  /** lower-cased keyword */
  key: string;
  args: string[];
  /** where it was written, for messages */
  source: string;
}

/** Keywords whose every occurrence counts (in order), instead of the first one only. */
const ACCUMULATING = new Set(['identityfile', 'certificatefile', 'localforward', 'remoteforward', 'dynamicforward', 'sendenv', 'setenv']);

const NEVER: string[] = [];
const MAX_INCLUDE_DEPTH = 16;

export interface ParseContext {
  /** file name used in messages (and relative includes are resolved from its directory) */
  file: string;
  /** `~` in Include paths */
  home: string;
}

/** Parses one config text; Include directives are read from disk. */
export async function parseSshConfig(text: string, ctx: ParseContext): Promise<SshConfigItem[]> {
  return parseText(text, ctx.file, dirname(ctx.file), ctx.home, [], 0);
}

/** Reads config files in order (a missing file is simply absent), first value wins across them. */
export async function loadSshConfig(files: readonly string[], home: string): Promise<SshConfigItem[]> {
  const all: SshConfigItem[] = [];
  for (const file of files) {
    const text = await readOptional(file);
    if (text !== undefined) all.push(...(await parseText(text, file, dirname(file), home, [], 0)));
  }
  return all;
}

async function parseText(text: string, file: string, baseDir: string, home: string, outer: string[][], depth: number): Promise<SshConfigItem[]> {
  const items: SshConfigItem[] = [];
  let block: string[] | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const stmt = splitStatement(lines[i]!);
    if (!stmt) continue;
    const source = `${file}:${i + 1}`;
    const when = block ? [...outer, block] : outer;
    switch (stmt.key) {
      case 'host':
        block = stmt.args;
        break;
      case 'match':
        block = stmt.args.length === 1 && stmt.args[0]!.toLowerCase() === 'all' ? ['*'] : NEVER;
        break;
      case 'include': {
        if (depth >= MAX_INCLUDE_DEPTH) throw new Error(`${source}: Include nested too deeply`);
        for (const path of await expandInclude(stmt.args, baseDir, home)) {
          const sub = await readOptional(path);
          if (sub !== undefined) items.push(...(await parseText(sub, path, baseDir, home, when, depth + 1)));
        }
        break;
      }
      default:
        items.push({ when, key: stmt.key, args: stmt.args, source });
    }
  }
  return items;
}

/** `Keyword value ...` or `Keyword=value`; quoted words keep their spaces; `#` starts a comment. */
export function splitStatement(line: string): { key: string; args: string[] } | undefined {
  const m = /^\s*([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+|$)(.*)$/.exec(line);
  if (!m || line.trimStart().startsWith('#')) return undefined;
  return { key: m[1]!.toLowerCase(), args: splitWords(m[2]!) };
}

function splitWords(s: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length || s[i] === '#') break;
    let word = '';
    while (i < s.length && !/\s/.test(s[i]!)) {
      const c = s[i]!;
      if (c === '"' || c === "'") {
        const end = s.indexOf(c, i + 1);
        if (end < 0) throw new Error(`unterminated quote in ssh config line: ${s}`);
        word += s.slice(i + 1, end);
        i = end + 1;
      } else {
        word += c;
        i++;
      }
    }
    words.push(word);
  }
  return words;
}

async function expandInclude(args: string[], baseDir: string, home: string): Promise<string[]> {
  const out: string[] = [];
  for (const arg of args) {
    const path = arg.startsWith('~/') ? join(home, arg.slice(2)) : isAbsolute(arg) ? arg : join(baseDir, arg);
    const name = basename(path);
    if (!/[*?[]/.test(name)) {
      out.push(path);
      continue;
    }
    // wildcards in the file name (the common `config.d/*.conf`); matches are read in name order
    const isMatch = picomatch(name, { dot: false });
    const dir = dirname(path);
    const entries = await readdir(dir).catch(() => [] as string[]);
    out.push(...entries.filter((e) => isMatch(e)).sort().map((e) => join(dir, e)));
  }
  return out;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** The options that apply to one host name, first value wins (accumulating keywords keep all). */
export class SshOptions {
  private readonly first = new Map<string, { args: string[]; source: string }>();
  private readonly multi = new Map<string, string[][]>();

  constructor(items: readonly SshConfigItem[], host: string) {
    for (const item of items) {
      if (!item.when.every((patterns) => matchPatternList(patterns, host))) continue;
      if (ACCUMULATING.has(item.key)) {
        const list = this.multi.get(item.key) ?? [];
        list.push(item.args);
        this.multi.set(item.key, list);
      } else if (!this.first.has(item.key)) {
        this.first.set(item.key, { args: item.args, source: item.source });
      }
    }
  }

  /** the first value's words */
  words(key: string): string[] | undefined {
    return this.first.get(key.toLowerCase())?.args;
  }

  /** the first value as one string */
  value(key: string): string | undefined {
    const w = this.words(key);
    return w === undefined ? undefined : w.join(' ');
  }

  /** every value of an accumulating keyword, in order */
  all(key: string): string[] {
    return (this.multi.get(key.toLowerCase()) ?? []).map((args) => args.join(' '));
  }

  number(key: string): number | undefined {
    const v = this.value(key);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`ssh config ${this.first.get(key.toLowerCase())!.source}: ${key} must be a whole number, got '${v}'`);
    return n;
  }

  flag(key: string): boolean | undefined {
    const v = this.value(key)?.toLowerCase();
    if (v === undefined) return undefined;
    return v === 'yes' || v === 'true';
  }
}
