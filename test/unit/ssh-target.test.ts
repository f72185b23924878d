import { describe, expect, it } from 'vitest';
import { sshArgsToItems, splitShellWords } from '../../src/connection/ssh-args.js';
import { parseSshConfig, type SshConfigItem } from '../../src/connection/ssh-config.js';
import { parseJumpSpecs } from '../../src/connection/ssh-jump-spec.js';
import type { ConnectionSettings } from '../../src/connection/ssh-settings.js';
import { hostKeyChecking, resolveSshTarget, sshHostVars, type SshTarget } from '../../src/connection/ssh-target.js';
import type { Vars } from '../../src/vars/types.js';

const HOME = '/home/me';
const CONFIG = `
Host web1 10.9.9.9
  HostName web1.real
  User cfg-user
  Port 2201
  IdentityFile ~/.ssh/web_%r_%h_%p
  ConnectTimeout 3
  StrictHostKeyChecking yes

Host behind
  ProxyJump jumper@bastion:2022,second

Host bastion
  HostName 127.0.10.1
  IdentityFile ~/.ssh/bastion_key

Host second
  HostName 127.0.10.2
  User second-user

Host agentless
  IdentitiesOnly yes

Host legacy
  ProxyCommand nc %h %p

Host *
  HashKnownHosts yes
`;

let config: SshConfigItem[];
async function target(name: string, vars: Vars = {}, settings: ConnectionSettings = {}): Promise<SshTarget> {
  config ??= await parseSshConfig(CONFIG, { file: '/nonexistent/ssh_config', home: HOME });
  return resolveSshTarget(name, sshHostVars(vars), { localUser: 'me', env: { SSH_AUTH_SOCK: '/run/agent.sock' }, paths: { home: HOME }, ...settings }, config);
}

