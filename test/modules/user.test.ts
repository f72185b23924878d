import { describe, expect, it } from 'vitest';
import { parseGroupDb, parsePasswdLine, parseShadowLine } from '../../src/modules/lib/user-getent.js';
import { expiryDate, planUser, type UserArgs, type UserCurrent } from '../../src/modules/lib/user-plan.js';
import { userScript } from '../../src/modules/lib/user-script.js';
import user from '../../src/modules/user.js';

const HASH = '$6$salt$abcdefghijklmnopqrstuvwxyz0123456789';
const args = (extra: Record<string, unknown> = {}): UserArgs => user.args.parse({ name: 'alice', ...extra });
const GROUPS = 'root:x:0:\nadm:x:4:syslog,alice\nsudo:x:27:alice\ndev:x:1500:\nalice:x:1001:\n';
const current = (o: { passwd?: string; shadow?: string; groups?: string; homeExists?: boolean } = {}): UserCurrent => ({
  passwd: o.passwd ? parsePasswdLine(o.passwd) : undefined,
  shadow: o.shadow ? parseShadowLine(o.shadow) : undefined,
  groups: parseGroupDb(o.groups ?? GROUPS),
  hostname: 'lab1',
  homeExists: o.homeExists ?? true,
});
const ALICE = 'alice:x:1001:1001:Alice:/home/alice:/bin/bash';
const SHADOW = `alice:${HASH}:19000:0:99999:7:::`;
const argvOf = (p: ReturnType<typeof planUser>) => p.data.steps.map((s) => ('argv' in s ? s.argv : Object.keys(s)[0]));

