import { argv } from '../../connection/quote.js';
import type { ModuleContext, ModuleDef, ModuleResult, Plan } from '../types.js';
import type { RpmArgs } from './rpm-args.js';
import {
  availableQuery, checkUpdateQuery, parseSections, refreshCommand, rpmQuery, rpmQueryPatterns, sectionsScript, unneededQuery, type RpmBackend,
} from './rpm-commands.js';
import { isFnmatchPattern as isGlob } from '../../util/fnmatch.js';
import { candidateNames } from './rpm-nevra.js';
import { isNoMatch, parseRepoquery, parseRpmQuery, parseYumTable } from './rpm-parse.js';
import { isOpaqueSpec, planRpm, specsNeedingRepos, type RpmHostState, type RpmWork } from './rpm-plan.js';

/**
 * The host side of dnf and yum: read the rpm database (and, where a decision needs it, the
 * repositories) in one round trip, a second one only when `present` finds packages to install;
 * then run the planned transactions in one more.
 */

const uniq = (xs: string[]) => [...new Set(xs)];

function isWildcardUpgrade(a: RpmArgs): boolean {
  return a.state === 'latest' && a.names.length === 1 && a.names[0] === '*';
}

type Reader = (stdout: string, rc: number, stderr: string) => void;

function queryError(what: string, rc: number, stdout: string, stderr: string): Error {
  return new Error(`${what} failed (rc ${rc}): ${(stderr.trim() || stdout.trim()).slice(0, 2000)}`);
}

function readAvailable(backend: RpmBackend, into: (pkgs: RpmHostState['installed']) => void): Reader {
  return (out, rc, err) => {
    if (rc === 0) into(backend === 'dnf' ? parseRepoquery(out) : parseYumTable(out));
    else if (backend === 'yum' && rc === 1 && isNoMatch(out, err)) into([]);
    else throw queryError(`${backend} ${backend === 'dnf' ? 'repoquery' : 'list available'}`, rc, out, err);
  };
}

export async function inspectRpm(ctx: ModuleContext, a: RpmArgs, backend: RpmBackend): Promise<RpmHostState> {
  const st: RpmHostState = { backend, installed: [] };
  if (ctx.check && ctx.fs.overlay?.changedUnder('/etc/yum.repos.d')) st.reposPredicted = true;
  const commands: string[][] = [];
  const readers: Reader[] = [];
  const step = (cmd: string[], read: Reader) => {
    commands.push(cmd);
    readers.push(read);
  };
  if (a.update_cache && !ctx.check) {
    step(refreshCommand(backend, a), (out, rc, err) => {
      if (rc !== 0) throw queryError('updating the package cache', rc, out, err);
      st.cacheUpdated = true;
    });
  }
  const specs = a.names.filter((n) => !isOpaqueSpec(n));
  const wildcard = isWildcardUpgrade(a);
  const readInstalled: Reader = (out, rc, err) => {
    // rpm -q exits with the number of packages that are not installed
    if (rc >= 127) throw queryError('rpm -q', rc, out, err);
    st.installed.push(...parseRpmQuery(out));
  };
  const plain = uniq(specs.filter((s) => !isGlob(s)).flatMap(candidateNames));
  const globs = specs.filter((s) => isGlob(s));
  if (plain.length && !wildcard) step(rpmQuery(plain), readInstalled);
  if (globs.length && !wildcard) step(rpmQueryPatterns(globs), readInstalled);
  if (wildcard) {
    step(checkUpdateQuery(backend, a), (out, rc, err) => {
      if (rc !== 0 && rc !== 100) throw queryError(`${backend} check-update`, rc, out, err);
      st.updates = rc === 100 ? parseYumTable(out) : [];
    });
  } else if (a.state === 'latest' && specs.length) {
    st.availableFor = specs;
    step(availableQuery(backend, a, specs), readAvailable(backend, (p) => (st.available = p)));
  }
  if (a.autoremove && backend === 'dnf') {
    step(unneededQuery(a), (out, rc, err) => {
      if (rc !== 0) throw queryError('dnf repoquery --unneeded', rc, out, err);
      st.unneeded = parseRepoquery(out);
    });
  }
  if (commands.length) {
    const r = await ctx.run(sectionsScript(commands));
    parseSections(r.stdout, commands.length).forEach((s, i) => readers[i](s.stdout, s.rc, r.stderr));
  }
  // present: only what is not installed yet needs the repositories (is it there? which build?)
  if (a.state === 'present') {
    const need = specsNeedingRepos(a, st);
    if (need.length) {
      const r = await ctx.run(sectionsScript([availableQuery(backend, a, need)]));
      const [s] = parseSections(r.stdout, 1);
      st.availableFor = need;
      readAvailable(backend, (p) => (st.available = p))(s.stdout, s.rc, r.stderr);
    }
  }
  return st;
}

export async function applyRpm(ctx: ModuleContext, a: RpmArgs, plan: Plan<RpmWork>): Promise<Partial<ModuleResult>> {
  const work = plan.data!;
  const r = await ctx.run(work.commands.map((c) => argv(c)).join(' && '));
  if (r.rc !== 0) {
    return {
      failed: true,
      changed: false,
      msg: a.state === 'absent' ? 'Failed to remove some of the specified packages' : 'Failed to install some of the specified packages',
      failures: [(r.stderr.trim() || r.stdout.trim()).slice(-4000)],
      results: [],
      rc: r.rc,
      stdout: r.stdout,
      stderr: r.stderr,
    };
  }
  // groups, files and provides are dnf's to judge: it says when they were all there already
  if (work.onlyOpaque && /^Nothing to do/m.test(r.stdout)) return { changed: false, msg: 'Nothing to do', results: [], rc: 0 };
  return { msg: '', results: work.results, rc: 0 };
}

/** dnf and yum differ only in how they pick the backend. */
export function rpmPackageModule(name: 'dnf' | 'yum', args: ModuleDef<RpmArgs>['args'], backend: (ctx: ModuleContext, a: RpmArgs) => Promise<RpmBackend>): ModuleDef<RpmArgs, RpmHostState, RpmWork> {
  return {
    name,
    args,
    async inspect(ctx, a) {
      return inspectRpm(ctx, a, await backend(ctx, a));
    },
    plan: (a, st) => planRpm(a, st),
    apply: applyRpm,
  };
}
