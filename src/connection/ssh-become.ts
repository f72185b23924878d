import { randomBytes } from 'node:crypto';
import { BECOME_PROMPT, wrapBecome } from './become.js';
import type { BecomeSpec } from './types.js';

/** Become (sudo, su) failed before the command ran: the task fails with this message. */
export class BecomeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BecomeError';
  }
}

/**
 * Printed by the shell that runs as the become user, right before the command: seeing it proves
 * that sudo/su let us in. Only then is the command's stdin sent, so a password can never end up
 * in a command's input and a refused sudo is never mistaken for the command's own failure.
 */
const SUCCESS = `TSPLAY-BECOME-SUCCESS-${randomBytes(8).toString('hex')}`;

export type BecomeAction =
  /** nothing to do yet */
  | { kind: 'wait' }
  /** write this (the password line) to stdin */
  | { kind: 'password'; data: Buffer }
  /** become succeeded: send the command's stdin and close it */
  | { kind: 'ready' }
  /** give up: close stdin so the remote side ends; the run fails with `reason` */
  | { kind: 'abort'; reason: string };

/**
 * One command run under become, as a small state machine fed with the channel's stderr. It
 * never touches the network: the ssh channel code acts on what it returns.
 */
export class BecomeSession {
  /** the shell text to run; the password is never part of it */
  readonly script: string;
  private pre = '';
  private prompts = 0;
  private done = false;
  private failure?: string;

  constructor(command: string, private readonly become: BecomeSpec, private readonly host: string) {
    if (become.method === 'su' && become.password !== undefined) {
      throw new BecomeError(`become_method su with a password is not supported over ssh by tsplay (su needs a terminal); use become_method sudo, or connect as root (on ${host})`);
    }
    this.script = wrapBecome(`printf '%s\\n' ${SUCCESS} >&2; ${command}`, become);
  }

  /** true once the success marker was seen (stderr then flows straight through) */
  get succeeded(): boolean {
    return this.done;
  }

  /** Feeds stderr received before success; returns what to do. */
  feed(chunk: Buffer | string): BecomeAction {
    if (this.done) return { kind: 'wait' };
    this.pre += chunk.toString();
    const marker = this.pre.indexOf(SUCCESS + '\n');
    if (marker >= 0) {
      this.done = true;
      // what sudo said before (its lecture) stays in stderr; our prompts and marker do not
      this.pre = stripPrompts(this.pre.slice(0, marker)) + this.pre.slice(marker + SUCCESS.length + 1);
      return { kind: 'ready' };
    }
    const prompts = countOf(this.pre, BECOME_PROMPT);
    if (prompts > this.prompts) {
      this.prompts = prompts;
      if (prompts === 1 && this.become.password !== undefined) return { kind: 'password', data: Buffer.from(this.become.password + '\n') };
      return this.abort(`incorrect sudo password for become on ${this.host}`);
    }
    if (this.become.method === 'su' && /(password|passwort|mot de passe)[^\n]*:\s*$/i.test(this.pre)) {
      return this.abort(`su asks for a password on ${this.host}; su with a password is not supported over ssh by tsplay: use become_method sudo`);
    }
    return { kind: 'wait' };
  }

  /** Gives up after waiting too long for sudo (a prompt we do not recognise: passprompt_override?). */
  timeout(seconds: number): BecomeAction {
    return this.abort(`${this.become.method} did not ${this.prompts ? 'accept the password' : 'start'} within ${seconds} s on ${this.host} (does sudoers set passprompt_override?)`);
  }

  private abort(reason: string): BecomeAction {
    this.failure ??= reason;
    return { kind: 'abort', reason };
  }

  /** stderr received before success, without our prompts and marker */
  stderrBefore(): string {
    return this.done ? this.pre : stripPrompts(this.pre);
  }

  /** The error to raise when the channel ended without the success marker. */
  error(): BecomeError {
    const said = stripPrompts(this.pre).replace(/Sorry, try again\.\n?/g, '').trim();
    let reason = this.failure;
    if (!reason) {
      if (/a password is required|a terminal is required/.test(said)) {
        reason = `sudo on ${this.host} needs a password: use -K (--ask-become-pass) or set ansible_become_password`;
      } else {
        reason = `become (${this.become.method} to ${this.become.user}) failed on ${this.host}`;
      }
    }
    return new BecomeError(said ? `${reason}: ${said}` : reason);
  }
}

function stripPrompts(s: string): string {
  return s.split(BECOME_PROMPT).join('');
}

function countOf(s: string, needle: string): number {
  return s.split(needle).length - 1;
}
