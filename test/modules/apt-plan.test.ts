// The apt module's pure parts as data: specs, version order, what dpkg-query and apt-cache policy
// print, and args + installed state -> which packages apt-get installs or removes.
import { describe, expect, it } from 'vitest';
import apt from '../../src/modules/apt.js';
import { dpkgOptionArgs, installCommand, removeCommand, type AptGetOptions } from '../../src/modules/lib/apt-commands.js';
import { planChanged, planPackages, type PackageRequest } from '../../src/modules/lib/apt-plan.js';
import { compareDebVersions, parseSpec, splitNames } from '../../src/modules/lib/apt-spec.js';
import { fnmatch } from '../../src/util/fnmatch.js';
import { inspectScript, parseDpkgQuery, parseInspect, parsePolicy, type AptState } from '../../src/modules/lib/apt-state.js';

describe('package specs', () => {
  it.each([
    ['nginx', { name: 'nginx' }],
    ['nginx=1.22-1', { name: 'nginx', op: '=', version: '1.22-1' }],
    ['nginx=1.22*', { name: 'nginx', op: '=', version: '1.22*' }],
    ['kubelet>=1.30', { name: 'kubelet', op: '>=', version: '1.30' }],
    ['libc6:amd64=2.36-9', { name: 'libc6:amd64', op: '=', version: '2.36-9' }],
    ['foo=1:2.0-1', { name: 'foo', op: '=', version: '1:2.0-1' }],
  ])('%s', (raw, want) => {
    expect(parseSpec(raw)).toEqual({ raw, ...want });
  });
  it('splits comma strings like Ansible', () => {
    expect(splitNames(['a, b', 'c', ''])).toEqual(['a', 'b', 'c']);
  });
  it.each([
    ['1.30.2-1.1', '1.30*', true],
    ['1.31.0-1.1', '1.30*', false],
    ['1.0-1', '1.0-1', true],
    ['1.0-10', '1.0-1', false],
    ['1.2-3', '1.?-3', true],
    ['1.2-3', '1.[0-2]-3', true],
    ['1.5-3', '1.[!5]-3', false],
    ['1.2.3', '1.2.3', true],
    ['1x2', '1.2', false],
  ])('fnmatch(%s, %s) = %s', (text, pattern, want) => {
    expect(fnmatch(text, pattern)).toBe(want);
  });
  it.each([
    ['1.0-1', '1.1-1', -1],
    ['1.1-1', '1.0-1', 1],
    ['1.0-1', '1.0-1', 0],
    ['1.0~rc1-1', '1.0-1', -1],
    ['1.0-1', '1.0+b1-1', -1],
    ['1:0.9-1', '2.0-1', 1],
    ['1.10', '1.9', 1],
    ['1.0a', '1.0', 1],
    ['1.0~', '1.0', -1],
    ['2.36-9+deb12u4', '2.36-9+deb12u10', -1],
    ['1.0', '1.0-0', 0],
  ])('compareDebVersions(%s, %s) = %i', (a, b, want) => {
    expect(compareDebVersions(a, b)).toBe(want);
  });
});

