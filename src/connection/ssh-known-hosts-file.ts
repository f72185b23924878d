import { constants } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hostFieldMatches, knownHostsLine, parseKnownHosts, type KnownHostEntry } from './known-hosts.js';

/** Reads and parses known_hosts files; missing files are empty. */
export async function readKnownHosts(files: readonly string[]): Promise<KnownHostEntry[]> {
  const all = await Promise.all(
    files.map(async (f) => {
      try {
        return parseKnownHosts(await readFile(f, 'utf8'), f);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') return [];
        throw e;
      }
    }),
  );
  return all.flat();
}

/** Appends to one file run one after the other inside this process (many hosts connect at once). */
const queues = new Map<string, Promise<unknown>>();

/**
 * Records a host key in `file` unless an entry for `name` with this key is already there. The
 * check and the write are serialized per file within the process, and the line goes out as a
 * single O_APPEND write, so concurrent writers (other processes too) never interleave lines.
 * Creates the directory (0700) and the file (0600) when missing.
 */
export function appendKnownHost(file: string, name: string, blob: Buffer, hash: boolean): Promise<void> {
  const previous = queues.get(file) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => appendNow(file, name, blob, hash));
  queues.set(file, next);
  void next.finally(() => {
    if (queues.get(file) === next) queues.delete(file);
  }).catch(() => undefined);
  return next;
}

async function appendNow(file: string, name: string, blob: Buffer, hash: boolean): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const existing = await readFile(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return Buffer.alloc(0);
    throw e;
  });
  const entries = parseKnownHosts(existing.toString('utf8'), file);
  if (entries.some((e) => e.marker === undefined && e.key.equals(blob) && hostFieldMatches(e.hosts, name))) return;
  const needsNewline = existing.length > 0 && existing[existing.length - 1] !== 0x0a;
  const line = (needsNewline ? '\n' : '') + knownHostsLine(name, blob, hash);
  const fh = await open(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
  try {
    await fh.write(line);
  } finally {
    await fh.close();
  }
}
