import { posix } from 'node:path';
import type { ChecksumAlgorithm } from './remote-fs.js';

export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

/** get_url's checksum argument: `ALGO:HEX`, or `ALGO:URL` of a checksum file (as sha256sum writes). */
export type ChecksumSpec = { algorithm: ChecksumAlgorithm; hex: string } | { algorithm: ChecksumAlgorithm; url: string };

const URL_SCHEMES = ['http:', 'https:', 'ftp:', 'file:'];

/** True for the schemes Ansible accepts as a checksum URL. */
export function isChecksumUrl(value: string): boolean {
  try {
    return URL_SCHEMES.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Parses `checksum:`; throws with Ansible's messages on a bad format. */
export function parseChecksumArg(arg: string): ChecksumSpec {
  const colon = arg.indexOf(':');
  if (colon < 0) throw new Error('The checksum parameter has to be in format <algorithm>:<checksum>');
  const algorithm = arg.slice(0, colon).toLowerCase() as ChecksumAlgorithm;
  if (!CHECKSUM_ALGORITHMS.includes(algorithm)) throw new Error(`Unsupported hash algorithm ${arg.slice(0, colon)}: use one of ${CHECKSUM_ALGORITHMS.join(', ')}`);
  const value = arg.slice(colon + 1);
  if (isChecksumUrl(value)) return { algorithm, url: value };
  return { algorithm, hex: normalizeHex(value) };
}

/** Ansible strips everything that is not a word character (zero-width spaces...) and wants hex. */
export function normalizeHex(value: string): string {
  const hex = value.replace(/\W+/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex)) throw new Error('The checksum format is invalid');
  return hex;
}

/** Ansible's url_filename: the last path segment, or index.html. */
export function urlFilename(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url;
  }
  const base = posix.basename(decodeURIComponent(path));
  return path.endsWith('/') || base === '' ? 'index.html' : base;
}

/**
 * The hash for `filename` in a checksum file: either a lone hash, or `HASH  NAME` / `HASH *NAME`
 * lines (names compared without a leading ./), first match wins, as Ansible's get_url.
 */
export function checksumFromFile(text: string, filename: string): string | undefined {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 1 && lines[0].trim().split(/\s+/).length === 1) return normalizeHex(lines[0]);
  for (const line of lines) {
    const space = line.indexOf(' ');
    if (space < 0) continue;
    let name = line.slice(space + 1);
    if (name.startsWith(' ') || name.startsWith('*')) name = name.slice(1);
    name = name.replace(/^[./]+/, '');
    if (name === filename) return normalizeHex(line.slice(0, space));
  }
  return undefined;
}

/** Ansible's extract_filename_from_headers: `attachment; filename="x"`, reduced to a base name. */
export function filenameFromContentDisposition(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^attachment; ?filename="?([^"]+)/.exec(header);
  if (!m) return undefined;
  const base = posix.basename(m[1].trim());
  return base && base !== '.' && base !== '..' ? base : undefined;
}
