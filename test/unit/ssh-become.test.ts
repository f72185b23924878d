import { describe, expect, it } from 'vitest';
import { BECOME_PROMPT } from '../../src/connection/become.js';
import { BecomeError, BecomeSession, type BecomeAction } from '../../src/connection/ssh-become.js';
import { signalStatus } from '../../src/connection/ssh-exec.js';
import type { BecomeSpec } from '../../src/connection/types.js';

const PASSWORD = 'pa$$ w0rd';
const sudoPw: BecomeSpec = { method: 'sudo', user: 'root', password: PASSWORD };
const sudo: BecomeSpec = { method: 'sudo', user: 'postgres' };

/** The success marker the session's script prints, read back from the script itself. */
function marker(s: BecomeSession): string {
  return /TSPLAY-BECOME-SUCCESS-[0-9a-f]+/.exec(s.script)![0];
}

/** Feeds stderr chunks (`{M}` stands for the success marker line) and lists the actions. */
function run(spec: BecomeSpec, chunks: string[]): { session: BecomeSession; actions: BecomeAction[] } {
  const session = new BecomeSession('cat > /etc/x', spec, 'web1');
  const actions = chunks.map((c) => session.feed(Buffer.from(c.replace('{M}', marker(session) + '\n'))));
  return { session, actions };
}

describe('become script', () => {
  it.each([sudoPw, sudo, { method: 'su', user: 'app' } as BecomeSpec])('never holds the password (%j)', (spec) => {
    const s = new BecomeSession('echo hi', spec, 'h');
    expect(s.script).not.toContain(PASSWORD);
    expect(s.script).not.toContain('pa$$');
    expect(s.script).toMatch(spec.method === 'sudo' ? /^sudo / : /^su /);
    expect(s.script).toContain(spec.password ? `-S -p ${"'" + BECOME_PROMPT + "'"}` : spec.method === 'sudo' ? 'sudo -n' : 'su app');
  });

  it('refuses su with a password (it needs a terminal)', () => {
    expect(() => new BecomeSession('true', { method: 'su', user: 'root', password: 'x' }, 'web1')).toThrow(BecomeError);
  });
});

describe('become conversation (stderr in, actions out)', () => {
  it.each([
    {
      what: 'password sent only after the prompt, stdin after success',
      spec: sudoPw,
      chunks: ['[tsplay-become', '-password]', '{M}'],
      actions: ['wait', 'password', 'ready'],
    },
    { what: 'no prompt (NOPASSWD or cached): stdin right after success', spec: sudoPw, chunks: ['{M}'], actions: ['ready'] },
    { what: 'second prompt means a wrong password', spec: sudoPw, chunks: [BECOME_PROMPT, `Sorry, try again.\n${BECOME_PROMPT}`], actions: ['password', 'abort'] },
    { what: 'a prompt without a password to give', spec: sudo, chunks: [BECOME_PROMPT], actions: ['abort'] },
    { what: 'su asking for a password', spec: { method: 'su', user: 'app' } as BecomeSpec, chunks: ['Password: '], actions: ['abort'] },
    { what: 'nothing is done after success', spec: sudoPw, chunks: ['{M}', BECOME_PROMPT], actions: ['ready', 'wait'] },
  ])('$what', ({ spec, chunks, actions }) => {
    const r = run(spec, chunks);
    expect(r.actions.map((a) => a.kind)).toEqual(actions);
    const pw = r.actions.find((a) => a.kind === 'password');
    if (pw && pw.kind === 'password') expect(pw.data.toString()).toBe(PASSWORD + '\n');
  });

  it('keeps what sudo said before success, without our prompt and marker', () => {
    const { session } = run(sudoPw, ['lecture\n', BECOME_PROMPT, '{M}first line of the command\n']);
    expect(session.succeeded).toBe(true);
    expect(session.stderrBefore()).toBe('lecture\nfirst line of the command\n');
  });

  it.each([
    { what: 'sudo needs a password', spec: sudo, chunks: ['sudo: a password is required\n'], message: /sudo on web1 needs a password: use -K .*: sudo: a password is required$/ },
    { what: 'wrong password', spec: sudoPw, chunks: [BECOME_PROMPT, `Sorry, try again.\n${BECOME_PROMPT}`, 'sudo: 1 incorrect password attempt\n'], message: /^incorrect sudo password for become on web1: sudo: 1 incorrect password attempt$/ },
    { what: 'not in sudoers', spec: sudo, chunks: ['bob is not in the sudoers file.\n'], message: /^become \(sudo to postgres\) failed on web1: bob is not in the sudoers file\.$/ },
  ])('explains a failure: $what', ({ spec, chunks, message }) => {
    const { session } = run(spec, chunks);
    expect(session.succeeded).toBe(false);
    const err = session.error();
    expect(err).toBeInstanceOf(BecomeError);
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain(PASSWORD);
  });

  it('times out when sudo never prompts in a way we recognise', () => {
    const s = new BecomeSession('true', sudoPw, 'web1');
    expect(s.timeout(20)).toEqual({ kind: 'abort', reason: expect.stringContaining('sudo did not start within 20 s on web1') });
    expect(s.error().message).toContain('passprompt_override');
  });
});

describe('exit status of a command killed by a signal', () => {
  it.each([
    ['TERM', 143],
    ['KILL', 137],
    ['SIGINT', 130],
    ['NOSUCH', 255],
    [undefined, 255],
  ])('%s -> %i', (sig, rc) => {
    expect(signalStatus(sig)).toBe(rc);
  });
});
