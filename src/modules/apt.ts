import { z } from 'zod';
import { argv } from '../connection/quote.js';
import { ansibleBool, withAliases } from './lib/arg-types.js';
import { debFileName, downloadDebScript, isDebUrl } from './lib/apt-deb-url.js';
import { autoremoveCommand, installCommand, removeCommand, upgradeAction, upgradeCommand, type AptGetOptions } from './lib/apt-commands.js';
import { packagesText, planChanged, planPackages, type PackagePlan } from './lib/apt-plan.js';
import { parseSpec, splitNames } from './lib/apt-spec.js';
import { APT_ENV, inspectApt, type DebFile, type InspectRequest } from './lib/apt-state.js';
import { updateAptCache } from './lib/apt-update.js';
import { defineModule, type FileDiff, type ModuleContext, type ModuleResult } from './types.js';

const upgradeArg = z.preprocess((v) => (v === true ? 'yes' : v === false ? 'no' : v), z.enum(['no', 'yes', 'safe', 'full', 'dist']));
const intArg = z.coerce.number().int();

const fields = z
  .object({
    name: z.union([z.string(), z.array(z.coerce.string())]).optional(),
    state: z.enum(['present', 'absent', 'latest', 'fixed', 'build-dep', 'installed', 'removed']).default('present'),
    update_cache: ansibleBool.default(false),
    update_cache_retries: intArg.min(1).default(5),
    update_cache_retry_max_delay: intArg.min(0).default(12),
    cache_valid_time: intArg.min(0).default(0),
    purge: ansibleBool.default(false),
    default_release: z.string().optional(),
    install_recommends: ansibleBool.optional(),
    force: ansibleBool.default(false),
    allow_unauthenticated: ansibleBool.default(false),
    allow_downgrade: ansibleBool.default(false),
    allow_change_held_packages: ansibleBool.default(false),
    upgrade: upgradeArg.default('no'),
    dpkg_options: z.string().default('force-confdef,force-confold'),
    deb: z.string().min(1).optional(),
    autoremove: ansibleBool.default(false),
    fail_on_autoremove: ansibleBool.default(false),
    only_upgrade: ansibleBool.default(false),
    force_apt_get: ansibleBool.default(false),
    lock_timeout: intArg.min(0).default(60),
  })
  .strict();

export type AptArgs = z.infer<typeof fields>;

const args = withAliases(
  {
    pkg: 'name',
    package: 'name',
    'update-cache': 'update_cache',
    'install-recommends': 'install_recommends',
    'default-release': 'default_release',
    'allow-unauthenticated': 'allow_unauthenticated',
    'allow-downgrade': 'allow_downgrade',
    allow_downgrades: 'allow_downgrade',
    'allow-downgrades': 'allow_downgrade',
  },
  fields,
);

/** Ansible's legacy state names. */
function normalState(s: AptArgs['state']): 'present' | 'absent' | 'latest' | 'fixed' | 'build-dep' {
  return s === 'installed' ? 'present' : s === 'removed' ? 'absent' : s;
}

/**
 * Debian packages with apt-get: install, pin a version, upgrade, remove or purge, install a .deb
 * file, upgrade the system, refresh the cache. It reads dpkg's and apt's view in one round trip,
 * decides purely (planPackages), and runs apt-get. Written as `run` rather than inspect/plan/apply
 * because a due cache update must happen before the decision (a real run updates, reads again and
 * decides on the fresh cache) while check mode decides on the cache as it is and updates nothing.
 */
