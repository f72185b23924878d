import { isIPv6 } from 'node:net';

/** A host entry that could not be understood; the caller adds the source position. */
export class HostPatternError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

// Ansible walks ascii_letters, so an alphabetic range may run from lower into upper case.
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** True when the text holds an Ansible range: `[`, then `:`, then `]`. */
export function hasHostRange(text: string): boolean {
  return /\[[^\]]*:[^\]]*\]/.test(text);
}

/**
 * Expands Ansible host ranges: `node[01:20]` (zero padding kept), `node[1:10:2]` (stride),
 * `[a:c]` (letters), several ranges in one name (`r[1:2]n[a:b]`, first range outermost).
 */
export function expandHostRange(pattern: string): string[] {
  const open = pattern.indexOf('[');
  const close = open < 0 ? -1 : pattern.indexOf(']', open);
  if (open < 0 || close < 0 || !pattern.slice(open, close).includes(':')) return [pattern];
  const head = pattern.slice(0, open);
  const body = pattern.slice(open + 1, close);
  const tail = pattern.slice(close + 1);
  const names: string[] = [];
  for (const part of rangeItems(body, pattern)) names.push(...expandHostRange(head + part + tail));
  return names;
}

function rangeItems(body: string, pattern: string): string[] {
  const bounds = body.split(':');
  const usage = 'write [begin:end] or [begin:end:step], e.g. node[01:20], node[1:9:2] or node[a:f]';
  if (bounds.length !== 2 && bounds.length !== 3) {
    throw new HostPatternError(`bad host range "[${body}]" in "${pattern}"`, usage);
  }
  const beg = bounds[0] === '' ? '0' : bounds[0];
  const end = bounds[1];
  if (end === '') throw new HostPatternError(`host range "[${body}]" in "${pattern}" has no end value`, usage);
  const stepText = bounds[2] ?? '1';
  if (!/^\d+$/.test(stepText) || Number(stepText) === 0) {
    throw new HostPatternError(`host range "[${body}]" in "${pattern}" has a bad step "${stepText}"`, 'the step must be a positive integer');
  }
  const step = Number(stepText);

  const iBeg = beg.length === 1 ? LETTERS.indexOf(beg) : -1;
  const iEnd = end.length === 1 ? LETTERS.indexOf(end) : -1;
  if (iBeg >= 0 && iEnd >= 0) {
    if (iBeg > iEnd) throw new HostPatternError(`host range "[${body}]" in "${pattern}" must have begin <= end`);
    const out: string[] = [];
    for (let i = iBeg; i <= iEnd; i += step) out.push(LETTERS[i]);
    return out;
  }

  if (!/^\d+$/.test(beg) || !/^\d+$/.test(end)) {
    throw new HostPatternError(`host range "[${body}]" in "${pattern}" mixes letters and numbers or is not a range`, usage);
  }
  // A leading zero asks for fixed-width names, and then both ends must have that width.
  const width = beg.length > 1 && beg.startsWith('0') ? beg.length : 0;
  if (width && end.length !== width) {
    throw new HostPatternError(
      `host range "[${body}]" in "${pattern}": zero-padded begin and end must have the same width`,
      `e.g. [01:20] or [001:120]`,
    );
  }
  const from = Number(beg);
  const to = Number(end);
  if (from > to) throw new HostPatternError(`host range "[${body}]" in "${pattern}" must have begin <= end`);
  const out: string[] = [];
  for (let i = from; i <= to; i += step) out.push(width ? String(i).padStart(width, '0') : String(i));
  return out;
}

export interface HostAddress {
  /** the host name or pattern (ranges still unexpanded) */
  host: string;
  port?: number;
}

/**
 * Splits `name:port`, `[ipv6]:port`, a bare IPv6 address or a name (possibly with ranges, whose
 * colons sit inside brackets and are not port separators).
 */
export function parseHostAddress(text: string): HostAddress {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed && isIPv6(bracketed[1])) {
    return bracketed[2] === undefined ? { host: bracketed[1] } : { host: bracketed[1], port: toPort(bracketed[2], text) };
  }
  if (isIPv6(text)) return { host: text };

  const colons = colonsOutsideBrackets(text);
  if (colons.length === 0) return { host: text };
  if (colons.length === 1) {
    const host = text.slice(0, colons[0]);
    const port = text.slice(colons[0] + 1);
    if (host !== '' && /^\d+$/.test(port)) return { host, port: toPort(port, text) };
  }
  throw new HostPatternError(
    `bad host "${text}"`,
    'a host is name, name:port, an IPv6 address or [ipv6]:port; ":" outside [a:b] ranges starts the port',
  );
}

function toPort(digits: string, text: string): number {
  const port = Number(digits);
  if (port < 1 || port > 65535) throw new HostPatternError(`bad port ${digits} in "${text}"`, 'a port is 1..65535');
  return port;
}

function colonsOutsideBrackets(text: string): number[] {
  const out: number[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    else if (c === ':' && depth === 0) out.push(i);
  }
  return out;
}
