import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { wrapBecome } from './become.js';
import type { Connection, ExecBinaryResult, ExecOptions } from './types.js';
import { argv } from './quote.js';

/** Runs commands on this machine as child processes of `/bin/sh -c`. */
export class LocalConnection implements Connection {
  constructor(readonly host: string) {}

  async connect(): Promise<void> {}

  /** Nothing to reopen: commands are child processes. */
  async reconnect(): Promise<void> {}

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecBinaryResult> {
    const become = opts.become && opts.become.user !== currentUser() ? opts.become : undefined;
    if (!become) return this.spawn(command, opts, toBuf(opts.stdin));
    // The password goes to sudo's stdin only when sudo will ask for it: with NOPASSWD or a cached
    // timestamp it would otherwise become the command's own input.
    const asks = become.password !== undefined && become.method === 'sudo' && (await this.spawn('sudo -n true', {}, Buffer.alloc(0))).rc !== 0;
    const spec = asks ? become : { ...become, password: undefined };
    const stdin = asks ? Buffer.concat([Buffer.from(become.password + '\n'), toBuf(opts.stdin)]) : toBuf(opts.stdin);
    return this.spawn(wrapBecome(command, spec), opts, stdin);
  }

  private spawn(script: string, opts: ExecOptions, stdin: Buffer): Promise<ExecBinaryResult> {
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', script], {
        env: { ...process.env, ...opts.env, LC_ALL: 'C' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', reject);
      child.stdin.on('error', () => {}); // the command may exit without reading stdin
      child.on('close', (code, signal) => {
        const stdoutBytes = Buffer.concat(out);
        resolve({
          rc: code ?? (signal ? 128 : 1),
          stdout: stdoutBytes.toString('utf8'),
          stdoutBytes,
          stderr: Buffer.concat(err).toString('utf8'),
        });
      });
      child.stdin.end(stdin);
    });
  }

  async put(content: Buffer, dest: string): Promise<void> {
    const r = await this.exec(`cat > ${argv([dest])}`, { stdin: content });
    if (r.rc !== 0) throw new Error(`cannot write ${dest}: ${r.stderr.trim()}`);
  }

  get(path: string): Promise<Buffer> {
    return readFile(path);
  }

  async close(): Promise<void> {}
}

function toBuf(s: string | Buffer | undefined): Buffer {
  if (s === undefined) return Buffer.alloc(0);
  return typeof s === 'string' ? Buffer.from(s) : s;
}

let cachedUser: string | undefined;
function currentUser(): string {
  if (cachedUser === undefined) cachedUser = process.env.USER ?? (process.getuid?.() === 0 ? 'root' : '');
  return cachedUser;
}