describe('ssh target: precedence (inventory > play > command line > ssh args > ssh config > defaults)', () => {
  const cases: Array<{ what: string; host: string; vars?: Vars; settings?: ConnectionSettings; want: Partial<SshTarget> }> = [
    { what: 'defaults', host: 'plain', want: { hostname: 'plain', port: 22, user: 'me', timeoutSec: 10, hostKeyChecking: 'accept-new', hostKeyName: 'plain' } },
    { what: 'ssh config', host: 'web1', want: { hostname: 'web1.real', port: 2201, user: 'cfg-user', timeoutSec: 3, hostKeyChecking: 'strict', hostKeyName: '[web1.real]:2201' } },
    { what: '-u beats ssh config User', host: 'web1', settings: { user: 'cli' }, want: { user: 'cli' } },
    { what: 'remote_user beats -u', host: 'web1', settings: { user: 'cli', remoteUser: 'play' }, want: { user: 'play' } },
    { what: 'ansible_user beats remote_user', host: 'web1', vars: { ansible_user: 'inv' }, settings: { user: 'cli', remoteUser: 'play' }, want: { user: 'inv' } },
    { what: 'ansible_ssh_user is ansible_user', host: 'plain', vars: { ansible_ssh_user: 'old' }, want: { user: 'old' } },
    { what: 'ansible_port beats Port', host: 'web1', vars: { ansible_port: '2222' }, want: { port: 2222, hostKeyName: '[web1.real]:2222' } },
    { what: 'ansible_host is what ssh config matches', host: 'inventory-name', vars: { ansible_host: '10.9.9.9' }, want: { hostname: 'web1.real', alias: '10.9.9.9', port: 2201 } },
    { what: 'ansible_host that matches nothing', host: 'web1', vars: { ansible_host: '127.0.0.9' }, want: { hostname: '127.0.0.9', port: 22, user: 'me' } },
    { what: '--timeout beats ConnectTimeout', host: 'web1', settings: { timeout: 30 }, want: { timeoutSec: 30 } },
    { what: 'ansible_timeout beats --timeout', host: 'web1', vars: { ansible_timeout: 5 }, settings: { timeout: 30 }, want: { timeoutSec: 5 } },
    { what: 'ssh args beat ssh config', host: 'web1', settings: { sshCommonArgs: '-o User=from-args -p 2300 -o "ConnectTimeout 4"' }, want: { user: 'from-args', port: 2300, timeoutSec: 4 } },
    { what: 'ansible_ssh_common_args replaces --ssh-common-args', host: 'plain', vars: { ansible_ssh_common_args: '-o Port=2400' }, settings: { sshCommonArgs: '-o Port=2300 -l x' }, want: { port: 2400, user: 'me' } },
    { what: 'password from -k, inventory wins', host: 'plain', vars: { ansible_ssh_pass: 'inv-pw' }, settings: { password: 'cli-pw' }, want: { password: 'inv-pw' } },
    { what: 'password from -k', host: 'plain', settings: { password: 'cli-pw' }, want: { password: 'cli-pw' } },
    { what: 'agent from SSH_AUTH_SOCK', host: 'plain', want: { agentSocket: '/run/agent.sock' } },
    { what: 'IdentitiesOnly turns the agent off', host: 'agentless', want: { agentSocket: undefined } },
  ];
  it.each(cases)('$what', async ({ host, vars, settings, want }) => {
    const t = await target(host, vars, settings);
    for (const [k, v] of Object.entries(want)) expect([k, t[k as keyof SshTarget]]).toEqual([k, v]);
  });

  it.each([
    ['default keys when none is named', 'plain', {}, {}, [`${HOME}/.ssh/id_ed25519`, `${HOME}/.ssh/id_ecdsa`, `${HOME}/.ssh/id_rsa`], false],
    ['ssh config IdentityFile with tokens', 'web1', {}, {}, [`${HOME}/.ssh/web_cfg-user_web1.real_2201`], true],
    ['--private-key first, then ssh config', 'web1', {}, { privateKeyFile: '/keys/cli' }, ['/keys/cli', `${HOME}/.ssh/web_cfg-user_web1.real_2201`], true],
    ['ansible_ssh_private_key_file replaces --private-key', 'web1', { ansible_ssh_private_key_file: '~/inv_key' }, { privateKeyFile: '/keys/cli' }, [`${HOME}/inv_key`, `${HOME}/.ssh/web_cfg-user_web1.real_2201`], true],
    ['-i in ssh args', 'plain', {}, { sshCommonArgs: '-i /keys/args' }, ['/keys/args'], true],
  ] as const)('keys: %s', async (_what, host, vars, settings, paths, explicit) => {
    const t = await target(host, vars, settings);
    expect(t.identityFiles).toEqual(paths.map((path) => ({ path, explicit })));
  });

  it('resolves each jump host with its own ssh config, never with the target password', async () => {
    const t = await target('behind', { ansible_password: 'secret' }, { privateKeyFile: '/keys/cli' });
    expect(t.jumps.map((j) => ({ host: j.hostname, port: j.port, user: j.user, keys: j.identityFiles.map((f) => f.path), password: j.password }))).toEqual([
      { host: '127.0.10.1', port: 2022, user: 'jumper', keys: [`${HOME}/.ssh/bastion_key`, '/keys/cli'], password: undefined },
      { host: '127.0.10.2', port: 22, user: 'second-user', keys: ['/keys/cli'], password: undefined },
    ]);
    expect(t.password).toBe('secret');
    expect((await target('behind', { ansible_ssh_common_args: '-J none' })).jumps).toEqual([]);
    expect((await target('plain', { ansible_ssh_common_args: '-J u@127.0.10.5' })).jumps.map((j) => `${j.user}@${j.hostname}:${j.port}`)).toEqual(['u@127.0.10.5:22']);
  });

  it('known_hosts files: defaults, injected paths, HashKnownHosts', async () => {
    expect((await target('plain')).knownHosts).toEqual({
      userFiles: [`${HOME}/.ssh/known_hosts`, `${HOME}/.ssh/known_hosts2`],
      globalFiles: ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'],
      hashNew: true,
    });
    const injected = await target('plain', {}, { paths: { home: HOME, userKnownHostsFiles: ['/t/kh'], globalKnownHostsFiles: [] } });
    expect(injected.knownHosts.userFiles).toEqual(['/t/kh']);
    expect(injected.knownHosts.globalFiles).toEqual([]);
  });

  it.each([
    ['ProxyCommand', 'legacy', {}, /ProxyCommand .* not supported/],
    ['a bad port', 'plain', { ansible_port: 'http' }, /invalid port 'http'/],
    ['a bad timeout', 'plain', { ansible_ssh_timeout: '0' }, /invalid ssh connect timeout/],
    ['a bad jump', 'plain', { ansible_ssh_common_args: '-J @host' }, /invalid ProxyJump/],
  ])('refuses %s', async (_what, host, vars, message) => {
    await expect(target(host, vars)).rejects.toThrow(message);
  });
});

