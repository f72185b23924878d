import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, AuthenticationType, AuthHandlerMiddleware, ParsedKey } from 'ssh2';
import type { IdentityFile, SshEndpoint } from './ssh-target.js';

export type LoadedKey = { ok: true; key: ParsedKey } | { ok: false; reason: string; missing?: boolean };

const PASSPHRASE_TRIES = 3;

/**
 * Private keys of one run, each read (and, if encrypted, unlocked) once, however many hosts use
 * it. Passphrases are asked through `prompt` one at a time; without a prompt an encrypted key is
 * skipped with a reason that ends up in the authentication error.
 */
export class KeyStore {
  private readonly keys = new Map<string, Promise<LoadedKey>>();

  constructor(private readonly prompt?: (message: string) => Promise<string>) {}

  load(path: string): Promise<LoadedKey> {
    let p = this.keys.get(path);
    if (!p) {
      p = this.read(path);
      this.keys.set(path, p);
    }
    return p;
  }

  private async read(path: string): Promise<LoadedKey> {
    let data: Buffer;
    try {
      data = await readFile(path);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      return { ok: false, reason: err.code === 'ENOENT' ? `no such key file ${path}` : `cannot read key ${path}: ${err.message}`, missing: err.code === 'ENOENT' };
    }
    const plain = firstKey(ssh2.utils.parseKey(data));
    if (!(plain instanceof Error)) return plain.isPrivateKey() ? { ok: true, key: plain } : { ok: false, reason: `${path} is not a private key` };
    if (!/passphrase/i.test(plain.message)) return { ok: false, reason: `cannot use key ${path}: ${plain.message}` };
    if (!this.prompt) return { ok: false, reason: `key ${path} is encrypted: run on a terminal (to be asked for its passphrase) or load it into ssh-agent` };
    for (let i = 0; i < PASSPHRASE_TRIES; i++) {
      const passphrase = await serializedPrompt(this.prompt, `Enter passphrase for key '${path}': `);
      const unlocked = firstKey(ssh2.utils.parseKey(data, passphrase));
      if (!(unlocked instanceof Error)) return { ok: true, key: unlocked };
    }
    return { ok: false, reason: `key ${path}: wrong passphrase (${PASSPHRASE_TRIES} tries)` };
  }
}

function firstKey(k: ParsedKey | ParsedKey[] | Error): ParsedKey | Error {
  if (Array.isArray(k)) return k[0] ?? new Error('no key in file');
  return k;
}

/** Prompts never overlap, even when many connections need a passphrase at once. */
let promptChain: Promise<unknown> = Promise.resolve();
function serializedPrompt(prompt: (m: string) => Promise<string>, message: string): Promise<string> {
  const next = promptChain.catch(() => undefined).then(() => prompt(message));
  promptChain = next;
  return next;
}

interface AuthStep {
  /** what the server calls the method (the agent signs with public keys: 'publickey') */
  method: AuthenticationType;
  /** what the step is called in messages */
  label: string;
  make: () => Promise<AnyAuthMethod | undefined>;
}

export interface AuthHooks {
  /** called around slow steps that wait for a person (the connect timer pauses) */
  waiting(on: boolean): void;
}

/**
 * The authentication attempts for one hop, in this order: the password when one was given (the
 * user asked for it; trying many keys first can exhaust the server's MaxAuthTries), then the
 * ssh-agent, then each private key file. Methods the server does not allow are skipped.
 * `attempts` records what was tried, for the error message.
 */
export class AuthPlan {
  readonly attempts: string[] = [];
  readonly notes: string[] = [];
  /** the methods the server said it accepts, after the first refusal */
  serverMethods: AuthenticationType[] | undefined;

  constructor(
    private readonly ep: SshEndpoint,
    private readonly keys: KeyStore,
    private readonly hooks: AuthHooks = { waiting: () => {} },
  ) {}

  private steps(): AuthStep[] {
    const username = this.ep.user;
    const steps: AuthStep[] = [];
    const password = this.ep.password;
    if (password !== undefined) {
      steps.push({ method: 'password', label: 'password', make: async () => ({ type: 'password', username, password }) });
      steps.push({
        method: 'keyboard-interactive',
        label: 'keyboard-interactive',
        make: async () => ({
          type: 'keyboard-interactive',
          username,
          // answer password-like questions (PAM's "Password: "); anything else gets an empty answer
          prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map((p) => (/pass(word|code)?/i.test(p.prompt) ? password : ''))),
        }),
      });
    }
    const agent = this.ep.agentSocket;
    if (agent) steps.push({ method: 'publickey', label: 'ssh-agent', make: async () => ({ type: 'agent', username, agent }) });
    for (const f of this.ep.identityFiles) steps.push({ method: 'publickey', label: `key ${f.path}`, make: () => this.keyStep(f) });
    return steps;
  }

  private async keyStep(f: IdentityFile): Promise<AnyAuthMethod | undefined> {
    this.hooks.waiting(true);
    let loaded: LoadedKey;
    try {
      loaded = await this.keys.load(f.path);
    } finally {
      this.hooks.waiting(false);
    }
    if (!loaded.ok) {
      if (f.explicit || !loaded.missing) this.notes.push(loaded.reason);
      return undefined;
    }
    return { type: 'publickey', username: this.ep.user, key: loaded.key };
  }

  /** ssh2's authHandler: returns the next method to try, or false when none is left. */
  handler(): AuthHandlerMiddleware {
    const steps = this.steps();
    let i = 0;
    const next = async (allowed: AuthenticationType[] | null): Promise<AnyAuthMethod | false> => {
      while (i < steps.length) {
        const step = steps[i++]!;
        if (allowed && !allowed.includes(step.method)) continue;
        const method = await step.make();
        if (!method) continue;
        this.attempts.push(step.label);
        return method;
      }
      return false;
    };
    return (authsLeft, _partial, callback) => {
      if (authsLeft) this.serverMethods = authsLeft;
      // ssh2 accepts `false` for "no more methods"; its typings do not say so
      const done = (m: AnyAuthMethod | false) => callback(m as AnyAuthMethod);
      next(authsLeft ?? null).then(done, () => done(false));
    };
  }

  /** "permission denied" with what was tried and why keys were skipped. */
  failureMessage(): string {
    const tried = this.attempts.length ? `tried ${this.attempts.join(', ')}` : 'no authentication method was available (no password, no ssh-agent, no usable key)';
    const server = this.serverMethods ? `; the server accepts: ${this.serverMethods.join(',')}` : '';
    const notes = this.notes.length ? `; ${this.notes.join('; ')}` : '';
    return `permission denied for ${this.ep.user}: ${tried}${server}${notes}`;
  }
}

