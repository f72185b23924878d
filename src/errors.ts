/** One small error hierarchy: every error carries a code, an optional hint and source position. */
import { EXIT } from './cli/exit-codes.js';

export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

export function formatPos(pos: SourcePos | undefined): string {
  return pos ? `${pos.file}:${pos.line}:${pos.col}` : '';
}

export class TsplayError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly pos?: SourcePos;
  readonly exitCode: number;

  constructor(
    message: string,
    opts: { code?: string; hint?: string; pos?: SourcePos; exitCode?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = opts.code ?? 'E_TSPLAY';
    this.hint = opts.hint;
    this.pos = opts.pos;
    this.exitCode = opts.exitCode ?? EXIT.ERROR;
  }

  /** "file:line:col: message" followed by an indented hint line. */
  format(): string {
    const where = this.pos ? `${formatPos(this.pos)}: ` : '';
    return `${where}${this.message}${this.hint ? `\n  hint: ${this.hint}` : ''}`;
  }
}

/** Bad playbook, inventory, template or argument: found before any host is touched (exit 3). */
export class ValidationError extends TsplayError {
  constructor(message: string, opts: { code?: string; hint?: string; pos?: SourcePos; cause?: unknown } = {}) {
    super(message, { code: 'E_VALIDATION', ...opts, exitCode: EXIT.VALIDATION });
  }
}

/** Bad command line (exit 5). */
export class UsageError extends TsplayError {
  constructor(message: string, opts: { hint?: string } = {}) {
    super(message, { code: 'E_USAGE', ...opts, exitCode: EXIT.USAGE });
  }
}

/** A template or condition that cannot be rendered or evaluated (undefined variable, bad syntax). */
export class TemplateError extends TsplayError {
  constructor(message: string, opts: { code?: string; hint?: string; pos?: SourcePos; cause?: unknown } = {}) {
    super(message, { code: 'E_TEMPLATE', ...opts, exitCode: EXIT.VALIDATION });
  }
}

/** Several validation errors found in one pass, reported together. */
export class ValidationErrors extends TsplayError {
  readonly errors: TsplayError[];
  constructor(errors: TsplayError[]) {
    super(errors.map((e) => e.format()).join('\n'), { code: 'E_VALIDATION', exitCode: EXIT.VALIDATION });
    this.errors = errors;
  }
  override format(): string {
    return this.errors.map((e) => e.format()).join('\n');
  }
}

export function errorMessage(e: unknown): string {
  if (e instanceof TsplayError) return e.format();
  if (e instanceof Error) return e.message;
  return String(e);
}