describe('reading what the host has', () => {
  it('parses dpkg-query lines, keyed by the names asked for', () => {
    const lines = ['tsplay-demo\ttsplay-demo\t1.0-1\tii ', 'libc6:amd64\tlibc6\t2.36-9\tii ', 'old\told\t0.1\trc '];
    expect(parseDpkgQuery(lines, ['tsplay-demo', 'libc6', 'old', 'missing'])).toEqual({
      'tsplay-demo': { name: 'tsplay-demo', version: '1.0-1', status: 'ii ' },
      libc6: { name: 'libc6:amd64', version: '2.36-9', status: 'ii ' },
      old: { name: 'old', version: '0.1', status: 'rc ' },
    });
  });
  it('parses apt-cache policy: installed, candidate and the version table, highest first', () => {
    const out = [
      'tsplay-demo:',
      '  Installed: 1.0-1',
      '  Candidate: 1.1-1',
      '  Version table:',
      '     1.1-1 500',
      '        500 http://127.0.0.1:4000 ./ Packages',
      ' *** 1.0-1 500',
      '        500 http://127.0.0.1:4000 ./ Packages',
      '        100 /var/lib/dpkg/status',
      'virtual-thing:',
      '  Installed: (none)',
      '  Candidate: (none)',
      '  Version table:',
    ];
    expect(parsePolicy(out, ['tsplay-demo', 'virtual-thing', 'unknown'])).toEqual({
      'tsplay-demo': { installed: '1.0-1', candidate: '1.1-1', versions: ['1.1-1', '1.0-1'] },
      'virtual-thing': { versions: [] },
    });
  });
  it('reads every section of one round trip, and a .deb file with what dpkg has under its name', () => {
    const request = { names: ['a'], policy: true, debs: ['/root/x.deb', '/root/gone.deb'], simulate: ['upgrade', '--with-new-pkgs'] };
    const script = inspectScript(request);
    expect(script).toContain("apt-cache -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o Dir::Log::Planner= policy a");
    expect(script).toContain('apt-get -s -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o Dir::Log::Planner= upgrade --with-new-pkgs');
    const out = [
      '@@tsplay-apt cache', '1700000000',
      '@@tsplay-apt dpkg', 'a\ta\t1.0\tii ',
      '@@tsplay-apt policy', 'a:', '  Installed: 1.0', '  Candidate: 1.0', '  Version table:', ' *** 1.0 100',
      '@@tsplay-apt deb /root/x.deb', 'Package: x', 'Version: 3.0-1', 'x\tx\t2.0-1\tii ',
      '@@tsplay-apt deb /root/gone.deb', 'missing',
      '@@tsplay-apt simulate', 'Reading package lists...', 'Inst b [1.0] (2.0 repo [all])', 'Conf b (2.0 repo [all])',
      '@@tsplay-apt end', '',
    ].join('\n');
    expect(parseInspect(out, request)).toEqual({
      cacheMtime: 1700000000,
      dpkg: { a: { name: 'a', version: '1.0', status: 'ii ' } },
      policy: { a: { installed: '1.0', candidate: '1.0', versions: ['1.0'] } },
      debs: [
        { path: '/root/x.deb', exists: true, name: 'x', version: '3.0-1', installed: { name: 'x', version: '2.0-1', status: 'ii ' } },
        { path: '/root/gone.deb', exists: false },
      ],
      simulated: ['Inst b [1.0] (2.0 repo [all])'],
    });
  });
  it('refuses output that was cut short', () => {
    expect(() => parseInspect('@@tsplay-apt cache\n0\n', { names: [], policy: false, debs: [] })).toThrow(/unexpected output/);
  });
});

/** A host where tsplay-demo 1.0-1 is installed, 1.1-1 is the candidate, old has only config files left. */
const HOST: AptState = {
  cacheMtime: 0,
  dpkg: {
    'tsplay-demo': { name: 'tsplay-demo', version: '1.0-1', status: 'ii ' },
    old: { name: 'old', version: '0.1', status: 'rc ' },
    'tsplay-hold': { name: 'tsplay-hold', version: '1.0-1', status: 'hi ' },
  },
  policy: {
    'tsplay-demo': { installed: '1.0-1', candidate: '1.1-1', versions: ['1.1-1', '1.0-1'] },
    'tsplay-dep': { candidate: '1.0-1', versions: ['1.0-1'] },
    old: { candidate: '0.2', versions: ['0.2'] },
    'tsplay-hold': { installed: '1.0-1', candidate: '2.0-1', versions: ['2.0-1', '1.0-1'] },
    virtual: { versions: [] },
  },
  debs: [],
};

function req(names: string[], o: Partial<PackageRequest> = {}): PackageRequest {
  return { specs: names.map(parseSpec), state: 'present', purge: false, only_upgrade: false, allow_downgrade: false, force: false, debs: [], ...o };
}

