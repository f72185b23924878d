import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyAuthMethod, AuthenticationType } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthPlan, KeyStore } from '../../src/connection/ssh-auth.js';
import type { SshEndpoint } from '../../src/connection/ssh-target.js';

let dir: string;
let plainKey: string;
let lockedKey: string;
let notAKey: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsplay-auth-'));
  plainKey = join(dir, 'plain');
  lockedKey = join(dir, 'locked');
  notAKey = join(dir, 'garbage');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', plainKey]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'right horse', '-f', lockedKey]);
  await writeFile(notAKey, 'not a key');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A prompt that answers from a list and records what it was asked. */
function scriptedPrompt(answers: string[]) {
  const asked: string[] = [];
  const prompt = async (message: string) => {
    asked.push(message);
    await new Promise((r) => setTimeout(r, 5));
    return answers.shift() ?? '';
  };
  return { prompt, asked };
}

describe('private keys', () => {
  it('loads a plain key', async () => {
    const r = await new KeyStore().load(plainKey);
    expect(r.ok && r.key.type).toBe('ssh-ed25519');
  });

  it.each([
    ['an encrypted key without a terminal', () => lockedKey, /^key .*locked is encrypted: run on a terminal .* or load it into ssh-agent$/],
    ['a missing file', () => join(dir, 'nope'), /^no such key file /],
    ['a file that is not a key', () => notAKey, /^cannot use key .*garbage: Unsupported key format$/],
    ['a public key', () => `${plainKey}.pub`, /is not a private key$/],
  ])('explains %s', async (_what, path, reason) => {
    const r = await new KeyStore().load(path());
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('asks for a passphrase again after a wrong one, once for many connections', async () => {
    const { prompt, asked } = scriptedPrompt(['wrong', 'right horse']);
    const store = new KeyStore(prompt);
    const results = await Promise.all(Array.from({ length: 10 }, () => store.load(lockedKey)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(asked).toEqual([`Enter passphrase for key '${lockedKey}': `, `Enter passphrase for key '${lockedKey}': `]);
  });

  it('gives up after three wrong passphrases', async () => {
    const { prompt, asked } = scriptedPrompt(['a', 'b', 'c', 'right horse']);
    const r = await new KeyStore(prompt).load(lockedKey);
    expect(r.ok).toBe(false);
    expect(asked).toHaveLength(3);
  });
});

/** Drives AuthPlan's handler as ssh2 does: first call with null, then with what the server allows. */
async function methodsTried(ep: SshEndpoint, serverAllows: AuthenticationType[] | null, store = new KeyStore()): Promise<{ tried: string[]; plan: AuthPlan }> {
  const plan = new AuthPlan(ep, store);
  const handler = plan.handler();
  const tried: string[] = [];
  for (let call = 0; call < 20; call++) {
    const m = await new Promise<AnyAuthMethod | false>((resolve) => handler(call === 0 ? (null as never) : serverAllows!, false, (x) => resolve(x as AnyAuthMethod | false)));
    if (m === false) break;
    tried.push(m.type === 'publickey' ? `publickey:${(m.key as { type: string }).type}` : m.type);
  }
  return { tried, plan };
}

const endpoint = (over: Partial<SshEndpoint>): SshEndpoint => ({
  alias: 'h',
  hostname: 'h',
  port: 22,
  user: 'deploy',
  identityFiles: [],
  hostKeyName: 'h',
  ...over,
});

describe('authentication order', () => {
  it.each([
    { what: 'password first when given, then agent and keys', ep: { password: 'pw', agentSocket: '/a.sock', identityFiles: [{ path: '', explicit: true }] }, allows: null, tried: ['password', 'keyboard-interactive', 'agent', 'publickey:ssh-ed25519'] },
    { what: 'methods the server refuses are skipped', ep: { password: 'pw', agentSocket: '/a.sock', identityFiles: [{ path: '', explicit: true }] }, allows: ['publickey'], tried: ['password', 'agent', 'publickey:ssh-ed25519'] },
    { what: 'no password: agent then keys', ep: { agentSocket: '/a.sock', identityFiles: [{ path: '', explicit: true }] }, allows: ['publickey', 'password'], tried: ['agent', 'publickey:ssh-ed25519'] },
    { what: 'unusable keys are skipped', ep: { identityFiles: [{ path: 'LOCKED', explicit: true }, { path: '', explicit: true }] }, allows: ['publickey'], tried: ['publickey:ssh-ed25519'] },
  ] as const)('$what', async ({ ep, allows, tried }) => {
    const files = ep.identityFiles.map((f) => ({ ...f, path: f.path === 'LOCKED' ? lockedKey : plainKey }));
    const r = await methodsTried(endpoint({ ...ep, identityFiles: files }), allows as AuthenticationType[] | null);
    // the first call is made before the server said anything, so the first method is always tried
    expect(r.tried).toEqual(tried);
  });

  it('says what was tried and why a key was skipped', async () => {
    const missingDefault = { path: join(dir, 'id_rsa'), explicit: false };
    const { plan } = await methodsTried(endpoint({ identityFiles: [{ path: lockedKey, explicit: true }, missingDefault, { path: plainKey, explicit: true }] }), ['publickey']);
    const msg = plan.failureMessage();
    expect(msg).toBe(`permission denied for deploy: tried key ${plainKey}; the server accepts: publickey; key ${lockedKey} is encrypted: run on a terminal (to be asked for its passphrase) or load it into ssh-agent`);
  });

  it('says when nothing could be tried', async () => {
    const { plan, tried } = await methodsTried(endpoint({ identityFiles: [{ path: join(dir, 'id_ed25519'), explicit: false }] }), ['publickey']);
    expect(tried).toEqual([]);
    expect(plan.failureMessage()).toMatch(/no authentication method was available/);
  });

  it('answers a keyboard-interactive password question with the password, anything else empty', async () => {
    const plan = new AuthPlan(endpoint({ password: 'pw' }), new KeyStore());
    const handler = plan.handler();
    const next = () => new Promise<AnyAuthMethod>((resolve) => handler(null as never, false, (m) => resolve(m as AnyAuthMethod)));
    await next(); // password
    const kbd = await next();
    expect(kbd.type).toBe('keyboard-interactive');
    if (kbd.type !== 'keyboard-interactive') return;
    const answers = await new Promise<string[]>((resolve) => kbd.prompt('', '', '', [{ prompt: 'Password: ', echo: false }, { prompt: 'Favourite colour? ', echo: true }], resolve));
    expect(answers).toEqual(['pw', '']);
  });
});