export default defineModule<AptArgs, never, never>({
  name: 'apt',
  args,
  checkMode: 'run',
  async run(ctx, a) {
    const state = normalState(a.state);
    if (state === 'build-dep') return fail('state=build-dep is not supported by tsplay');
    if (a.deb && /^[a-z][a-z0-9+.-]*:\/\//i.test(a.deb) && !isDebUrl(a.deb)) return fail(`deb: only http, https and ftp URLs (or a path on the host), got ${a.deb}`);
    const specs = splitNames(typeof a.name === 'string' ? [a.name] : (a.name ?? [])).map(parseSpec);
    const debs = a.deb ? [a.deb] : [];
    const wantsUpdate = a.update_cache || a.cache_valid_time > 0;
    const autoremoveOnly = a.autoremove && specs.length === 0 && debs.length === 0;
    if (!specs.length && !debs.length && a.upgrade === 'no' && !wantsUpdate && !a.autoremove) {
      return fail('one of the following is required: autoremove, deb, name, update_cache, upgrade');
    }
    const simulate = a.upgrade !== 'no' ? upgradeAction(a.upgrade) : autoremoveOnly ? ['autoremove', ...(a.purge ? ['--purge'] : [])] : undefined;
    const request: InspectRequest = { names: specs.map((s) => s.name), policy: state !== 'absent', debs, ...(simulate ? { simulate } : {}) };

    let current = await inspectApt(ctx, request);
    const cache = { updated: false, time: current.cacheMtime };
    // Ansible: the cache is fresh while its mtime + cache_valid_time is not in the past
    const due = wantsUpdate && current.cacheMtime + a.cache_valid_time < Math.floor(Date.now() / 1000);
    if (due && ctx.check) cache.updated = true;
    if (due && !ctx.check) {
      const failure = await updateAptCache(ctx, a.update_cache_retries, a.update_cache_retry_max_delay);
      if (failure) return { ...fail(failure.msg), stdout: failure.stdout, stderr: failure.stderr };
      const before = current.cacheMtime;
      current = await inspectApt(ctx, request);
      cache.updated = current.cacheMtime !== before;
      cache.time = current.cacheMtime;
    }
    const cacheFields = { cache_updated: cache.updated, cache_update_time: cache.time };
    if (!specs.length && !debs.length && a.upgrade === 'no' && !a.autoremove) return { changed: cache.updated, ...cacheFields };

    // in check mode, sources an earlier task would have added (apt_repository) are not in apt's
    // cache yet: packages apt does not know are assumed to come from them, not reported missing
    const sourcesPredicted = ctx.check && (ctx.fs.overlay?.changedUnder('/etc/apt/sources.list.d') || ctx.fs.overlay?.changedUnder('/etc/apt/sources.list'));
    const plan = planPackages(
      { specs, state, purge: a.purge, only_upgrade: a.only_upgrade, allow_downgrade: a.allow_downgrade, force: a.force, debs },
      current,
      { cacheUpdatePending: (due && ctx.check) || !!sourcesPredicted },
    );
    if (plan.failed) return { ...fail(plan.failed), ...cacheFields };
    const simulated = current.simulated ?? [];
    const changed = planChanged(plan) || simulated.length > 0;
    const diff = ctx.diff && changed ? packagesDiff(plan, simulated) : undefined;
    const base: ModuleResult = { changed, ...cacheFields, ...(diff ? { diff } : {}) };
    if (!changed) return base;
    if (ctx.check) {
      const from = sourcesPredicted ? 'from the sources an earlier task adds' : 'after the cache update';
      return { ...base, ...(plan.assumed.length ? { msg: `assuming ${plan.assumed.join(', ')} will be available ${from}` } : {}) };
    }
    return { ...base, ...(await applyPlan(ctx, a, state, plan, simulated.length > 0, current.debs)) };
  },
});

function fail(msg: string): ModuleResult {
  return { changed: false, failed: true, msg };
}

function options(a: AptArgs, state: string): AptGetOptions {
  return {
    dpkg_options: a.dpkg_options,
    force: a.force,
    purge: a.purge,
    autoremove: a.autoremove,
    only_upgrade: a.only_upgrade,
    allow_downgrade: a.allow_downgrade,
    allow_unauthenticated: a.allow_unauthenticated,
    allow_change_held_packages: a.allow_change_held_packages,
    fail_on_autoremove: a.fail_on_autoremove,
    install_recommends: a.install_recommends,
    default_release: a.default_release,
    lock_timeout: a.lock_timeout,
    fixed: state === 'fixed',
  };
}

/** Downloads the deb URLs to install into temp directories, runs apt-get, removes the downloads. */
async function applyPlan(ctx: ModuleContext, a: AptArgs, state: string, plan: PackagePlan, systemWide: boolean, debFiles: DebFile[]): Promise<Partial<ModuleResult>> {
  const downloads: string[] = [];
  try {
    const debs: string[] = [];
    for (const path of plan.debs) {
      const file = debFiles.find((d) => d.path === path);
      if (!isDebUrl(path) || !file?.name || !file.version) {
        debs.push(path);
        continue;
      }
      const name = debFileName(file.name, file.version);
      const r = await ctx.run(downloadDebScript(path, name));
      const dir = r.stdout.split('\n')[0];
      if (dir) downloads.push(dir);
      if (r.rc !== 0) return { changed: false, failed: true, msg: `cannot download ${path}: ${r.stderr.trim() || `exit ${r.rc}`}` };
      debs.push(`${dir}/${name}`);
    }
    return await runAptGet(ctx, a, state, { ...plan, debs }, systemWide);
  } finally {
    if (downloads.length) await ctx.run(argv(['rm', '-rf', '--', ...downloads]));
  }
}

/** Runs the planned apt-get commands in order; the first failure stops and is reported like Ansible's. */
async function runAptGet(ctx: ModuleContext, a: AptArgs, state: string, plan: PackagePlan, systemWide: boolean): Promise<Partial<ModuleResult>> {
  const o = options(a, state);
  const commands: string[][] = [];
  if (systemWide && a.upgrade !== 'no') commands.push(upgradeCommand(o, a.upgrade));
  if (systemWide && a.upgrade === 'no') commands.push(autoremoveCommand(o));
  if (plan.install.length || plan.debs.length) commands.push(installCommand(o, [...plan.install, ...plan.debs]));
  if (plan.remove.length) commands.push(removeCommand(o, plan.remove));
  const stdout: string[] = [];
  const stderr: string[] = [];
  for (const cmd of commands) {
    const r = await ctx.run(argv(cmd), { env: APT_ENV });
    stdout.push(r.stdout);
    stderr.push(r.stderr);
    if (r.rc !== 0) {
      return { changed: false, failed: true, rc: r.rc, msg: `'${cmd.join(' ')}' failed: ${r.stderr.trim()}`, stdout: stdout.join(''), stderr: stderr.join('') };
    }
  }
  const out = stdout.join('');
  // apt's own summary decides, as in Ansible: "0 upgraded, 0 newly installed, 0 to remove" is no change
  const summaries = out.match(/^\d+ upgraded, .*$/gm) ?? [];
  const nothing = summaries.length > 0 && summaries.every((line) => !/[1-9]/.test(line.replace(/ and \d+ not upgraded.*$/, '')));
  return { changed: !nothing, stdout: out, stderr: stderr.join(''), stdout_lines: out.split('\n').filter((l) => l !== '') };
}

/** Ansible shows apt's prepared output; tsplay shows the named packages' versions before and after. */
function packagesDiff(plan: PackagePlan, simulated: string[]): FileDiff[] {
  const sim = simulated.map((l) => `${l}\n`).join('');
  return [
    {
      before: packagesText(plan.changes, 'before'),
      after: packagesText(plan.changes, 'after') + sim,
      beforeHeader: 'packages (before)',
      afterHeader: 'packages (after)',
    },
  ];
}
