import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSshConfig, parseSshConfig, splitStatement, SshOptions } from '../../src/connection/ssh-config.js';
import { matchPatternList } from '../../src/connection/ssh-pattern.js';

const CONFIG = `
# comment line
Host bastion
  HostName 127.0.10.1
  User jumper
  Port 2222

Host web? !web9 db-*
  User deploy
  IdentityFile ~/.ssh/web_key

Host *.lab "quoted host"
  HostName %h.internal
  ProxyJump bastion

Host web1
  User ignored-because-web?-came-first
  Port 2201
  IdentityFile ~/.ssh/second_key

Match host something
  User never-applies

Match all
  ConnectTimeout 7

Host *
  User default-user
  Port=22
  IdentityFile "~/.ssh/with space"
  StrictHostKeyChecking accept-new # trailing comment
`;

describe('ssh config: which options apply to a host (first value wins)', () => {
  let items: Awaited<ReturnType<typeof parseSshConfig>>;
  beforeAll(async () => {
    items = await parseSshConfig(CONFIG, { file: '/nonexistent/config', home: '/home/u' });
  });

  const cases: Array<{ host: string; expect: Record<string, string | undefined>; identity?: string[] }> = [
    { host: 'bastion', expect: { hostname: '127.0.10.1', user: 'jumper', port: '2222', proxyjump: undefined, connecttimeout: '7' }, identity: ['~/.ssh/with space'] },
    { host: 'web1', expect: { hostname: undefined, user: 'deploy', port: '2201' }, identity: ['~/.ssh/web_key', '~/.ssh/second_key', '~/.ssh/with space'] },
    { host: 'web2', expect: { user: 'deploy', port: '22' }, identity: ['~/.ssh/web_key', '~/.ssh/with space'] },
    { host: 'web9', expect: { user: 'default-user', port: '22' }, identity: ['~/.ssh/with space'] },
    { host: 'web10', expect: { user: 'default-user' } },
    { host: 'db-main', expect: { user: 'deploy' } },
    { host: 'DB-MAIN', expect: { user: 'deploy' } },
    { host: 'node.lab', expect: { hostname: '%h.internal', proxyjump: 'bastion', user: 'default-user' } },
    { host: 'quoted host', expect: { proxyjump: 'bastion' } },
    { host: 'other', expect: { hostname: undefined, user: 'default-user', port: '22', stricthostkeychecking: 'accept-new', connecttimeout: '7' } },
  ];
  it.each(cases)('$host', ({ host, expect: want, identity }) => {
    const o = new SshOptions(items, host);
    for (const [key, value] of Object.entries(want)) expect([key, o.value(key)]).toEqual([key, value]);
    if (identity) expect(o.all('IdentityFile')).toEqual(identity);
  });

  it('numbers and flags are typed, and a bad number names its line', () => {
    const o = new SshOptions(items, 'bastion');
    expect(o.number('Port')).toBe(2222);
    expect(o.number('ConnectTimeout')).toBe(7);
    expect(o.flag('HashKnownHosts')).toBeUndefined();
  });

  it('reports a bad number with the file and line', async () => {
    const bad = await parseSshConfig('Host x\n  Port twenty\n', { file: '/etc/cfg', home: '/h' });
    expect(() => new SshOptions(bad, 'x').number('port')).toThrow(/\/etc\/cfg:2: port must be a whole number, got 'twenty'/);
  });
});

describe('ssh config: statements and patterns', () => {
  it.each([
    ['HostName example.com', { key: 'hostname', args: ['example.com'] }],
    ['  Port=2222', { key: 'port', args: ['2222'] }],
    ['Port = 2222', { key: 'port', args: ['2222'] }],
    ['IdentityFile "/a b/c" # why', { key: 'identityfile', args: ['/a b/c'] }],
    ['Host a b !c', { key: 'host', args: ['a', 'b', '!c'] }],
    ['# only a comment', undefined],
    ['   ', undefined],
  ])('%j', (line, want) => {
    expect(splitStatement(line)).toEqual(want);
  });

  it.each([
    [['*'], 'anything', true],
    [['web?'], 'web1', true],
    [['web?'], 'web10', false],
    [['*.example.com'], 'a.example.com', true],
    [['*.example.com'], 'example.com', false],
    [['*', '!secret'], 'secret', false],
    [['!secret'], 'other', false], // a negation alone matches nothing
    [['10.0.0.*'], '10.0.0.7', true],
    [['a+b'], 'a+b', true], // regex characters are literal
    [['a+b'], 'aab', false],
  ] as const)('%j matches %s: %s', (patterns, host, want) => {
    expect(matchPatternList(patterns, host)).toBe(want);
  });
});

describe('ssh config: files and Include', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-sshcfg-'));
    await mkdir(join(dir, '.ssh', 'config.d'), { recursive: true });
    await writeFile(join(dir, '.ssh', 'config'), ['Include config.d/*.conf', 'Host special', '  Include ~/.ssh/only-special', 'Host *', '  User from-main'].join('\n'));
    await writeFile(join(dir, '.ssh', 'config.d', '10-a.conf'), 'Host alpha\n  Port 1001\n');
    await writeFile(join(dir, '.ssh', 'config.d', '20-b.conf'), 'Host alpha beta\n  Port 2002\n  User from-b\n');
    await writeFile(join(dir, '.ssh', 'config.d', 'ignored.txt'), 'Host alpha\n  User not-included\n');
    await writeFile(join(dir, '.ssh', 'only-special'), 'User special-user\n');
    await writeFile(join(dir, 'system_config'), 'Host *\n  Port 9\n  User from-system\n  HashKnownHosts yes\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['alpha', { port: '1001', user: 'from-b', hashknownhosts: 'yes' }],
    ['beta', { port: '2002', user: 'from-b' }],
    ['special', { port: '9', user: 'special-user' }],
    ['other', { port: '9', user: 'from-main' }],
  ])('%s', async (host, want) => {
    const items = await loadSshConfig([join(dir, '.ssh', 'config'), join(dir, 'missing'), join(dir, 'system_config')], dir);
    const o = new SshOptions(items, host);
    for (const [k, v] of Object.entries(want)) expect([k, o.value(k)]).toEqual([k, v]);
  });
});
