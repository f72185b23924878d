import { z } from 'zod';
import {
  autoStrategy, HOSTNAME_STRATEGIES, PERMANENT_FILE, readPermanentName, UNSUPPORTED_HOSTNAME_USES, writePermanentName, type HostnameStrategy,
} from './lib/hostname-strategy.js';
import { applySystemChange, failedPlan, planFile, systemPlan, type FilePart, type HostCommand, type SystemChange } from './lib/system-change.js';
import { OS_RELEASE_IDS, osFamilyFact, osFamilyFromRelease, serviceMgrFact, SYSTEMD_BOOTED } from './lib/system-facts.js';
import { fileText, readHost, type HostRead } from './lib/system-inspect.js';
import { defineModule } from './types.js';

const args = z
  .object({
    name: z.string().trim().min(1),
    use: z.enum([...HOSTNAME_STRATEGIES, ...UNSUPPORTED_HOSTNAME_USES]).optional(),
  })
  .strict();

export type HostnameArgs = z.infer<typeof args>;

/** What inspect reads: the candidate permanent-name files, the running name and how to set it. */
export interface HostnameState extends Pick<HostRead, 'files' | 'umask' | 'user'> {
  running: string;
  /** the facts' ansible_service_mgr, or 'systemd' when systemd runs (undefined: unknown) */
  serviceMgr: string | undefined;
  osFamily: string | undefined;
  /** hostnamectl reached systemd-hostnamed (over D-Bus) */
  hostnamectl: boolean;
}

const FILES = [...new Set(Object.values(PERMANENT_FILE).filter((f): f is string => f !== undefined))];

/**
 * ansible.builtin.hostname: the running name and the permanent one. Where systemd runs but
 * hostnamectl cannot reach systemd-hostnamed (no D-Bus: containers, lab hosts), tsplay writes
 * /etc/hostname (what systemd reads at boot) and runs `hostname NAME` instead of failing as Ansible does.
 */
export default defineModule<HostnameArgs, HostnameState, SystemChange>({
  name: 'hostname',
  args,
  async inspect(ctx) {
    const read = await readHost(ctx, {
      files: FILES,
      commands: { running: 'uname -n', systemd: SYSTEMD_BOOTED, hostnamectl: `${SYSTEMD_BOOTED} && hostnamectl --static`, os: OS_RELEASE_IDS },
    });
    const c = read.commands;
    return {
      files: read.files, umask: read.umask, user: read.user,
      running: c.running.stdout.trim(),
      serviceMgr: serviceMgrFact(ctx.vars) ?? (c.systemd.rc === 0 ? 'systemd' : undefined),
      osFamily: osFamilyFact(ctx.vars) ?? osFamilyFromRelease(c.os.stdout),
      hostnamectl: c.hostnamectl.rc === 0,
    };
  },
  plan(a, current, pctx) {
    const name = a.name;
    const short = name.split('.')[0];
    const facts = { ansible_hostname: short, ansible_nodename: name, ansible_fqdn: name, ansible_domain: name.split('.').slice(1).join('.') };
    // as ansible_facts (not set_fact values): later tasks see them as ansible_X and ansible_facts.X
    const result: Record<string, unknown> = { name, ansible_facts: facts };
    if (a.use && (UNSUPPORTED_HOSTNAME_USES as readonly string[]).includes(a.use)) return failedPlan(`hostname: use=${a.use} is not supported by tsplay (Linux hosts only)`, result);
    const chosen = (a.use as HostnameStrategy | undefined) ?? autoStrategy(current.serviceMgr, current.osFamily);
    const warnings: string[] = [];
    let strategy = chosen;
    if (chosen === 'systemd' && !current.hostnamectl) {
      strategy = 'debian';
      warnings.push('hostnamectl cannot reach systemd-hostnamed here: /etc/hostname and the running hostname are set directly');
    }
    const file = PERMANENT_FILE[strategy];
    const before = file ? fileText(current, file) : undefined;
    const permanent = readPermanentName(strategy, before);
    const commands: HostCommand[] = [];
    const parts: FilePart[] = [];
    if (strategy === 'systemd') {
      if (current.running !== name || permanent !== name) {
        commands.push({ argv: ['hostnamectl', 'set-hostname', name], what: 'Command failed', effect: { path: '/etc/hostname', kind: 'file', content: Buffer.from(`${name}\n`) } });
      }
    } else {
      if (file && permanent !== name) parts.push(planFile(current, file, writePermanentName(strategy, before, name), pctx));
      if (current.running !== name) {
        commands.push({ argv: strategy === 'alpine' ? ['hostname', '-F', '/etc/hostname'] : ['hostname', name], what: 'Command failed' });
      }
    }
    const changed = commands.length > 0 || parts.some((p) => p.changed);
    if (changed) parts.push({ changed: true, diff: [{ before: `hostname = ${current.running}\n`, after: `hostname = ${name}\n`, beforeHeader: 'hostname', afterHeader: 'hostname' }] });
    return systemPlan(parts, commands, warnings.length ? { ...result, warnings } : result);
  },
  apply: (ctx, _a, plan) => applySystemChange(ctx, plan.data!),
});
