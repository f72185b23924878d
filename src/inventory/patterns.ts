import { readFileSync, statSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import picomatch from 'picomatch';
import { ValidationError } from '../errors.js';
import { hostsUnder, inventoryOrder, sortByInventory } from './host-vars.js';
import type { Inventory } from './types.js';

/**
 * Splits a host pattern as Ansible does: on commas when there is one, otherwise on colons that are
 * not inside brackets (`web[0:2]` stays whole) unless the whole pattern is an IPv6 address.
 */
export function splitPatterns(pattern: string | string[]): string[] {
  if (Array.isArray(pattern)) return pattern.flatMap((p) => splitPatterns(p));
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (isIPv6(pattern.trim()) || /^\[[^\]]+\](?::\d+)?$/.test(pattern.trim())) parts = [pattern];
  else parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** Regular patterns first, then intersections (`&`), then exclusions (`!`), as Ansible applies them. */
function orderPatterns(patterns: string[]): string[] {
  const regular = patterns.filter((p) => !p.startsWith('&') && !p.startsWith('!'));
  const and = patterns.filter((p) => p.startsWith('&'));
  const not = patterns.filter((p) => p.startsWith('!'));
  // only `&` and `!` parts: they restrict everything
  return [...(regular.length || patterns.length === 0 ? regular : ['all']), ...and, ...not];
}

const SUBSCRIPT = /^(.+)\[(?:(-?\d+)|(\d+):(\d*))\]$/;

/** `expr[3]`, `expr[-1]`, `expr[1:3]` (inclusive), `expr[2:]`: the expression and what to keep. */
function splitSubscript(pattern: string): { expr: string; pick?: (hosts: string[]) => string[] } {
  if (pattern.startsWith('~')) return { expr: pattern }; // a regex keeps its brackets
  const m = SUBSCRIPT.exec(pattern);
  if (!m) return { expr: pattern };
  const [, expr, index, start, end] = m;
  if (index !== undefined) {
    const i = Number(index);
    return { expr, pick: (hosts) => (hosts.at(i) === undefined ? [] : [hosts.at(i)!]) };
  }
  const from = Number(start);
  return { expr, pick: (hosts) => hosts.slice(from, end === '' ? undefined : Number(end) + 1) };
}

const GLOB_OPTIONS: picomatch.PicomatchOptions = { dot: true, posix: true, nobrace: true, noextglob: true, nonegate: true };

/** A name matcher: `~regex` (anchored at the start, like Python's re.match), a shell glob, or a name. */
function nameMatcher(expr: string): (name: string) => boolean {
  if (expr.startsWith('~')) {
    let re: RegExp;
    try {
      re = new RegExp(expr.slice(1), 'y');
    } catch (e) {
      throw new ValidationError(`invalid regular expression in host pattern "${expr}": ${(e as Error).message}`, {
        hint: 'a pattern starting with ~ is a regular expression matched at the start of host and group names',
      });
    }
    return (name) => {
      re.lastIndex = 0;
      return re.test(name);
    };
  }
  if (!/[*?[]/.test(expr)) return (name) => name === expr;
  const isMatch = picomatch(expr, GLOB_OPTIONS);
  return (name) => isMatch(name);
}

/** Hosts one pattern part names (without its `&`/`!`), in inventory order. */
function matchOne(inv: Inventory, part: string, order: Map<string, number>): string[] {
  const { expr, pick } = splitSubscript(part);
  const matches = nameMatcher(expr);
  const found = new Set<string>();
  let groupMatched = false;
  for (const g of inv.groups.keys()) {
    if (!matches(g)) continue;
    groupMatched = true;
    for (const h of hostsUnder(inv, g)) found.add(h);
  }
  // a plain word that names a group means the group; a wildcard or regex may also match hosts
  if (!groupMatched || expr.startsWith('~') || /[.?*[]/.test(expr)) {
    for (const h of inv.hosts.keys()) if (matches(h)) found.add(h);
  }
  const hosts = sortByInventory(found, order);
  return pick ? pick(hosts) : hosts;
}

function evaluate(inv: Inventory, patterns: string[]): Set<string> {
  const order = inventoryOrder(inv);
  let hosts = new Set<string>();
  for (const p of orderPatterns(patterns)) {
    if (inv.hosts.has(p)) {
      // an exact host name means that host, even if a group has the same name (Ansible)
      hosts.add(p);
      continue;
    }
    const op = p[0] === '&' || p[0] === '!' ? p[0] : '';
    const that = new Set(matchOne(inv, op ? p.slice(1) : p, order));
    if (op === '&') hosts = new Set([...hosts].filter((h) => that.has(h)));
    else if (op === '!') hosts = new Set([...hosts].filter((h) => !that.has(h)));
    else for (const h of that) hosts.add(h);
  }
  return hosts;
}

/**
 * Hosts selected by an Ansible host pattern, in inventory order: names, groups, `all`, `*`,
 * globs (`web*`), regexes (`~web\d+`), unions (`a:b`, `a,b`), intersections (`a:&b`), exclusions
 * (`a:!b`, applied after unions and intersections), subscripts (`g[0]`, `g[-1]`, `g[0:2]` with an
 * inclusive end, `g[1:]`). A pattern that matches nothing gives [] and the caller warns.
 */
export function selectHosts(inv: Inventory, pattern: string | string[]): string[] {
  return sortByInventory(evaluate(inv, splitPatterns(pattern)), inventoryOrder(inv));
}

/** Whether the host is among those the pattern selects. */
export function matchesPattern(inv: Inventory, host: string, pattern: string | string[]): boolean {
  return evaluate(inv, splitPatterns(pattern)).has(host);
}

/**
 * `--limit`: the hosts (kept in their given order) that the limit also selects. The limit has the
 * host pattern syntax; a part `@file` reads host names or patterns from the file, one per line
 * (a .retry file). A limit of only exclusions (`!db`) means "all but db".
 */
export function limitHosts(inv: Inventory, hosts: string[], limit: string): string[] {
  const parts: string[] = [];
  for (const part of splitPatterns(limit)) {
    if (part.startsWith('@')) parts.push(...readLimitFile(part.slice(1)));
    else parts.push(part);
  }
  const allowed = evaluate(inv, parts);
  return hosts.filter((h) => allowed.has(h));
}

function readLimitFile(path: string): string[] {
  let text: string;
  try {
    if (statSync(path).isDirectory()) {
      throw new ValidationError(`a limit starting with "@" must be a file, not a directory: ${path}`);
    }
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof ValidationError) throw e;
    throw new ValidationError(`cannot read limit file ${path}: ${(e as Error).message}`, {
      hint: '--limit @file reads host names, one per line (like a .retry file)',
    });
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}
