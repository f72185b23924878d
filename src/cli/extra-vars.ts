import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { UsageError } from '../errors.js';
import { shlexSplit } from '../modules/lib/shlex.js';
import type { Vars } from '../vars/types.js';

/**
 * -e / --extra-vars, Ansible's forms: `k=v k2=v2` (values are strings), JSON or YAML text, `@file`.
 * Repeatable; later values win.
 */
export function parseExtraVars(values: readonly string[]): Vars {
  const out: Vars = {};
  for (const raw of values) Object.assign(out, parseOne(raw));
  return out;
}

function parseOne(raw: string): Vars {
  const text = raw.trim();
  if (text.startsWith('@')) {
    const file = text.slice(1);
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch {
      throw new UsageError(`--extra-vars: cannot read file '${file}'`, { hint: 'give @path/to/vars.yml with a path that exists' });
    }
    return asMapping(parseYaml(content, `--extra-vars @${file}`), `@${file}`);
  }
  if (text.startsWith('{') || text.startsWith('---') || /^[A-Za-z_][\w]*:\s/.test(text)) {
    return asMapping(parseYaml(text, '--extra-vars'), text);
  }
  const out: Vars = {};
  for (const word of shlexSplit(text)) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new UsageError(`--extra-vars: '${word}' is not key=value`, { hint: "use -e 'key=value', -e '{\"key\": 1}' or -e @vars.yml" });
    out[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return out;
}

function parseYaml(text: string, where: string): unknown {
  try {
    return parse(text, { version: '1.1' });
  } catch (e) {
    throw new UsageError(`${where}: ${(e as Error).message.split('\n')[0]}`);
  }
}

function asMapping(v: unknown, where: string): Vars {
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new UsageError(`--extra-vars ${where}: expected a mapping of variables`);
  return v as Vars;
}
