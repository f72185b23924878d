/**
 * TEST DOUBLE for programs this machine cannot run: rpm, dnf and yum do not exist on these Debian
 * hosts, so a "host" here is this machine's /bin/sh with a PATH whose rpm, dnf and yum are small
 * scripts that answer from a table of recorded outputs (real output formats of CentOS 7 and Rocky
 * 8/9, kept in test/fixtures/rpm/) and log every call. The module's shell text (quoting, `;`, `&&`,
 * the exit-code markers) runs for real; only the package tools are scripted.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { quote } from '../../src/connection/quote.js';
import { LocalConnection } from '../../src/connection/local.js';
import type { Connection, ExecBinaryResult, ExecOptions } from '../../src/connection/types.js';
import { tempDir } from './harness.js';

/** One recorded answer: the exact argv (program first) and what the program printed. */
export interface Recorded {
  argv: string[];
  stdout?: string;
  stderr?: string;
  rc?: number;
}

const FAKE = `#!/bin/sh
# test double: stands in for "$0", which cannot run on this machine
dir=$(dirname "$0")/..
prog=$(basename "$0")
{ printf '%s\\0' "$prog" "$@"; printf '\\036'; } >> "$dir/calls"
key=$(printf '%s\\0' "$prog" "$@" | sha1sum | cut -c1-40)
if [ ! -f "$dir/table/$key.rc" ]; then echo "fake $prog: no recorded answer for: $prog $*" >&2; exit 99; fi
cat "$dir/table/$key.out"
cat "$dir/table/$key.err" >&2
exit "$(cat "$dir/table/$key.rc")"
`;

function keyOf(argv: readonly string[]): string {
  return createHash('sha1').update(argv.map((a) => `${a}\0`).join('')).digest('hex');
}

export class FakeRpmHost implements Connection {
  readonly host = 'fake-rpm-host';
  private readonly inner = new LocalConnection('localhost');
  private readonly dir: string;
  readonly cleanup: () => void;

  constructor(programs: readonly string[] = ['rpm', 'dnf', 'yum']) {
    const t = tempDir('tsplay-fake-rpm-');
    this.dir = t.dir;
    this.cleanup = t.cleanup;
    mkdirSync(join(this.dir, 'bin'));
    mkdirSync(join(this.dir, 'table'));
    for (const p of programs) {
      writeFileSync(join(this.dir, 'bin', p), FAKE);
      chmodSync(join(this.dir, 'bin', p), 0o755);
    }
  }

  /** Replaces the recorded answers (the host's state changes between runs). */
  answer(entries: readonly Recorded[]): this {
    rmSync(join(this.dir, 'table'), { recursive: true, force: true });
    mkdirSync(join(this.dir, 'table'));
    for (const e of entries) {
      const k = keyOf(e.argv);
      writeFileSync(join(this.dir, 'table', `${k}.out`), e.stdout ?? '');
      writeFileSync(join(this.dir, 'table', `${k}.err`), e.stderr ?? '');
      writeFileSync(join(this.dir, 'table', `${k}.rc`), String(e.rc ?? 0));
    }
    return this;
  }

  /** Every program call since the last `takeCalls`, as argv arrays. */
  takeCalls(): string[][] {
    const file = join(this.dir, 'calls');
    if (!existsSync(file)) return [];
    const text = readFileSync(file, 'utf8');
    rmSync(file);
    return text
      .split('\x1e')
      .filter((r) => r !== '')
      .map((r) => r.split('\0').slice(0, -1));
  }

  async connect(): Promise<void> {}

  exec(command: string, opts?: ExecOptions): Promise<ExecBinaryResult> {
    // only the fake programs: a real rpm/dnf/yum elsewhere on PATH must never be reached
    const path = `${join(this.dir, 'bin')}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;
    return this.inner.exec(`PATH=${quote(path)}; export PATH; ${command}`, opts);
  }

  put(content: Buffer, dest: string): Promise<void> {
    return this.inner.put(content, dest);
  }

  get(path: string): Promise<Buffer> {
    return this.inner.get(path);
  }

  async close(): Promise<void> {}
}

/** Commands that change a host; check mode must send none of them. */
export function isWritingCall(argv: readonly string[]): boolean {
  const words = argv.slice(1).filter((w) => !w.startsWith('-'));
  const verb = words[0];
  if (argv[0] === 'rpm') return argv.some((w) => /^(-i|-U|-F|-e|--install|--upgrade|--freshen|--erase|--import)$/.test(w));
  if (verb === 'versionlock') return words[1] !== 'list';
  return ['install', 'remove', 'erase', 'upgrade', 'update', 'downgrade', 'autoremove', 'reinstall', 'makecache', 'clean', 'distro-sync'].includes(verb ?? '');
}