describe('user: plan (getent records + args -> commands)', () => {
  const rows: { name: string; args: UserArgs; cur: UserCurrent; changed: boolean; steps: unknown[] }[] = [
    {
      name: 'new user: useradd with Ansible\'s options (a same-named group exists: -N)',
      args: args({ uid: 1500, groups: ['adm', 'sudo'], comment: 'A', shell: '/bin/sh', expires: 86400 * 365 }),
      cur: current(), changed: true,
      steps: [['useradd', '-u', '1500', '-N', '-G', 'adm,sudo', '-c', 'A', '-s', '/bin/sh', '-e', '1971-01-01', '-m', 'alice']],
    },
    {
      name: 'new system user without home, group given, home with parents',
      args: args({ system: true, create_home: false, group: 'dev', home: '/srv/a/alice' }),
      cur: current({ groups: 'dev:x:1500:\n' }), changed: true,
      steps: [['useradd', '-g', 'dev', '-d', '/srv/a/alice', '-M', '-r', 'alice']],
    },
    {
      name: 'new user with a password: the hash goes to chpasswd, not useradd',
      args: args({ password: HASH, createhome: 'no' }), cur: current({ groups: '' }), changed: true,
      steps: [['useradd', '-M', 'alice'], ['chpasswd', '-e']],
    },
    { name: 'existing and equal: ok', args: args({ shell: '/bin/bash', comment: 'Alice', groups: 'adm,sudo' }), cur: current({ passwd: ALICE, shadow: SHADOW }), changed: false, steps: [] },
    {
      name: 'shell, comment, home (moved) differ',
      args: args({ shell: '/bin/sh', comment: 'B', home: '/home/b', move_home: true }), cur: current({ passwd: ALICE, shadow: SHADOW }), changed: true,
      steps: [['usermod', '-c', 'B', '-d', '/home/b', '-m', '-s', '/bin/sh', 'alice']],
    },
    { name: 'groups differ, no append: the exact list', args: args({ groups: ['dev'] }), cur: current({ passwd: ALICE }), changed: true, steps: [['usermod', '-G', 'dev', 'alice']] },
    { name: 'append with groups already held: ok', args: args({ groups: 'adm', append: true }), cur: current({ passwd: ALICE }), changed: false, steps: [] },
    { name: 'append a new group: -a -G', args: args({ groups: 'dev', append: true }), cur: current({ passwd: ALICE }), changed: true, steps: [['usermod', '-a', '-G', 'dev', 'alice']] },
    { name: "groups: '' removes all supplementary groups", args: args({ groups: '' }), cur: current({ passwd: ALICE }), changed: true, steps: [['usermod', '-G', '', 'alice']] },
    { name: 'the same hash: ok', args: args({ password: HASH }), cur: current({ passwd: ALICE, shadow: SHADOW }), changed: false, steps: [] },
    { name: 'a different hash: chpasswd -e', args: args({ password: '$6$x$y' }), cur: current({ passwd: ALICE, shadow: SHADOW }), changed: true, steps: [['chpasswd', '-e']] },
    { name: 'update_password on_create keeps an existing hash', args: args({ password: '$6$x$y', update_password: 'on_create' }), cur: current({ passwd: ALICE, shadow: SHADOW }), changed: false, steps: [] },
    { name: 'password_lock on an unlocked account', args: args({ password_lock: true }), cur: current({ passwd: ALICE, shadow: SHADOW }), changed: true, steps: [['usermod', '-L', 'alice']] },
    { name: 'password_lock false unlocks', args: args({ password_lock: false }), cur: current({ passwd: ALICE, shadow: `alice:!${HASH}:1::::::` }), changed: true, steps: [['usermod', '-U', 'alice']] },
    { name: 'missing home is created from the skeleton', args: args(), cur: current({ passwd: ALICE, homeExists: false }), changed: true, steps: ['createHome'] },
    { name: 'expires removed', args: args({ expires: -1 }), cur: current({ passwd: ALICE, shadow: 'alice:*:1:0:99999:7::19000:' }), changed: true, steps: [['usermod', '-e', '', 'alice']] },
    { name: 'expires equal (same day): ok', args: args({ expires: 19000 * 86400 + 3600 }), cur: current({ passwd: ALICE, shadow: 'alice:*:1:0:99999:7::19000:' }), changed: false, steps: [] },
    { name: 'uid and primary group by name', args: args({ uid: 2000, group: 'dev', non_unique: true }), cur: current({ passwd: ALICE }), changed: true, steps: [['usermod', '-u', '2000', '-o', '-g', '1500', 'alice']] },
    { name: 'ssh key missing: generated', args: args({ generate_ssh_key: true, ssh_key_bits: 4096 }), cur: { ...current({ passwd: ALICE }), sshKey: { path: '/home/alice/.ssh/id_rsa', exists: false } }, changed: true, steps: ['sshDir', ['ssh-keygen', '-q', '-t', 'rsa', '-b', '4096', '-C', 'ansible-generated on lab1', '-f', '/home/alice/.ssh/id_rsa', '-N', ''], ['chown', 'alice:', '--', '/home/alice/.ssh/id_rsa', '/home/alice/.ssh/id_rsa.pub']] },
    { name: 'ssh key present: kept', args: args({ generate_ssh_key: true }), cur: { ...current({ passwd: ALICE }), sshKey: { path: '/home/alice/.ssh/id_rsa', exists: true } }, changed: false, steps: [] },
    { name: 'absent: userdel with -f -r', args: args({ state: 'absent', force: true, remove: true }), cur: current({ passwd: ALICE }), changed: true, steps: [['userdel', '-f', '-r', 'alice']] },
    { name: 'absent and gone: ok', args: args({ state: 'absent' }), cur: current(), changed: false, steps: [] },
  ];
  it.each(rows)('$name', (row) => {
    const p = planUser(row.args, row.cur);
    expect(p.failed).toBeFalsy();
    expect(p.changed).toBe(row.changed);
    expect(argvOf(p)).toEqual(row.steps);
  });

  it('an unknown group fails with Ansible\'s message and plans nothing', () => {
    expect(planUser(args({ groups: 'adm,nope' }), current())).toMatchObject({ failed: true, msg: 'Group nope does not exist', data: { steps: [] } });
    expect(planUser(args({ group: 'nope' }), current({ passwd: ALICE }))).toMatchObject({ failed: true, msg: 'Group nope does not exist' });
  });

  it('the password hash travels on stdin only, and never into results', () => {
    const p = planUser(args({ password: HASH, password_lock: true }), current());
    const { script, stdin } = userScript(p.data.steps);
    expect(stdin).toBe(`alice:!${HASH}\n`);
    expect(script).not.toContain('salt');
    expect(script).toContain('chpasswd -e');
    expect(JSON.stringify(p.result)).not.toContain('salt');
    expect(p.result.password).toBe('NOT_LOGGING_PASSWORD');
  });

  it('every user-supplied word is quoted in the script', () => {
    const p = planUser(args({ comment: "x'; touch /pwned; '", shell: '/bin/sh' }), current({ passwd: ALICE }));
    expect(userScript(p.data.steps).script).toBe(`{ usermod -c 'x'\\''; touch /pwned; '\\''' -s /bin/sh alice </dev/null; }`);
  });

  it('getent parsing and helpers', () => {
    expect(parsePasswdLine('bob:x:1002:1003:Bob B,,,:/home/bob:/bin/bash')).toEqual({ name: 'bob', uid: 1002, gid: 1003, comment: 'Bob B,,,', home: '/home/bob', shell: '/bin/bash' });
    expect(parsePasswdLine('')).toBeUndefined();
    expect(parseShadowLine('bob:!:19000:0:99999:7:::')).toEqual({ name: 'bob', hash: '!', expireDays: -1 });
    expect(parseGroupDb(GROUPS).find((g) => g.name === 'adm')?.members).toEqual(['syslog', 'alice']);
    expect(expiryDate(1422403387)).toBe('2015-01-28');
  });

  it('arguments: aliases, list or string groups, refusals', () => {
    expect(user.args.parse({ user: 'x', createhome: false, groups: ['a', 'b'] })).toMatchObject({ name: 'x', create_home: false, groups: 'a,b' });
    expect(user.args.safeParse({ name: 'x', ssh_key_passphrase: 'p' }).success).toBe(false);
    expect(user.args.safeParse({ name: 'x', password: 'a:b' }).success).toBe(false);
    expect(user.args.safeParse({ name: 'x', local: true }).success).toBe(false);
  });
});