describe('planPackages: args + installed state -> apt-get targets', () => {
  const cases: [string, PackageRequest, Partial<AptState>, { install?: string[]; remove?: string[]; debs?: string[]; failed?: RegExp; assumed?: string[] }][] = [
    ['present and installed: nothing', req(['tsplay-demo']), {}, {}],
    ['present and missing: install', req(['tsplay-dep']), {}, { install: ['tsplay-dep'] }],
    ['a list: only what is missing', req(['tsplay-demo', 'tsplay-dep']), {}, { install: ['tsplay-dep'] }],
    ['latest with a newer candidate: upgrade', req(['tsplay-demo'], { state: 'latest' }), {}, { install: ['tsplay-demo'] }],
    ['latest and missing: install', req(['tsplay-dep'], { state: 'latest' }), {}, { install: ['tsplay-dep'] }],
    ['latest and current: nothing', req(['tsplay-demo'], { state: 'latest' }), { policy: { 'tsplay-demo': { installed: '1.0-1', candidate: '1.0-1', versions: ['1.0-1'] } } }, {}],
    ['latest with a version: Ansible refuses', req(['tsplay-demo=1.1-1'], { state: 'latest' }), {}, { failed: /inconsistent with state=latest/ }],
    ['the pinned version is installed: nothing', req(['tsplay-demo=1.0-1']), {}, {}],
    ['another version pinned: install it', req(['tsplay-demo=1.1-1']), {}, { install: ['tsplay-demo=1.1-1'] }],
    ['a wildcard matching the installed version: nothing', req(['tsplay-demo=1.0*']), {}, {}],
    ['a wildcard picks the highest match', req(['tsplay-demo=1.*'], { allow_downgrade: true }), { dpkg: {} }, { install: ['tsplay-demo=1.1-1'] }],
    ['a pinned older version needs allow_downgrade', req(['tsplay-demo=1.0-1']), { dpkg: { 'tsplay-demo': { name: 'tsplay-demo', version: '1.1-1', status: 'ii ' } } }, { failed: /allow_downgrade/ }],
    ['with allow_downgrade it is installed', req(['tsplay-demo=1.0-1'], { allow_downgrade: true }), { dpkg: { 'tsplay-demo': { name: 'tsplay-demo', version: '1.1-1', status: 'ii ' } } }, { install: ['tsplay-demo=1.0-1'] }],
    ['a version apt does not have', req(['tsplay-demo=9.9']), {}, { failed: /no available installation candidate for tsplay-demo=9.9/ }],
    ['>= satisfied', req(['tsplay-demo>=1.0']), {}, {}],
    ['>= not satisfied: the candidate', req(['tsplay-demo>=1.1']), {}, { install: ['tsplay-demo=1.1-1'] }],
    ['unknown package', req(['nope']), {}, { failed: /No package matching 'nope' is available/ }],
    ['a virtual package without candidate', req(['virtual']), {}, { failed: /No package matching 'virtual'/ }],
    ['config files only count as not installed', req(['old']), {}, { install: ['old'] }],
    ['only_upgrade skips what is not installed', req(['tsplay-dep', 'tsplay-demo'], { state: 'latest', only_upgrade: true }), {}, { install: ['tsplay-demo'] }],
    ['absent and installed: remove', req(['tsplay-demo', 'tsplay-dep'], { state: 'absent' }), {}, { remove: ['tsplay-demo'] }],
    ['absent with a version that does not match: nothing', req(['tsplay-demo=2*'], { state: 'absent' }), {}, {}],
    ['absent leaves config files without purge', req(['old'], { state: 'absent' }), {}, {}],
    ['purge removes config files', req(['old'], { state: 'absent', purge: true }), {}, { remove: ['old'] }],
    ['a .deb not installed', req([], { debs: ['/root/x.deb'] }), { debs: [{ path: '/root/x.deb', exists: true, name: 'x', version: '3.0-1' }] }, { debs: ['/root/x.deb'] }],
    ['a .deb whose version is installed', req([], { debs: ['/root/x.deb'] }), { debs: [{ path: '/root/x.deb', exists: true, name: 'x', version: '3.0-1', installed: { name: 'x', version: '3.0-1', status: 'ii ' } }] }, {}],
    ['force reinstalls a .deb', req([], { debs: ['/root/x.deb'], force: true }), { debs: [{ path: '/root/x.deb', exists: true, name: 'x', version: '3.0-1', installed: { name: 'x', version: '3.0-1', status: 'ii ' } }] }, { debs: ['/root/x.deb'] }],
    ['a missing .deb', req([], { debs: ['/root/x.deb'] }), { debs: [{ path: '/root/x.deb', exists: false }] }, { failed: /does not exist/ }],
  ];
  it.each(cases)('%s', (_title, request, host, want) => {
    const plan = planPackages(request, { ...HOST, ...host }, { cacheUpdatePending: false });
    if (want.failed) {
      expect(plan.failed).toMatch(want.failed);
      return;
    }
    expect(plan.failed).toBeUndefined();
    expect({ install: plan.install, remove: plan.remove, debs: plan.debs }).toEqual({ install: want.install ?? [], remove: want.remove ?? [], debs: want.debs ?? [] });
    expect(planChanged(plan)).toBe(!!(want.install?.length || want.remove?.length || want.debs?.length));
  });

  it('in check mode with a cache update pending, an unknown package is assumed to come', () => {
    const plan = planPackages(req(['tsplay-new']), HOST, { cacheUpdatePending: true });
    expect(plan.failed).toBeUndefined();
    expect(plan.assumed).toEqual(['tsplay-new']);
    expect(planChanged(plan)).toBe(true);
  });

  it('records versions before and after for the diff', () => {
    expect(planPackages(req(['tsplay-demo'], { state: 'latest' }), HOST, { cacheUpdatePending: false }).changes).toEqual([{ name: 'tsplay-demo', before: '1.0-1', after: '1.1-1' }]);
  });
});

