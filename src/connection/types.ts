/** The one interface every transport implements (local now, ssh next). */
export interface ExecResult {
  rc: number;
  stdout: string;
  stderr: string;
}

export interface BecomeSpec {
  /** sudo (default) or su */
  method: 'sudo' | 'su';
  user: string;
  password?: string;
}

export interface ExecOptions {
  /** bytes written to the command's stdin, then stdin is closed */
  stdin?: string | Buffer;
  /** extra environment for the remote command */
  env?: Record<string, string>;
  become?: BecomeSpec;
  /** stdout as raw bytes (for reading binary files) */
  binary?: boolean;
}

export interface ExecBinaryResult extends ExecResult {
  stdoutBytes: Buffer;
}

export interface Connection {
  readonly host: string;
  connect(): Promise<void>;
  /** Runs `command` with the target's POSIX shell (`sh -c`). Build it with quote helpers. */
  exec(command: string, opts?: ExecOptions): Promise<ExecBinaryResult>;
  put(content: Buffer, dest: string): Promise<void>;
  get(path: string): Promise<Buffer>;
  close(): Promise<void>;
  /**
   * Drops the transport and opens a fresh one with the same settings (after the host rebooted).
   * Fails with UnreachableError while the host does not answer; may be called again.
   */
  reconnect?(): Promise<void>;
}

/** A host that cannot be reached (connect failed, connection dropped). Makes it UNREACHABLE. */
export class UnreachableError extends Error {
  constructor(message: string, opts?: { cause?: unknown }) {
    super(message, opts);
    this.name = 'UnreachableError';
  }
}