describe('host key checking setting', () => {
  it.each([
    [undefined, undefined, undefined, undefined, 'accept-new'],
    [false, undefined, undefined, undefined, 'off'],
    ['False', undefined, undefined, 'yes', 'off'],
    [true, undefined, undefined, 'yes', 'strict'],
    [undefined, 'strict', 'False', undefined, 'strict'],
    [undefined, undefined, 'False', 'yes', 'off'],
    [undefined, undefined, 'True', 'yes', 'strict'],
    [undefined, undefined, undefined, 'accept-new', 'accept-new'],
    [undefined, undefined, undefined, 'no', 'off'],
    [undefined, undefined, undefined, 'ask', 'strict'],
    ['strict', 'off', undefined, undefined, 'strict'],
  ] as const)('var %s, setting %s, env %s, ssh config %s -> %s', (v, forced, env, cfg, want) => {
    expect(hostKeyChecking(v, forced, env, cfg)).toBe(want);
  });
});

describe('ProxyJump specs', () => {
  it.each([
    ['bastion', [{ host: 'bastion' }]],
    ['u@bastion:2022', [{ user: 'u', host: 'bastion', port: 2022 }]],
    ['ssh://u@bastion:2022', [{ user: 'u', host: 'bastion', port: 2022 }]],
    ['a,b@c', [{ host: 'a' }, { user: 'b', host: 'c' }]],
    ['[::1]:2200', [{ host: '::1', port: 2200 }]],
    ['u@[::1]', [{ user: 'u', host: '::1' }]],
    ['none', []],
    ['', []],
  ])('%s', (spec, want) => {
    expect(parseJumpSpecs(spec)).toEqual(want);
  });
  it.each(['h:0', 'h:99999', '@h', 'h:x'])('refuses %s', (spec) => {
    expect(() => parseJumpSpecs(spec)).toThrow();
  });
});

describe('ssh command-line options', () => {
  it.each([
    ['-o StrictHostKeyChecking=no', [['stricthostkeychecking', ['no']]]],
    ['-oPort=2 -o "User bob" -J a@b -i /k -p 3 -l u', [['port', ['2']], ['user', ['bob']], ['proxyjump', ['a@b']], ['identityfile', ['/k']], ['port', ['3']], ['user', ['u']]]],
    ['-C -A -T -o ControlMaster=auto -o ControlPersist=60s -F /x -L 1:h:2', [['controlmaster', ['auto']], ['controlpersist', ['60s']]]],
    ["-o 'ProxyJump=j1,j2'", [['proxyjump', ['j1,j2']]]],
  ])('%s', (text, want) => {
    expect(sshArgsToItems(text, 'test').map((i) => [i.key, i.args])).toEqual(want);
  });
  it.each([['stray', /unexpected argument 'stray'/], ['-o', /needs a value/], ['-o "unterminated', /unterminated/]])('refuses %s', (text, message) => {
    expect(() => sshArgsToItems(text, 'test')).toThrow(message);
  });
  it.each([
    [`a 'b c' "d \\"e\\"" f\\ g`, ['a', 'b c', 'd "e"', 'f g']],
    [`  x  `, ['x']],
    [`''`, ['']],
  ])('splits %s', (text, want) => {
    expect(splitShellWords(text)).toEqual(want);
  });
});