describe('apt-get command lines', () => {
  const base: AptGetOptions = {
    dpkg_options: 'force-confdef,force-confold', force: false, purge: false, autoremove: false, only_upgrade: false, allow_downgrade: false,
    allow_unauthenticated: false, allow_change_held_packages: false, fail_on_autoremove: false, lock_timeout: 60, fixed: false,
  };
  it('install, as Ansible builds it', () => {
    expect(installCommand({ ...base, install_recommends: false, default_release: 'bookworm-backports', allow_downgrade: true }, ['a', 'b=1.0'])).toEqual([
      'apt-get', '-y', '-o', 'DPkg::Lock::Timeout=60', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold',
      '--allow-downgrades', '-t', 'bookworm-backports', '--no-install-recommends', 'install', 'a', 'b=1.0',
    ]);
    expect(installCommand({ ...base, install_recommends: true }, ['a'])).toContain('APT::Install-Recommends=yes');
  });
  it('remove with purge and autoremove', () => {
    expect(removeCommand({ ...base, purge: true, autoremove: true }, ['a']).slice(-4)).toEqual(['--purge', '--auto-remove', 'remove', 'a']);
  });
  it('dpkg_options', () => {
    expect(dpkgOptionArgs('force-confnew')).toEqual(['-o', 'Dpkg::Options::=--force-confnew']);
  });
});

describe('apt arguments', () => {
  it('accepts Ansible aliases and legacy states', () => {
    const parsed = apt.args.parse({ pkg: 'a', 'update-cache': 'yes', 'install-recommends': 'no', state: 'installed', upgrade: true });
    expect(parsed).toMatchObject({ name: 'a', update_cache: true, install_recommends: false, state: 'installed', upgrade: 'yes' });
    expect(apt.args.parse({ package: ['a', 'b'] }).name).toEqual(['a', 'b']);
  });
  it('rejects unknown arguments', () => {
    expect(apt.args.safeParse({ name: 'a', bogus: 1 }).success).toBe(false);
  });
});
